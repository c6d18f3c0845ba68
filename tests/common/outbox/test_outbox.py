"""The task outbox: a task a write queues is recorded in the write's transaction, published
once it commits, and kept for the relay when the broker refuses it; the page then says the
work is saved. SQLite and PostgreSQL; the broker down is a port nothing listens on."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.outbox.models import OutboxTask
from common.outbox.services import RelayRound, backoff, outbox_publish_due, task_enqueue
from courses.models import Enrolment
from reports.models import ReportRequest
from tests import services
from tests.conftest import FIRST_PARTY_PACKAGES, require
from tests.courses.enrolment_support import make_cohort, make_people, seat, waitlist
from tests.reports.support import build_world

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"  # a port nothing listens on
SAVED = "Saved. The task queue is not answering just now"


@pytest.fixture
def broker_up():
    require(*services.broker())


@pytest.fixture
def broker_down(settings):
    settings.CELERY_BROKER_URL = DOWN
    return settings


def test_a_task_is_recorded_in_the_writes_transaction(broker_up):
    def failing_write():
        with transaction.atomic():
            task_enqueue(task="peacecentre.health_ping")
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        failing_write()
    assert not OutboxTask.objects.exists()  # rolled back with the write

    with transaction.atomic():
        row = task_enqueue(task="peacecentre.health_ping", args=[1], kwargs={"a": "b"})
        assert OutboxTask.objects.get().task_name == "peacecentre.health_ping"
    row.refresh_from_db()
    assert (row.args, row.kwargs) == ([1], {"a": "b"})


def test_published_on_commit_and_marked_sent(broker_up, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = task_enqueue(task="peacecentre.health_ping")
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 0
    assert outbox_publish_due().sent == 0  # nothing left for the relay


def test_a_refusing_broker_leaves_the_row_pending_with_backoff(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = task_enqueue(task="peacecentre.health_ping")  # no exception reaches the caller
    row.refresh_from_db()
    assert row.sent_at is None
    assert row.attempts == 1
    assert row.last_error.startswith("OperationalError")
    assert row.next_attempt_at > timezone.now()

    # The relay: not due yet, nothing tried; due, tried and deferred twice as long.
    assert outbox_publish_due() == RelayRound(sent=0, failed=0)
    later = row.next_attempt_at + dt.timedelta(seconds=1)
    outcome = outbox_publish_due(now=later)
    assert (outcome.sent, outcome.failed) == (0, 1)
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.sent_at is None


def test_backoff_doubles_up_to_its_cap(settings):
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 30)] == [1, 2, 4, 60, 60, 60]


def test_the_relay_publishes_once_the_broker_is_back(
    broker_up, settings, django_capture_on_commit_callbacks
):
    real = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = DOWN
    with django_capture_on_commit_callbacks(execute=True):
        rows = [task_enqueue(task="peacecentre.health_ping") for _n in range(3)]
    assert OutboxTask.objects.filter(sent_at__isnull=True).count() == 3
    # Still down: the first refusal ends the round, the others keep their turn.
    OutboxTask.objects.update(next_attempt_at=timezone.now())
    assert outbox_publish_due().failed == 1
    assert OutboxTask.objects.filter(sent_at__isnull=True).count() == 3

    settings.CELERY_BROKER_URL = real
    OutboxTask.objects.update(next_attempt_at=timezone.now())
    call_command("outbox_relay", once=True)
    assert OutboxTask.objects.filter(sent_at__isnull=True).count() == 0
    assert [r.pk for r in rows] == list(
        OutboxTask.objects.order_by("pk").values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)  # commits as a real request does
def test_a_report_requested_while_the_broker_is_down_is_saved_and_said_so(
    client, commander, broker_down
):
    world = build_world(commander)
    client.force_login(commander)
    response = client.post(
        reverse("reports:request"),
        {"kind": "readiness_matrix", "format": "xlsx", "profile": world["profile"].pk},
    )
    report = ReportRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:detail", args=[report.pk])
    assert report.status == "queued"
    row = OutboxTask.objects.get()
    assert (row.task_name, row.args, row.sent_at) == ("reports.build_report", [report.pk], None)
    page = client.get(response.url)
    assert page.status_code == 200
    assert SAVED in page.content.decode()
    # Until the relay hands it over, the report's page says why it has not started.
    again = client.get(response.url).content.decode()
    assert SAVED not in again  # the message was said once
    assert 'data-testid="report-waiting-for-queue"' in again
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now())
    assert 'data-testid="report-waiting-for-queue"' not in client.get(response.url).content.decode()


@pytest.mark.django_db(transaction=True)  # commits as a real request does
def test_a_withdrawal_while_the_broker_is_down_promotes_and_queues_the_mail(
    client, registrar, broker_down
):
    cohort = make_cohort(capacity=1)
    first, second = make_people(2)
    (seated,) = seat(cohort, [first])
    (waiting,) = waitlist(cohort, [second])
    client.force_login(registrar)
    response = client.post(
        reverse("courses:enrolment_withdraw", args=[seated.pk]),
        {"reason": "Posted abroad", "expected_status": "enrolled"},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ENROLLED
    row = OutboxTask.objects.get()
    assert (row.task_name, row.args, row.sent_at) == (
        "courses.send_waitlist_promotion",
        [waiting.pk],
        None,
    )
    assert SAVED in client.get(response.url).content.decode()


@pytest.mark.django_db(transaction=True)  # commits as a real request does
def test_no_notice_when_the_broker_takes_the_task(client, commander, broker_up):
    world = build_world(commander)
    client.force_login(commander)
    response = client.post(
        reverse("reports:request"),
        {"kind": "readiness_matrix", "format": "xlsx", "profile": world["profile"].pk},
    )
    assert OutboxTask.objects.get().sent_at is not None
    page = client.get(response.url).content.decode()
    assert SAVED not in page
    assert 'data-testid="report-waiting-for-queue"' not in page


def test_the_admin_lists_pending_rows_read_only(client, administrator, commander):
    task_enqueue(task="reports.build_report", args=[41])
    url = reverse("admin:outbox_outboxtask_changelist")
    client.force_login(commander)
    assert client.get(url).status_code == 302  # not staff: to the admin's sign-in
    client.force_login(administrator)
    page = client.get(url, {"state": "pending"})
    assert page.status_code == 200
    assert "reports.build_report" in page.content.decode()
    assert client.get(reverse("admin:outbox_outboxtask_add")).status_code == 403
    row = OutboxTask.objects.get()
    change = client.post(reverse("admin:outbox_outboxtask_change", args=[row.pk]), {})
    assert change.status_code == 403


def test_no_code_of_ours_queues_a_task_around_the_outbox():
    """A task queued with .delay() or apply_async() from a write is lost when the broker is
    down after the commit: every one goes through task_enqueue (the outbox publishes)."""
    root = Path(__file__).resolve().parents[3]
    pattern = re.compile(r"\.(delay|apply_async|send_task)\(|on_commit\(")
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for package in FIRST_PARTY_PACKAGES
        for path in (root / package).rglob("*.py")
        if path != root / "common" / "outbox" / "services.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []
    scanned = (root / "common" / "outbox" / "services.py").read_text()
    assert pattern.search(scanned)  # the pattern finds what it looks for
