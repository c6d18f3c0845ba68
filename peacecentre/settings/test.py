"""Test settings: the database and broker come from the environment like anywhere else.

With no DATABASE_URL / CELERY_BROKER_URL the suite runs on SQLite and the filesystem broker;
.ci/run points both at PostgreSQL and Redis.
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, INSTALLED_APPS, env

# Developer tooling (demo data, scale data, benchmarks): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only

# Each test run gets its own scratch folders: mail, media and the filesystem broker.
_TEST_VAR = Path(tempfile.mkdtemp(prefix="peacecentre-test-"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's shared in-memory database: the test Celery worker and the live
    # server write from other threads, and shared-cache tables fail at once ("table is
    # locked") where a file in WAL mode waits for the lock (the 20 s timeout in base.py).
    DATABASES["default"]["TEST"] = {"NAME": str(_TEST_VAR / "test.sqlite3")}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = _TEST_VAR / "media"
STATIC_ROOT = _TEST_VAR / "static"
STATIC_ROOT.mkdir()
WHITENOISE_USE_FINDERS = True  # serve static from the source folders, no collectstatic
CELERY_FILESYSTEM_ROOT = _TEST_VAR / "celery"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_ROOT / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_ROOT / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_ROOT / "control"),
        "processed_folder": str(CELERY_FILESYSTEM_ROOT / "processed"),
        "store_processed": False,
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The cache in the test database (pytest-django's test database creation runs
# createcachetable): every test's throttle counts roll back with its transaction, so tests
# never see each other's, and the real limiter runs on SQLite and PostgreSQL alike. Whatever
# CACHE_URL / REDIS_URL say: a Redis cache would carry counts from test to test and run to run.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "peacecentre_cache",
    }
}
# django-ratelimit flags the database cache as not atomic (E003, W001): one test at a time.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
LOGGING["root"]["level"] = env.str("LOG_LEVEL", default="WARNING")  # noqa: F405
