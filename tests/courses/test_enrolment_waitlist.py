"""The waitlist: withdrawal promotes #1 at once, capacity growth promotes as many as fit,
positions stay 1..n through every move; nominations are approved or declined."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Cohort, Enrolment
from courses.services.enrolment import (
    enrolment_withdraw,
    nomination_approve,
    nomination_decline,
    waitlist_move,
    waitlist_promote,
)
from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people, positions, seat, waitlist

pytestmark = pytest.mark.django_db


def numbers(enrolments) -> list[str]:
    return [e.person.service_number for e in enrolments]


@pytest.fixture
def full_cohort():
    """Capacity 2, both seats taken, three waiting."""
    cohort = make_cohort(capacity=2)
    seated = seat(cohort, make_people(2))
    waiting = waitlist(cohort, make_people(3))
    return cohort, seated, waiting


def test_withdrawal_promotes_the_first_waiting_at_once(
    full_cohort, registrar, django_capture_on_commit_callbacks
):
    cohort, seated, waiting = full_cohort

    with django_capture_on_commit_callbacks() as callbacks:
        promoted = enrolment_withdraw(enrolment=seated[0], reason="Posted abroad", by=registrar)

    assert numbers(promoted) == numbers(waiting[:1])
    seated[0].refresh_from_db()
    assert seated[0].status == Enrolment.Status.WITHDRAWN
    assert seated[0].status_reason == "Posted abroad"
    waiting[0].refresh_from_db()
    assert waiting[0].status == Enrolment.Status.ENROLLED
    assert waiting[0].waitlist_position is None
    assert waiting[0].promoted_at is not None
    assert positions(cohort) == [(n, i) for i, n in enumerate(numbers(waiting[1:]), start=1)]
    assert len(callbacks) == 1  # one promotion e-mail queued
    assert seated[0].history.first().history_user == registrar


def test_withdrawing_from_the_waitlist_closes_the_gap(full_cohort, registrar):
    cohort, _seated, waiting = full_cohort

    promoted = enrolment_withdraw(enrolment=waiting[1], reason="Exercise", by=registrar)

    assert promoted == []
    assert positions(cohort) == [
        (waiting[0].person.service_number, 1),
        (waiting[2].person.service_number, 2),
    ]
    waiting[1].refresh_from_db()
    assert (waiting[1].status, waiting[1].waitlist_position) == (Enrolment.Status.WITHDRAWN, None)


def test_withdrawal_needs_a_reason_and_a_current_page(full_cohort, registrar):
    _cohort, seated, _waiting = full_cohort

    with pytest.raises(ValidationError) as no_reason:
        enrolment_withdraw(enrolment=seated[0], reason="  ", by=registrar)
    assert no_reason.value.message_dict == {
        "reason": ["Give a reason: it is kept with the enrolment."]
    }

    with pytest.raises(ValidationError) as stale:
        enrolment_withdraw(
            enrolment=seated[0], reason="x", by=registrar, expected_status="waitlisted"
        )
    assert stale.value.messages == [
        f"{seated[0].person.full_name} is now enrolled: the page was out of date and nothing "
        "was changed. Check the cohort again."
    ]
    seated[0].refresh_from_db()
    assert seated[0].status == Enrolment.Status.ENROLLED


def test_only_current_trainees_withdraw(registrar):
    cohort = make_cohort()
    passed = factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.PASSED)

    with pytest.raises(ValidationError, match="only enrolled, waitlisted or nominated"):
        enrolment_withdraw(enrolment=passed, reason="x", by=registrar)


def test_a_finalised_cohort_keeps_its_roster(registrar):
    cohort = make_cohort(status=Cohort.Status.FINALISED, finalised_at=timezone.now())
    enrolment = factories.EnrolmentFactory(cohort=cohort)

    with pytest.raises(ValidationError, match="takes no enrolments"):
        enrolment_withdraw(enrolment=enrolment, reason="x", by=registrar)


def test_capacity_growth_promotes_as_many_as_fit_in_order(
    full_cohort, registrar, django_capture_on_commit_callbacks
):
    cohort, _seated, waiting = full_cohort
    cohort.capacity = 4
    cohort.save()

    with django_capture_on_commit_callbacks() as callbacks:
        promoted = waitlist_promote(cohort=cohort, by=registrar)

    assert numbers(promoted) == numbers(waiting[:2])
    assert positions(cohort) == [(waiting[2].person.service_number, 1)]
    assert len(callbacks) == 2
    assert waitlist_promote(cohort=cohort, by=registrar) == []  # nothing more fits


def test_promotion_waits_while_the_cohort_is_cancelled(full_cohort, registrar):
    cohort, _seated, _waiting = full_cohort
    Cohort.objects.filter(pk=cohort.pk).update(capacity=5, status=Cohort.Status.CANCELLED)

    assert waitlist_promote(cohort=cohort, by=registrar) == []
    assert len(positions(cohort)) == 3


def test_moving_up_and_down_keeps_positions_contiguous(registrar):
    cohort = make_cohort(capacity=1)
    seat(cohort, make_people(1))
    a, b, c, d = waitlist(cohort, make_people(4))

    waitlist_move(enrolment=c, direction="up", expected_position=3, by=registrar)
    assert [n for n, _ in positions(cohort)] == numbers([a, c, b, d])
    waitlist_move(enrolment=c, direction="up", expected_position=2, by=registrar)
    waitlist_move(enrolment=a, direction="down", expected_position=2, by=registrar)
    waitlist_move(enrolment=a, direction="down", expected_position=3, by=registrar)

    assert positions(cohort) == [(n, i) for i, n in enumerate(numbers([c, b, d, a]), start=1)]
    a.refresh_from_db()
    assert a.history.first().history_user == registrar


def test_moving_past_either_end_or_from_a_stale_page_is_refused(registrar):
    cohort = make_cohort(capacity=1)
    seat(cohort, make_people(1))
    first, second = waitlist(cohort, make_people(2))

    with pytest.raises(ValidationError, match="already first on the waitlist"):
        waitlist_move(enrolment=first, direction="up", expected_position=1, by=registrar)
    with pytest.raises(ValidationError, match="already last on the waitlist"):
        waitlist_move(enrolment=second, direction="down", expected_position=2, by=registrar)
    with pytest.raises(ValidationError) as stale:
        waitlist_move(enrolment=second, direction="up", expected_position=1, by=registrar)
    assert "The waitlist changed since the page was loaded" in stale.value.messages[0]
    assert "is now at position 2" in stale.value.messages[0]
    assert [n for n, _ in positions(cohort)] == numbers([first, second])


def test_a_gap_left_by_old_data_is_closed_by_the_next_move(registrar):
    cohort = make_cohort(capacity=1)
    seat(cohort, make_people(1))
    people = make_people(3)
    gappy = [
        factories.EnrolmentFactory(
            cohort=cohort, person=person, status=Enrolment.Status.WAITLISTED, waitlist_position=p
        )
        for person, p in zip(people, (2, 5, 9), strict=True)
    ]

    waitlist_move(enrolment=gappy[2], direction="up", expected_position=9, by=registrar)

    assert positions(cohort) == [
        (n, i) for i, n in enumerate(numbers([gappy[0], gappy[2], gappy[1]]), 1)
    ]


def test_the_database_refuses_two_people_at_one_position():
    cohort = make_cohort(capacity=1)
    waitlist(cohort, make_people(1))

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EnrolmentFactory(
            cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.EnrolmentFactory(
            cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=0
        )


@pytest.fixture
def nomination():
    cohort = make_cohort(capacity=1)
    person = factories.PersonFactory(nationality="TJ", last_name="Rahimov")
    return factories.EnrolmentFactory(
        cohort=cohort,
        person=person,
        status=Enrolment.Status.NOMINATED,
        nominating_country="TJ",
        nominating_party="MoD Tajikistan",
    )


def test_approving_a_nomination_takes_a_free_seat(nomination, registrar):
    approved = nomination_approve(enrolment=nomination, by=registrar)

    assert (approved.status, approved.waitlist_position) == (Enrolment.Status.ENROLLED, None)
    assert approved.history.first().history_user == registrar


def test_approving_when_full_waitlists_at_the_end(nomination, registrar):
    seat(nomination.cohort, make_people(1))
    waitlist(nomination.cohort, make_people(1))

    approved = nomination_approve(enrolment=nomination, by=registrar)

    assert (approved.status, approved.waitlist_position) == (Enrolment.Status.WAITLISTED, 2)


def test_approval_checks_the_rules_again(nomination, registrar):
    nomination.person.is_active = False
    nomination.person.save()

    with pytest.raises(ValidationError) as refused:
        nomination_approve(enrolment=nomination, by=registrar)

    assert refused.value.messages == [
        f"{nomination.person.full_name} cannot be enrolled: inactive person (not active in the "
        "register). Decline the nomination instead."
    ]
    nomination.refresh_from_db()
    assert nomination.status == Enrolment.Status.NOMINATED


def test_declining_keeps_the_reason(nomination, registrar):
    declined = nomination_decline(
        enrolment=nomination, reason="English below the course's level", by=registrar
    )

    assert declined.status == Enrolment.Status.DECLINED
    assert declined.status_reason == "English below the course's level"
    with pytest.raises(ValidationError, match="is now declined"):
        nomination_approve(enrolment=nomination, by=registrar)


def test_declining_needs_a_reason(nomination, registrar):
    with pytest.raises(ValidationError) as refused:
        nomination_decline(enrolment=nomination, reason="", by=registrar)
    assert "reason" in refused.value.message_dict
