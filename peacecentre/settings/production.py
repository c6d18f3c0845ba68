"""Production: refuses to start without a strong SECRET_KEY or without ALLOWED_HOSTS; passes
check --deploy.

Set at least SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and CELERY_BROKER_URL (README.md,
"Deploying"; every variable in docs/operations.md).
"""

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False

try:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        f"Production settings need SECRET_KEY and ALLOWED_HOSTS in the environment: {exc}"
    ) from exc
# Django's own test of a strong key (check --deploy, security.W009), made a refusal: a guessable
# key lets anyone forge sessions, password-reset links and signed values.
if (
    len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH
    or len(set(SECRET_KEY)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
    or SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} random characters, with at least "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, and must not start with "
        f'{SECRET_KEY_INSECURE_PREFIX!r}. Generate one with: python -c "from '
        "django.core.management.utils import get_random_secret_key; "
        'print(get_random_secret_key())" (docs/operations.md, Environment).'
    )
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name at least one host.")
if CACHES["default"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":  # noqa: F405
    raise ImproperlyConfigured(
        "Production settings need REDIS_URL (or CACHE_URL), a redis:// URL: the verification "
        "page's throttle counts in a cache that every web process on every machine shares."
    )
# django-ratelimit 4.1 lists django-redis's backend as supported but not Django's own
# RedisCache (newer than that list), and warns (W001). Django's is shared by every process and
# increments with Redis's atomic INCR, which is what the check is after. Only this warning is
# silenced; a cache that is not shared still fails (E003).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{host}" for host in ALLOWED_HOSTS]
)

# HTTPS everywhere; the reverse proxy in front of gunicorn sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Browsers upgrade any http: address a page names (there should be none).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True  # noqa: F405

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
