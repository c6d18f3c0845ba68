"""Settings shared by every environment, read from the environment with local defaults.

Without any environment variables the project runs on SQLite under var/ and Celery on
kombu's filesystem transport under var/celery, so a fresh clone needs no servers.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("PEACECENTRE_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_celery_results",
    "django_countries",
    "django_filters",
    "django_ratelimit",  # its system checks refuse a cache that web processes do not share
    "axes",
    "csp",
    "simple_history",
    "treebeard",
    # The base: imports no domain app (docs/architecture.md).
    "common",
    "common.outbox",
    "accounts",  # label "peacecentre": the user model's label since its first release
    "imports",
    # The domain: personnel <- courses <- readiness.
    "personnel",
    "courses",
    "readiness",
    # Features that read the domain.
    "dashboard",
    "reports",
    "notifications",
    "audit",
    # Running the installation: the health check, backups.
    "operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside the messages: a task the broker refused becomes a "saved, will start" message.
    "common.outbox.middleware.OutboxNoticeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Refuses sign-ins from an address with too many failures (SIGNIN_ADDRESS_RATE).
    "accounts.security.SignInAddressThrottleMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The admin's history pages show past versions but do not revert to one: a revert would write
# a service's fields (a status, a revocation) past the service (common/service_owned.py).
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "peacecentre.urls"
WSGI_APPLICATION = "peacecentre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://...) or SQLite under var/.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers run beside the one writer, and
    # IMMEDIATE transactions wait for the lock instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "peacecentre.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
# Uploads: spreadsheets up to common.spreadsheets.MAX_UPLOAD_BYTES (5 MB; nginx allows
# 6 MB: deploy/nginx) are checked by the import forms, which name the limit. Form fields: the
# gradebook posts one per trainee and component (a 300-trainee cohort with 8 components is
# 2,400), past Django's default of 1,000, which would answer 400 and lose what was typed.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no page script reads the token: forms carry it

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name
# from one address, that pair is locked out for AXES_COOLOFF_TIME; a right password before
# that resets the count. Locking the pair (not the address alone) keeps one mistyping officer
# from locking out a whole barracks behind one NAT address, and (not the user name alone)
# keeps a stranger from locking out a commander by guessing. Administrators see and clear
# attempts in the admin (Axes) or with `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# And per address, whatever the user name (accounts/security.py): after SIGNIN_ADDRESS_RATE
# failed sign-ins from one address ("20/15m": 20 in a quarter of an hour), every sign-in from
# it answers 429 until the quarter ends. It stops one address trying a few passwords on many
# user names, which the lock above never sees. Only failures count: an office of hundreds
# signing in behind one address is never held up; 20 failures in 15 minutes from one place is
# an attack or a problem for an administrator. The address is the one the other throttles
# count (RATELIMIT_IP_META_KEY below: REMOTE_ADDR, or the proxy's X-Forwarded-For entry).
SIGNIN_ADDRESS_RATE = env.str("SIGNIN_ADDRESS_RATE", default="20/15m")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["common.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60  # the sign-in page remembers the choice for a year
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
# The site's icons also at the site root (/favicon.ico, /apple-touch-icon.png), where browsers
# look for them on what names none (a PDF opened in the browser); pages link the static ones.
WHITENOISE_ROOT = BASE_DIR / "static" / "favicon"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded import files and report files hold personal data: the service user's alone (Django
# would make them 0644 whatever the umask; docs/operations.md, "File permissions").
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: files under var/mail by default, so a user can read what was sent.
# EMAIL_URL (smtp://user:pass@host:587, smtp+tls://..., consolemail://) overrides.
EMAIL_FILE_PATH = Path(env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
if EMAIL_URL := env.str("EMAIL_URL", default=""):
    # Sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, ... from the one URL.
    globals().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Peace Operations Centre <noreply@peacecentre.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when CELERY_BROKER_URL is set, otherwise kombu's filesystem transport.
# The filesystem transport needs one folder for in and out, an absolute control folder,
# and the folders created before the worker starts (peacecentre/celery.py creates them).
CELERY_FILESYSTEM_ROOT = VAR_DIR / "celery"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_ROOT / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_ROOT / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_ROOT / "control"),
        "processed_folder": str(CELERY_FILESYSTEM_ROOT / "processed"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Report tasks acknowledge late (reports/tasks.py): Redis hands a message not
    # yet acknowledged to another worker after visibility_timeout, so it must exceed the
    # longest task (CELERY_TASK_TIME_LIMIT, 30 min) and the longest retry countdown (the
    # commander digest's, 30 min). A report whose worker died is queued again within minutes
    # by the watchdog (its heartbeat stops: REPORT_STALL_SECONDS), not after this timeout.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_CACHE_BACKEND = "django-cache"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The task outbox (common/outbox) and its relay (manage.py outbox_relay): how often the
# relay looks for pending tasks, and its backoff while the broker refuses them.
OUTBOX_POLL_SECONDS = env.float("OUTBOX_POLL_SECONDS", default=1.0)
OUTBOX_BACKOFF_MAX_SECONDS = env.float("OUTBOX_BACKOFF_MAX_SECONDS", default=60.0)
# /health/ fails when a task has waited for the broker longer than this.
OUTBOX_MAX_AGE_SECONDS = env.int("OUTBOX_MAX_AGE_SECONDS", default=5 * 60)
# A running report writes a heartbeat this often; the relay's watchdog (every
# REPORT_WATCHDOG_SECONDS) queues again one silent for REPORT_STALL_SECONDS, at most
# REPORT_MAX_ATTEMPTS builds in all.
REPORT_HEARTBEAT_SECONDS = env.float("REPORT_HEARTBEAT_SECONDS", default=30.0)
REPORT_STALL_SECONDS = env.float("REPORT_STALL_SECONDS", default=3 * 60.0)
REPORT_WATCHDOG_SECONDS = env.float("REPORT_WATCHDOG_SECONDS", default=30.0)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)

# Cache, shared by every web process: the public verification page counts wrong guesses per
# address in it (django-ratelimit). CACHE_URL, or else REDIS_URL, is a redis:// URL
# (production needs one: peacecentre/settings/production.py). Without either, files under
# var/cache, which every process on this one machine shares with no server to run.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "peacecentre",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# The verification page's throttle (courses/views/verification.py): unknown codes from one
# address, at most VERIFY_RATE ("20/10m": 20 per 10 minutes); past that, every lookup from
# that address answers 429 until the window ends.
VERIFY_RATE = env.str("VERIFY_RATE", default="20/10m")
RATELIMIT_USE_CACHE = "default"
# Whose address is counted. By default REMOTE_ADDR, the address that connected to Django:
# right when clients reach gunicorn directly. Behind a reverse proxy every request comes from
# the proxy, so all clients would share one count: set TRUST_X_FORWARDED_FOR=true, and have
# the proxy append the client's address to X-Forwarded-For (nginx: proxy_set_header
# X-Forwarded-For $proxy_add_x_forwarded_for); the last entry, the one the proxy wrote, is
# counted. Never set it when clients can reach gunicorn directly: they could claim any
# address. Any other header the proxy sets: RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP".
RATELIMIT_IP_META_KEY = (
    "courses.views.verification.client_ip_behind_proxy"
    if env.bool("TRUST_X_FORWARDED_FOR", default=False)
    else None
)
# The sign-in throttles count the same address (REMOTE_ADDR unless the proxy is trusted).
AXES_CLIENT_IP_CALLABLE = RATELIMIT_IP_META_KEY or "accounts.security.remote_addr"

# Content-Security-Policy (django-csp): every script and style sheet comes from this site's
# static files, and no inline script runs (page scripts live in static/js and read their
# translated strings from data attributes). Inline style attributes are allowed: the server-
# drawn SVG charts and a few widths use them, and they cannot run code. Nothing may frame
# the pages (frame-ancestors, with X-Frame-Options DENY for older browsers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; its warnings (a missing font) matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes: its start-up banner is INFO; failed and locked-out sign-ins are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# The centre's own settings.
# The centre's name in the header; empty shows the translated "Peace Operations Centre".
PEACECENTRE_NAME = env.str("PEACECENTRE_NAME", default="")
# Report files are removed this many days after they were built (reports.remove_old_reports).
REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=30)
# How far ahead a lapsing qualification or certification is flagged (docs/domain.md).
LAPSING_WINDOW_DAYS = 90
# The site's address where no request gives it: a certificate rendered by a worker prints its
# verification URL (and QR code) from this. Pages build it from the request instead.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
