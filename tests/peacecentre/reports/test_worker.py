"""Reports built by real Celery workers: the in-process test worker (the `celery_worker`
fixture) end to end, and a `celery -A peacecentre worker` process killed with SIGKILL while it
builds a report, whose report the next worker finishes (Redis only: the message of a killed
worker comes back after the broker's visibility timeout)."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from peacecentre.celery import app
from peacecentre.reports.models import ReportRequest
from peacecentre.reports.services import PROGRESS_DELAY_ENV
from tests import services
from tests.conftest import require
from tests.peacecentre.reports.support import build_world, page_rows, request_matrix, xlsx_rows

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


def wait_for(report: ReportRequest, statuses: set[str], *, seconds: float) -> ReportRequest:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.1)
    raise AssertionError(f"report {report.pk} still {report.status} after {seconds} s")


def test_the_test_worker_builds_a_requested_report(celery_worker, client, commander):
    world = build_world(commander)
    report = request_matrix(commander, profile=world["profile"])  # queued on commit
    report = wait_for(report, {"done", "failed"}, seconds=60)
    assert report.status == "done", report.error
    assert report.task_id
    assert report.attempts == 1
    client.force_login(commander)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    sheets = xlsx_rows(b"".join(response.streaming_content))
    assert sheets[world["profile"].name] == page_rows(commander, world["profile"])


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(log: Path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.peacecentre.reports.worker_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PEACECENTRE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        # Test only: each progress call of the build sleeps this long (services.py), so the
        # build of a few rows runs for seconds, long enough to kill its worker mid-build.
        PROGRESS_DELAY_ENV: "1.0",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "peacecentre", "worker",
        "--pool=prefork", "--concurrency=1", "--loglevel=INFO", f"--hostname={name}@%h",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    # A session of its own: os.killpg reaches the main process and its pool child together.
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _kill(worker: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def test_a_worker_killed_mid_report_and_restarted_finishes_it(commander, tmp_path):
    require(
        settings.CELERY_BROKER_URL.startswith("redis")
        and services.redis_reachable(settings.CELERY_BROKER_URL)[0],
        "needs Redis as the broker (CELERY_BROKER_URL=redis://...): only Redis hands a killed "
        "worker's message to the next worker",
    )
    app.control.purge()  # this run's queue only: nothing left from an earlier run
    world = build_world(commander)
    reports = Path(settings.MEDIA_ROOT) / "reports"
    before = set(reports.rglob("*.xlsx")) if reports.exists() else set()
    log = tmp_path / "workers.log"
    first = _start_worker(log, "first")
    second = None
    try:
        report = request_matrix(commander, profile=world["profile"])
        report = wait_for(report, {"running", "done", "failed"}, seconds=60)
        assert report.status == "running", log.read_text()
        time.sleep(1.5)  # into the rows: 1 s per progress call, 4 calls for 3 rows
        _kill(first)
        report.refresh_from_db()
        assert report.status == "running", "killed too late"
        assert report.attempts == 1
        assert not report.file

        second = _start_worker(log, "second")
        report = wait_for(report, {"done", "failed"}, seconds=90)
        assert report.status == "done", report.error or log.read_text()
        assert report.attempts == 2  # rebuilt from scratch by the second worker
        after = set(reports.rglob("*.xlsx"))
        assert after - before == {Path(report.file.path)}  # one complete file
        sheets = xlsx_rows(Path(report.file.path).read_bytes())
        assert sheets[world["profile"].name] == page_rows(
            commander, world["profile"], on=report.finished_at.date()
        )
    finally:
        _kill(first)
        if second is not None:
            _kill(second)
