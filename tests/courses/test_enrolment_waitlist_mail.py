"""The promotion e-mail: one per promotion, never two, sent by a real Celery worker."""

import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from courses.models import Enrolment
from courses.services.enrolment import enrolment_promotion_notify, enrolment_withdraw
from courses.tasks import send_waitlist_promotion
from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people, seat


def promoted_enrolment(**person):
    cohort = make_cohort(capacity=1, location="Almaty, KAZCENT")
    person = {
        "first_name": "Aigerim",
        "last_name": "Nurlanova",
        "email": "a.nurlanova@mod.kz",
        **person,
    }
    return factories.EnrolmentFactory(
        cohort=cohort, person=factories.PersonFactory(**person), promoted_at=timezone.now()
    )


@pytest.mark.django_db
def test_the_promotion_mail_says_which_course_and_when():
    enrolment = promoted_enrolment()
    cohort = enrolment.cohort

    assert enrolment_promotion_notify(enrolment_id=enrolment.pk) is True

    (message,) = mail.outbox
    assert message.to == ["a.nurlanova@mod.kz"]
    assert message.subject == f"You have a seat in {cohort.course.title} ({cohort.code})"
    assert "Dear Nurlanova Aigerim," in message.body
    assert "you have moved from the waitlist into it" in message.body
    assert cohort.starts_on.strftime("%Y") in message.body
    assert "Location: Almaty, KAZCENT" in message.body
    assert "&" not in message.body  # plain text, not HTML-escaped
    enrolment.refresh_from_db()
    assert enrolment.promotion_notified_at is not None


@pytest.mark.django_db
def test_notifying_twice_sends_once():
    enrolment = promoted_enrolment()

    assert enrolment_promotion_notify(enrolment_id=enrolment.pk) is True
    assert enrolment_promotion_notify(enrolment_id=enrolment.pk) is False

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_nobody_is_mailed_without_an_address_or_a_promotion():
    no_address = promoted_enrolment(email="")
    never_waited = factories.EnrolmentFactory(person__email="x@mod.kz")
    withdrawn_since = promoted_enrolment(service_number="KZ-W1")
    withdrawn_since.status = Enrolment.Status.WITHDRAWN
    withdrawn_since.save()

    assert enrolment_promotion_notify(enrolment_id=no_address.pk) is False
    assert enrolment_promotion_notify(enrolment_id=never_waited.pk) is False
    assert enrolment_promotion_notify(enrolment_id=withdrawn_since.pk) is False
    assert enrolment_promotion_notify(enrolment_id=10**9) is False

    assert mail.outbox == []
    no_address.refresh_from_db()
    assert no_address.promotion_notified_at is not None  # handled: not retried for ever


def eventually(check, timeout: float = 30):
    """Poll `check` until it returns something true: the worker does its part in its own
    thread, in its own time."""
    deadline = time.monotonic() + timeout
    while True:
        if result := check():
            return result
        if time.monotonic() > deadline:
            return check()
        time.sleep(0.1)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_mails_the_promoted_trainee_once_through_a_real_worker(
    celery_worker, registrar
):
    cohort = make_cohort(capacity=1)
    (seated,) = seat(cohort, make_people(1))
    waiting = factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(email="next.in.line@mod.kz"),
        status=Enrolment.Status.WAITLISTED,
        waitlist_position=1,
    )

    enrolment_withdraw(enrolment=seated, reason="Deployed early", by=registrar)

    notified = eventually(
        lambda: Enrolment.objects.filter(
            pk=waiting.pk, status=Enrolment.Status.ENROLLED, promotion_notified_at__isnull=False
        ).exists()
    )
    assert notified
    assert [m.to for m in mail.outbox] == [["next.in.line@mod.kz"]]

    # The same task again (a retry, a duplicate message): nothing more is sent.
    again = send_waitlist_promotion.delay(waiting.pk)
    assert eventually(again.ready)
    assert again.result is False
    assert len(mail.outbox) == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_during_a_broker_outage_mails_once_the_broker_is_back(
    celery_worker, registrar, settings
):
    """The promotion is saved and its mail waits in the task outbox; the relay hands it to
    the broker once it answers, and the worker mails the trainee once."""
    from common.outbox.models import OutboxTask

    cohort = make_cohort(capacity=1)
    (seated,) = seat(cohort, make_people(1))
    waiting = factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(email="next.in.line@mod.kz"),
        status=Enrolment.Status.WAITLISTED,
        waitlist_position=1,
    )
    working_broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    enrolment_withdraw(enrolment=seated, reason="Deployed early", by=registrar)

    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ENROLLED
    row = OutboxTask.objects.get(task_name="courses.send_waitlist_promotion")
    assert (row.args, row.sent_at, row.attempts) == ([waiting.pk], None, 1)
    time.sleep(1)
    assert mail.outbox == []

    settings.CELERY_BROKER_URL = working_broker
    OutboxTask.objects.update(next_attempt_at=timezone.now())
    call_command("outbox_relay", once=True)
    assert eventually(
        lambda: Enrolment.objects.filter(
            pk=waiting.pk, promotion_notified_at__isnull=False
        ).exists()
    )
    assert [m.to for m in mail.outbox] == [["next.in.line@mod.kz"]]
    assert OutboxTask.objects.get(pk=row.pk).sent_at is not None
