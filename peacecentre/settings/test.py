"""Test settings: the database and broker come from the environment like anywhere else.

With no DATABASE_URL / CELERY_BROKER_URL the suite runs on SQLite and the filesystem broker;
.ci/run points both at PostgreSQL and Redis.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, DATABASES, INSTALLED_APPS, env

# Developer tooling (demo data, scale data, benchmarks): never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]


def _broker_of_xdist_worker(url: str, worker: str) -> str:
    """The Redis broker URL with the database number moved on by the pytest-xdist worker's
    number (gw0: the configured one, gw1: the next, ...): each worker's test Celery worker
    then takes only its own messages, and purges and unacknowledged messages stay its own."""
    parts = urlsplit(url)
    configured = int(parts.path.strip("/") or 0)
    number = configured + int(worker.removeprefix("gw"))
    if number > 15:  # Redis has 16 databases unless its configuration says otherwise
        raise ValueError(f"xdist worker {worker} would need Redis database {number} ({url})")
    return urlunsplit(parts._replace(path=f"/{number}"))


# Under pytest-xdist, a broker of each worker's own. Once per worker: the processes a test
# starts (they load these settings too) inherit the worker's URL and the note that it is one.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if (
    _XDIST_WORKER
    and CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
    and os.environ.get("PEACECENTRE_TEST_BROKER_OF") != _XDIST_WORKER
):
    CELERY_BROKER_URL = _broker_of_xdist_worker(CELERY_BROKER_URL, _XDIST_WORKER)
    os.environ["CELERY_BROKER_URL"] = CELERY_BROKER_URL
    os.environ["PEACECENTRE_TEST_BROKER_OF"] = _XDIST_WORKER

DEBUG = False
SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only

# Each test process (each pytest-xdist worker) gets its own scratch folders: mail, media and
# the filesystem broker.
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
