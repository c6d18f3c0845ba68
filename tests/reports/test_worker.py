"""Reports built by real Celery workers: the in-process test worker (the `celery_worker`
fixture) end to end, and a `celery -A peacecentre worker` process killed with SIGKILL while it
builds a report, whose report the next worker finishes (Redis only: the message of a killed
worker comes back after the broker's visibility timeout)."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from peacecentre.celery import app
from tests import services
from tests.conftest import require
from tests.reports.processes import kill, start_worker, wait_for
from tests.reports.support import build_world, page_rows, request_matrix, xlsx_rows

pytestmark = pytest.mark.django_db(transaction=True)


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
    first = start_worker(log, "first")
    second = None
    try:
        report = request_matrix(commander, profile=world["profile"])
        report = wait_for(report, {"running", "done", "failed"}, seconds=60)
        assert report.status == "running", log.read_text()
        time.sleep(1.5)  # into the rows: 1 s per progress call, 4 calls for 3 rows
        kill(first)
        report.refresh_from_db()
        assert report.status == "running", "killed too late"
        assert report.attempts == 1
        assert not report.file

        second = start_worker(log, "second")
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
        kill(first)
        if second is not None:
            kill(second)
