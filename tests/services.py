"""Is a service this test needs reachable? Each answer is (available, reason-if-not)."""

import shutil
import socket
from urllib.parse import urlparse

from django.conf import settings
from django.db import connection

CHROMIUM = "/usr/bin/chromium"


def redis_reachable(url: str) -> tuple[bool, str]:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    try:
        with socket.create_connection((host, port), timeout=2):
            return True, ""
    except OSError as exc:
        return False, f"Redis at {host}:{port} is not reachable ({exc})"


def broker() -> tuple[bool, str]:
    """The configured broker: the filesystem transport is always there; Redis must answer."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        return True, ""
    if url.startswith(("redis://", "rediss://")):
        return redis_reachable(url)
    return False, f"no reachability check for broker {url.split(':', 1)[0]}"


def postgresql() -> tuple[bool, str]:
    if connection.vendor == "postgresql":
        return True, ""
    return False, f"the tests run on {connection.vendor}, not PostgreSQL (set DATABASE_URL)"


def chromium() -> tuple[bool, str]:
    if shutil.which(CHROMIUM):
        return True, ""
    return False, f"{CHROMIUM} is missing (apt-get install chromium)"
