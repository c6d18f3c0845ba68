"""Real Celery workers and outbox relays as subprocesses of a test, on the test run's database
and media folder (tests.reports.worker_settings), each in a session of its own so
that killing its process group takes the whole worker (main process and pool) at once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from reports.models import ReportRequest
from reports.services import PROGRESS_DELAY_ENV

ROOT = Path(__file__).resolve().parents[2]


def wait_for(report: ReportRequest, statuses: set[str], *, seconds: float) -> ReportRequest:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.1)
    raise AssertionError(f"report {report.pk} still {report.status} after {seconds} s")


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _environment(extra: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PEACECENTRE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "LOG_LEVEL": "INFO",
        # Test only: each progress call of the build sleeps this long (services.py), so the
        # build of a few rows runs for seconds, long enough to kill its worker mid-build.
        PROGRESS_DELAY_ENV: "1.0",
        **extra,
    }


def _spawn(command: list[str], log: Path, extra: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=_environment(extra), stdout=log.open("ab"),
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def start_worker(log: Path, name: str, **extra: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "celery", "-A", "peacecentre", "worker",
        "--pool=prefork", "--concurrency=1", "--loglevel=INFO", f"--hostname={name}@%h",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    return _spawn(command, log, extra)


def start_relay(log: Path, **extra: str) -> subprocess.Popen:
    return _spawn([sys.executable, "manage.py", "outbox_relay"], log, extra)


def kill(process: subprocess.Popen | None, sig: int = signal.SIGKILL) -> None:
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(timeout=15)
