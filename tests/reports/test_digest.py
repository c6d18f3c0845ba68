"""The weekly commander digest: one mail per commander per week with their subtree's
readiness and the matrix XLSX attached (a sheet per active profile), in their language;
retried when the mail server fails, and never marked sent when it was not."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from accounts.roles import Role
from common.outbox.models import OutboxTask
from reports import digests, tasks
from reports.models import CommanderDigest
from tests import factories
from tests.readiness.matrix_support import contingent_profile
from tests.reports.flaky_mail import FlakyEmailBackend
from tests.reports.support import command, page_rows, xlsx_rows

pytestmark = pytest.mark.django_db

FLAKY = "tests.reports.flaky_mail.FlakyEmailBackend"


@pytest.fixture
def run_sweep():
    """The weekly task, then the per-commander sends it queued in the outbox, run at once
    (no worker) and marked handed over, as the relay would."""

    def run() -> int:
        count = tasks.send_weekly_commander_digests.apply().get()
        queued = OutboxTask.objects.filter(
            task_name="reports.send_commander_digest", sent_at__isnull=True
        ).order_by("pk")
        for row in queued:
            tasks.send_commander_digest.apply(args=row.args)
            OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now())
        return count

    return run


def test_each_commander_gets_one_digest_a_week(run_sweep, commander, world):
    assert run_sweep() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [commander.email]
    assert "KAZBAT" in message.subject
    # The subtree: KZ-1 ready, KZ-2 lapsing, KZ-3 not ready.
    assert "People: 3 · ready: 2 (of whom 1 with something lapsing soon) · not ready: 1" in (
        message.body
    )
    assert "Share ready: 67 %" in message.body
    assert "Most common gaps:" in message.body
    assert ": 1 people" in message.body
    digest = CommanderDigest.objects.get()
    assert digest.commander == commander
    assert digest.sent_at
    assert digest.attempts == 1
    assert digest.week == digests.week_of(timezone.localdate())
    # Again the same week: nothing new.
    assert run_sweep() == 0
    assert tasks.send_commander_digest.apply(args=[digest.pk]).get() is False
    assert len(mail.outbox) == 1


def test_the_attachment_is_the_matrix_one_sheet_per_profile(run_sweep, commander, world):
    second = contingent_profile(code="second", name="Second profile")
    run_sweep()
    [(filename, content, mimetype)] = mail.outbox[0].attachments
    assert filename.startswith("readiness-KAZBAT-")
    assert filename.endswith(".xlsx")
    assert mimetype.startswith("application/vnd.openxmlformats")
    sheets = xlsx_rows(content)
    assert list(sheets) == [second.name, world["profile"].name]  # the profiles' order: by name
    today = timezone.localdate()
    assert sheets[world["profile"].name] == page_rows(commander, world["profile"], on=today)
    assert sheets[second.name] == page_rows(commander, second, on=today)


def test_a_commander_of_several_units_gets_one_mail(run_sweep, commander, world):
    command(world["units"]["MIA"], commander)
    run_sweep()
    assert len(mail.outbox) == 1
    assert "KAZBAT" in mail.outbox[0].subject
    assert "MIA" in mail.outbox[0].subject
    assert "People: 4 ·" in mail.outbox[0].body  # KZ-5 of MIA-FPU counted too


def test_every_commander_gets_their_own(run_sweep, commander, world):
    other = factories.UserFactory(username="mia-cmdr", roles=[Role.COMMANDER])
    command(world["units"]["MIA-FPU"], other)
    factories.UserFactory(username="no-role")  # commands nothing, gets nothing
    run_sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([commander.email, other.email])
    theirs = next(m for m in mail.outbox if m.to == [other.email])
    assert "People: 1 ·" in theirs.body


def test_next_week_is_another_digest(run_sweep, commander, world):
    run_sweep()
    CommanderDigest.objects.update(week=digests.week_of(timezone.localdate()) - dt.timedelta(7))
    run_sweep()
    assert len(mail.outbox) == 2


def test_the_mail_is_in_the_commanders_language(run_sweep, commander, world, monkeypatch):
    commander.language = "ru"
    commander.save()
    languages = []
    render, render_subject = digests.render_to_string, digests.mail_subject_render

    def spy(template, context):
        languages.append(("body", translation.get_language()))
        return render(template, context)

    def subject_spy(**kwargs):
        languages.append(("subject", translation.get_language()))
        return render_subject(**kwargs)

    monkeypatch.setattr(digests, "render_to_string", spy)
    monkeypatch.setattr(digests, "mail_subject_render", subject_spy)
    before = translation.get_language()
    run_sweep()
    assert languages == [("subject", "ru"), ("body", "ru")]
    assert translation.get_language() == before


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_failing_mail_server_is_retried_and_the_log_stays_true(commander, world):
    FlakyEmailBackend.failures, FlakyEmailBackend.attempts = 2, 0
    [digest_id] = digests.commander_digests_prepare()
    result = tasks.send_commander_digest.apply(args=[digest_id])
    assert result.get() is True
    digest = CommanderDigest.objects.get()
    assert FlakyEmailBackend.attempts == 3
    assert digest.attempts == 3
    assert digest.sent_at
    assert digest.last_error == ""
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_mail_server_that_stays_down_leaves_it_unsent(commander, world):
    FlakyEmailBackend.failures, FlakyEmailBackend.attempts = 100, 0
    [digest_id] = digests.commander_digests_prepare()
    result = tasks.send_commander_digest.apply(args=[digest_id])
    assert result.failed()
    digest = CommanderDigest.objects.get()
    assert digest.sent_at is None
    assert "SMTPServerDisconnected" in digest.last_error
    assert FlakyEmailBackend.attempts == tasks.send_commander_digest.max_retries + 1
    assert mail.outbox == []
    # Next week's run (or an administrator's) still finds it unsent.
    assert digests.commander_digests_prepare() == [digest_id]


def test_the_send_task_retries_with_backoff():
    task = tasks.send_commander_digest
    assert task.retry_backoff
    assert task.max_retries >= 3
    assert task.acks_late
    assert task.soft_time_limit < task.time_limit


def test_a_commander_without_an_email_is_not_marked_sent(run_sweep, commander, world):
    commander.email = ""
    commander.save()
    run_sweep()
    assert mail.outbox == []
    assert CommanderDigest.objects.get().sent_at is None


def test_the_schedules_exist():
    cleanup = PeriodicTask.objects.get(task="reports.remove_old_reports")
    assert (cleanup.crontab.hour, cleanup.crontab.minute) == ("3", "30")
    assert str(cleanup.crontab.timezone) == "Asia/Almaty"
    digest = PeriodicTask.objects.get(task="reports.send_weekly_commander_digests")
    crontab = digest.crontab
    assert (crontab.day_of_week, crontab.hour, crontab.minute) == ("1", "6", "0")
    assert str(crontab.timezone) == "Asia/Almaty"


def test_a_commander_who_is_also_a_registrar_gets_only_their_subtree(run_sweep, commander, world):
    from django.contrib.auth.models import Group

    commander.groups.add(Group.objects.get(name=Role.REGISTRAR.value))
    run_sweep()
    assert "People: 3 ·" in mail.outbox[0].body  # KAZBAT's three, not the register's five
    [(_name, content, _type)] = mail.outbox[0].attachments
    rows = xlsx_rows(content)[world["profile"].name]
    assert sorted(row[0] for row in rows[1:]) == ["KZ-1", "KZ-2", "KZ-3"]
