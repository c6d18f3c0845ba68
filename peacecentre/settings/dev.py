"""Local development: DEBUG on, an insecure key, localhost only. Used by `make run`."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, env

# Developer tooling (demo data, scale data, benchmarks): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# The file cache (base.py, without CACHE_URL) is shared by the processes of this one machine
# but increments by read-then-write, so two wrong guesses at the same instant may count once:
# fine for a development server. django-ratelimit's checks say so as an error (E003) and a
# warning (W001); production refuses to start without Redis instead (production.py).
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):  # noqa: F405
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# The embedded defaults live under var/: make the folders a fresh clone lacks.
for folder in (VAR_DIR, EMAIL_FILE_PATH, MEDIA_ROOT, STATIC_ROOT):  # noqa: F405
    folder.mkdir(parents=True, exist_ok=True)
