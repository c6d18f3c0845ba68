"""The reminder tasks through the configured broker (Redis in CI) and a real worker: each
reminder mailed once, a second sweep mails nothing, a failing mail server is retried and the
log stays true."""

import time

import pytest
from celery.app import autoretry
from django.core import mail
from django.test import override_settings

from notifications import tasks
from notifications.models import Reminder, ReminderDigest
from tests import factories
from tests.notifications import mail_backends
from tests.notifications.support import ON, commanded_unit, days, person

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

FLAKY = "tests.notifications.mail_backends.FlakyBackend"


def eventually(check, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return result


def lapsing_records():
    holder = person(unit=commanded_unit())
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(30))
    factories.PassportFactory(person=holder, issued_on=days(-3000), valid_until=days(7))


def test_a_sweep_then_the_digests_mail_each_reminder_once_and_a_second_sweep_none(celery_worker):
    lapsing_records()

    assert tasks.sweep_lapsing_task.delay(ON.isoformat()).get(timeout=60) == 4
    assert tasks.send_digests_task.delay(ON.isoformat()).get(timeout=60) == {
        "mailed": 2,
        "deferred": 0,
        "reminders": 4,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["asel@mod.kz", "cmdr@mod.kz"]

    assert tasks.sweep_lapsing_task.delay(ON.isoformat()).get(timeout=60) == 0
    assert tasks.send_digests_task.delay(ON.isoformat()).get(timeout=60)["mailed"] == 0
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 4


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_failing_mail_server_is_retried_and_the_log_stays_true(celery_worker, monkeypatch):
    # Retry at once instead of after the production backoff (a minute, doubling): the
    # autoretry wrapper reads this function when it schedules the retry.
    countdowns = []

    def no_wait(*, factor, retries, maximum, full_jitter):
        countdowns.append((factor, retries, maximum))
        return 0

    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", no_wait)
    lapsing_records()
    tasks.sweep_lapsing_task.delay(ON.isoformat()).get(timeout=60)
    # First run: the first recipient is mailed, the second fails; the retry fails at once;
    # the second retry succeeds.
    mail_backends.fail_on(2, 3)

    result = tasks.send_digests_task.delay(ON.isoformat())

    assert result.get(timeout=60) == {"mailed": 1, "deferred": 0, "reminders": 2}
    assert countdowns == [(60, 0, 600), (60, 1, 600)]  # two retries, backoff growing
    assert sorted(m.to[0] for m in mail.outbox) == ["asel@mod.kz", "cmdr@mod.kz"]  # once each
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert sorted(ReminderDigest.objects.values_list("recipient_email", "item_count")) == [
        ("asel@mod.kz", 2),
        ("cmdr@mod.kz", 2),
    ]


@override_settings(EMAIL_BACKEND=FLAKY)
def test_while_the_server_stays_down_nothing_is_marked_sent(celery_worker, monkeypatch):
    monkeypatch.setattr(autoretry, "get_exponential_backoff_interval", lambda **kwargs: 0)
    monkeypatch.setattr(tasks.send_digests_task, "max_retries", 2)
    lapsing_records()
    tasks.sweep_lapsing_task.delay(ON.isoformat()).get(timeout=60)
    mail_backends.fail_on(*range(1, 100))

    result = tasks.send_digests_task.delay(ON.isoformat())

    assert eventually(result.ready)
    assert result.failed()
    assert mail.outbox == []
    assert not Reminder.objects.filter(sent_at__isnull=False).exists()
    assert not ReminderDigest.objects.exists()
    assert mail_backends.state["calls"] == 3  # the first try and two retries


def test_every_task_has_a_time_limit_and_a_fixed_name():
    for task, name in (
        (tasks.sweep_lapsing_task, "notifications.sweep_lapsing"),
        (tasks.sweep_cohorts_starting_task, "notifications.sweep_cohorts_starting"),
        (tasks.sweep_results_missing_task, "notifications.sweep_results_missing"),
        (tasks.sweep_recognition_lapsing_task, "notifications.sweep_recognition_lapsing"),
        (tasks.sweep_pcrs_renewals_task, "notifications.sweep_pcrs_renewals"),
        (tasks.sweep_pcrs_actions_overdue_task, "notifications.sweep_pcrs_actions_overdue"),
        (tasks.send_digests_task, "notifications.send_digests"),
    ):
        assert task.name == name
        assert task.time_limit
        assert task.soft_time_limit < task.time_limit
    assert tasks.send_digests_task.max_retries == 8
