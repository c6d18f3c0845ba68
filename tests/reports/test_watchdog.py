"""The report watchdog: a running report whose heartbeat stopped is queued again through the
outbox, at most REPORT_MAX_ATTEMPTS builds, then failed with a message in the requester's
language; the build itself beats while it runs, even when its progress does not move."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from common.outbox.models import OutboxTask
from reports.models import ReportRequest
from reports.services import ReportHeartbeat, reports_requeue_stalled

pytestmark = pytest.mark.django_db


def report(user, *, beat_seconds_ago: float | None, attempts: int = 1, status: str = "running"):
    now = timezone.now()
    return ReportRequest.objects.create(
        kind="readiness_matrix",
        format="xlsx",
        title="Readiness",
        requested_by=user,
        status=status,
        attempts=attempts,
        progress=40,
        started_at=now - dt.timedelta(minutes=10),
        heartbeat_at=None
        if beat_seconds_ago is None
        else now - dt.timedelta(seconds=beat_seconds_ago),
    )


def test_a_silent_running_report_is_queued_again(commander, settings):
    settings.REPORT_STALL_SECONDS = 180
    silent = report(commander, beat_seconds_ago=200)
    never_beat = report(commander, beat_seconds_ago=None)  # started 10 minutes ago
    beating = report(commander, beat_seconds_ago=20)
    queued = report(commander, beat_seconds_ago=None, status="queued", attempts=0)

    outcome = reports_requeue_stalled()

    assert sorted(outcome.requeued) == sorted([silent.pk, never_beat.pk])
    assert outcome.failed == []
    for again in (silent, never_beat):
        again.refresh_from_db()
        assert (again.status, again.progress, again.heartbeat_at) == ("queued", 0, None)
    beating.refresh_from_db()
    queued.refresh_from_db()
    assert beating.status == "running"
    assert queued.status == "queued"
    rows = OutboxTask.objects.order_by("args")
    assert [(r.task_name, r.args) for r in rows] == sorted(
        [("reports.build_report", [silent.pk]), ("reports.build_report", [never_beat.pk])],
        key=lambda pair: pair[1],
    )
    # A second watchdog round finds nothing more to do.
    assert reports_requeue_stalled().requeued == []
    assert OutboxTask.objects.count() == 2


def test_after_the_last_attempt_the_report_fails_in_the_requesters_language(commander, settings):
    settings.REPORT_STALL_SECONDS = 180
    settings.REPORT_MAX_ATTEMPTS = 3
    commander.language = "ru"
    commander.save(update_fields=["language"])
    worn = report(commander, beat_seconds_ago=600, attempts=3)

    outcome = reports_requeue_stalled()

    assert outcome.failed == [worn.pk]
    worn.refresh_from_db()
    assert worn.status == "failed"
    assert worn.finished_at is not None
    assert worn.error  # in Russian once translated; never empty (the constraint)
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection
def test_the_build_beats_while_its_progress_stands_still(commander, settings):
    settings.REPORT_HEARTBEAT_SECONDS = 0.2
    running = report(commander, beat_seconds_ago=600)
    before = ReportRequest.objects.get(pk=running.pk).heartbeat_at
    with ReportHeartbeat(running.pk) as beat:
        time.sleep(1.0)  # no progress call meanwhile
        assert beat.thread.is_alive()
    assert not beat.thread.is_alive()  # stops with the build
    running.refresh_from_db()
    assert running.heartbeat_at > before
    assert timezone.now() - running.heartbeat_at < dt.timedelta(seconds=5)
