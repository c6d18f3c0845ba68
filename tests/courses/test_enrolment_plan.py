"""enrolment_plan: who would be enrolled, waitlisted, nominated or refused, and why; it writes
nothing and its query count does not grow with the number of candidates."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Cohort, Enrolment
from courses.services.enrolment import (
    MAX_CANDIDATES,
    Candidate,
    Outcome,
    enrolment_plan,
)
from personnel.models import Category
from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people, seat, waitlist

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def plan_for(cohort, people, **kwargs):
    return enrolment_plan(cohort=cohort, people=people, by=None, **kwargs)


def only_reasons(plan) -> list[tuple[str, ...]]:
    return [line.reasons for line in plan.lines]


def test_free_seats_go_first_then_the_waitlist_in_input_order():
    cohort = make_cohort(capacity=3)
    people = make_people(5)

    plan = plan_for(cohort, people)

    assert [line.person for line in plan.lines] == people
    assert [line.outcome for line in plan.lines] == [Outcome.ENROL] * 3 + [Outcome.WAITLIST] * 2
    assert [line.waitlist_position for line in plan.to_waitlist] == [1, 2]
    assert (plan.seated, plan.seated_after, plan.waitlisted_after) == (0, 3, 2)
    assert plan.has_changes


def test_newcomers_queue_behind_the_existing_waitlist():
    cohort = make_cohort(capacity=2)
    seat(cohort, make_people(2))
    waitlist(cohort, make_people(2))

    plan = plan_for(cohort, make_people(2))

    assert [line.waitlist_position for line in plan.lines] == [3, 4]
    assert not plan.to_enrol


def test_a_free_seat_goes_to_the_waitlist_before_a_newcomer():
    # Capacity grew without the waitlist being served: the first two waiting take the seats.
    cohort = make_cohort(capacity=3)
    seat(cohort, make_people(1))
    waitlist(cohort, make_people(3))

    plan = plan_for(cohort, make_people(1))

    assert plan.promotable == 2
    assert plan.lines[0].outcome == Outcome.WAITLIST
    assert plan.lines[0].waitlist_position == 2  # behind the one still waiting
    assert (plan.seated_after, plan.waitlisted_after) == (3, 2)


def test_unknown_service_number_and_repeats_are_refused_in_place():
    cohort = make_cohort(capacity=5)
    person = make_people(1)[0]
    candidates = [
        Candidate.of(person, row=2),
        Candidate(service_number="XX-404", row=3),
        Candidate.of(person, row=4),
    ]

    plan = plan_for(cohort, candidates)

    assert [line.outcome for line in plan.lines] == [Outcome.ENROL, Outcome.REFUSE, Outcome.REFUSE]
    assert plan.lines[1].candidate.service_number == "XX-404"
    assert only_reasons(plan)[1:] == [
        ("unknown service number",),
        ("listed twice (first on row 2)",),
    ]
    assert plan.person_ids == [person.pk, person.pk]


def test_already_in_the_cohort_says_how():
    cohort = make_cohort(capacity=1)
    seated = make_people(1)
    seat(cohort, seated)
    waiting = make_people(1)
    waitlist(cohort, waiting)
    nominated = make_people(1)[0]
    factories.EnrolmentFactory(cohort=cohort, person=nominated, status=Enrolment.Status.NOMINATED)

    plan = plan_for(cohort, [*seated, *waiting, nominated])

    assert only_reasons(plan) == [
        ("already in this cohort (enrolled)",),
        ("already in this cohort (waitlisted, position 1)",),
        ("already in this cohort (nominated)",),
    ]


def test_inactive_person_is_refused():
    cohort = make_cohort()
    person = factories.PersonFactory(is_active=False)

    (line,) = plan_for(cohort, [person]).lines

    assert line.outcome == Outcome.REFUSE
    assert line.reasons == ("inactive person (not active in the register)",)


def test_category_not_admitted_names_what_the_course_admits():
    course = factories.CourseFactory(code="UNPOL", admitted_categories=[Category.POLICE])
    cohort = make_cohort(course=course)
    soldier = factories.PersonFactory(category=Category.MILITARY)
    officer = factories.PersonFactory(category=Category.POLICE)

    plan = plan_for(cohort, [soldier, officer])

    assert only_reasons(plan) == [
        ("category military not admitted by UNPOL (it admits police)",),
        (),
    ]


@pytest.fixture
def unmem_course():
    unmem = factories.CertificationTypeFactory(code="UNMEM", name="UN Military Expert")
    course = factories.CourseFactory(code="ADV")
    course.prerequisites.add(unmem)
    return course, unmem


def certificate(person, ctype, *, issued_on, valid_until, revoked=False):
    extra = {}
    if revoked:
        extra = {"revoked_at": timezone.now(), "revocation_reason": "Issued in error"}
    return factories.CertificationFactory(
        person=person,
        certification_type=ctype,
        issued_on=issued_on,
        valid_until=valid_until,
        **extra,
    )


def test_prerequisite_missing_lapsed_revoked_or_too_late(unmem_course):
    course, unmem = unmem_course
    cohort = make_cohort(course=course, starts_in_days=60)
    starts_on = cohort.starts_on
    none_held, lapsed, lapses_before, revoked, too_late, valid, valid_on_day = make_people(7)
    lapsed_on = TODAY - dt.timedelta(days=10)
    certificate(lapsed, unmem, issued_on=TODAY - dt.timedelta(days=400), valid_until=lapsed_on)
    lapses_on = starts_on - dt.timedelta(days=1)
    certificate(lapses_before, unmem, issued_on=TODAY, valid_until=lapses_on)
    certificate(
        revoked, unmem, issued_on=TODAY, valid_until=TODAY + dt.timedelta(days=900), revoked=True
    )
    issued_late = starts_on + dt.timedelta(days=1)
    certificate(
        too_late, unmem, issued_on=issued_late, valid_until=issued_late + dt.timedelta(days=900)
    )
    certificate(valid, unmem, issued_on=TODAY, valid_until=TODAY + dt.timedelta(days=900))
    certificate(valid_on_day, unmem, issued_on=TODAY, valid_until=starts_on)  # valid through

    plan = plan_for(
        cohort, [none_held, lapsed, lapses_before, revoked, too_late, valid, valid_on_day]
    )

    assert only_reasons(plan) == [
        ("needs UNMEM certificate (none held)",),
        (f"UNMEM certificate lapsed {lapsed_on.isoformat()}",),
        (
            f"UNMEM certificate lapses {lapses_on.isoformat()}, before the cohort starts on "
            f"{starts_on.isoformat()}",
        ),
        ("UNMEM certificate revoked",),
        (f"UNMEM certificate issued only on {issued_late.isoformat()}, after the cohort starts",),
        (),
        (),
    ]


def test_a_lapsed_certificate_renewed_since_is_enough(unmem_course):
    course, unmem = unmem_course
    cohort = make_cohort(course=course)
    person = make_people(1)[0]
    certificate(person, unmem, issued_on=dt.date(2018, 1, 1), valid_until=dt.date(2022, 1, 1))
    certificate(person, unmem, issued_on=TODAY, valid_until=TODAY + dt.timedelta(days=900))

    assert plan_for(cohort, [person]).lines[0].outcome == Outcome.ENROL


def test_another_cohort_at_overlapping_dates_is_named():
    cohort = make_cohort(starts_in_days=30, days=10)
    busy, withdrawn_elsewhere, cancelled_elsewhere, back_to_back = make_people(4)
    other = make_cohort(code="UNSOC-2026-09", starts_in_days=35, days=10)
    factories.EnrolmentFactory(cohort=other, person=busy)
    factories.EnrolmentFactory(
        cohort=other, person=withdrawn_elsewhere, status=Enrolment.Status.WITHDRAWN
    )
    cancelled = make_cohort(starts_in_days=30, days=10, status=Cohort.Status.CANCELLED)
    factories.EnrolmentFactory(cohort=cancelled, person=cancelled_elsewhere)
    before = make_cohort(starts_in_days=20, days=10)  # ends the day before
    factories.EnrolmentFactory(cohort=before, person=back_to_back)

    plan = plan_for(cohort, [busy, withdrawn_elsewhere, cancelled_elsewhere, back_to_back])

    start = other.starts_on.isoformat()
    end = other.ends_on.isoformat()
    assert only_reasons(plan) == [
        (f"another cohort at overlapping dates: UNSOC-2026-09 ({start} to {end}, enrolled)",),
        (),
        (),
        (),
    ]


def test_every_reason_is_given_at_once(unmem_course):
    course, _unmem = unmem_course
    course.admitted_categories = [Category.POLICE]
    course.save()
    cohort = make_cohort(course=course)
    person = factories.PersonFactory(is_active=False, category=Category.CIVILIAN, rank=None)

    (line,) = plan_for(cohort, [person]).lines

    assert line.reasons == (
        "inactive person (not active in the register)",
        "category civilian not admitted by ADV (it admits police)",
        "needs UNMEM certificate (none held)",
    )


def test_partner_nationals_are_nominated_and_hold_no_seat():
    cohort = make_cohort(capacity=1)
    tajik = factories.PersonFactory(nationality="TJ")
    kazakh = factories.PersonFactory()

    plan = plan_for(cohort, [tajik, kazakh])

    assert [line.outcome for line in plan.lines] == [Outcome.NOMINATE, Outcome.ENROL]


def test_explicit_nomination_nominates_everyone_eligible():
    cohort = make_cohort(capacity=5)
    people = make_people(2)
    people[1].is_active = False
    people[1].save()

    plan = plan_for(cohort, people, nominating_country="KG", nominating_party="MoD Kyrgyzstan")

    assert [line.outcome for line in plan.lines] == [Outcome.NOMINATE, Outcome.REFUSE]
    assert plan.nominate


@pytest.mark.parametrize("status", [Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED])
def test_someone_who_left_may_come_back(status):
    cohort = make_cohort()
    person = make_people(1)[0]
    earlier = factories.EnrolmentFactory(
        cohort=cohort, person=person, status=status, status_reason="family reasons"
    )

    (line,) = plan_for(cohort, [person]).lines

    assert line.outcome == Outcome.ENROL
    assert line.existing == earlier


@pytest.mark.parametrize("status", [Cohort.Status.CANCELLED, Cohort.Status.FINALISED])
def test_closed_cohorts_take_nobody(status):
    cohort = make_cohort(status=status, finalised_at=timezone.now())

    with pytest.raises(ValidationError) as refused:
        plan_for(cohort, make_people(1))

    label = Cohort.Status(status).label
    assert refused.value.messages == [
        f"Cohort {cohort.code} is {label}: it takes no enrolments and its waitlist is closed."
    ]


@pytest.mark.parametrize("status", [Cohort.Status.PLANNED, Cohort.Status.IN_PROGRESS])
def test_planned_and_running_cohorts_take_enrolments(status):
    cohort = make_cohort(status=status)
    assert plan_for(cohort, make_people(1)).lines[0].outcome == Outcome.ENROL


def test_more_than_the_limit_at_once_is_refused():
    cohort = make_cohort()
    candidates = [Candidate(service_number=f"N{i}") for i in range(MAX_CANDIDATES + 1)]

    with pytest.raises(ValidationError, match="more than the limit of 1000"):
        plan_for(cohort, candidates)


def test_the_preview_writes_nothing(django_assert_max_num_queries):
    cohort = make_cohort(capacity=2)
    people = make_people(4)
    history_before = Enrolment.history.count()

    with CaptureQueriesContext(connection) as queries:
        plan = plan_for(cohort, people)

    assert len(plan.to_enrol) == 2
    assert Enrolment.objects.count() == 0
    assert Enrolment.history.count() == history_before
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def _busy_candidates(count: int, unmem) -> list:
    """`count` people, each with a prerequisite certificate and an enrolment elsewhere."""
    unit = factories.UnitFactory()
    other = make_cohort(starts_in_days=33, days=3)
    people = make_people(count, unit=unit)
    for person in people:
        certificate(person, unmem, issued_on=TODAY, valid_until=TODAY + dt.timedelta(days=900))
        factories.EnrolmentFactory(cohort=other, person=person)
    return people


def test_query_count_does_not_grow_with_candidates(unmem_course):
    course, unmem = unmem_course
    few_cohort = make_cohort(course=course, capacity=3)
    many_cohort = make_cohort(course=course, capacity=3)
    few = _busy_candidates(3, unmem)
    many = _busy_candidates(60, unmem)

    with CaptureQueriesContext(connection) as few_queries:
        few_plan = plan_for(few_cohort, few)
    with CaptureQueriesContext(connection) as many_queries:
        many_plan = plan_for(many_cohort, many)

    assert len(many_plan.refused) == 60
    assert len(few_plan.refused) == 3
    assert len(many_queries) == len(few_queries) <= 6


def test_fingerprint_changes_when_the_cohort_fills():
    cohort = make_cohort(capacity=1)
    person = make_people(1)[0]
    before = plan_for(cohort, [person]).fingerprint
    assert plan_for(cohort, [person]).fingerprint == before

    seat(cohort, make_people(1))

    assert plan_for(cohort, [person]).fingerprint != before


def test_an_unknown_nominating_country_is_refused():
    with pytest.raises(ValidationError) as refused:
        plan_for(make_cohort(), make_people(1), nominating_country="ZZ")

    assert refused.value.message_dict == {"nominating_country": ["ZZ is not a country code."]}


def test_fingerprint_ignores_waitlist_positions_but_not_the_reasons_of_a_refusal():
    cohort = make_cohort(capacity=1)
    seat(cohort, make_people(1))
    newcomer, refused = make_people(2)
    refused.is_active = False
    refused.save()
    before = plan_for(cohort, [newcomer, refused])
    assert before.waitlist_positions == [1]

    waitlist(cohort, make_people(2))  # the queue grows ahead of the newcomer
    grown = plan_for(cohort, [newcomer, refused])
    assert grown.waitlist_positions == [3]
    assert grown.fingerprint == before.fingerprint

    refused.is_active = True
    refused.category, refused.rank = Category.CIVILIAN, None  # refused, for another reason
    refused.save()
    cohort.course.admitted_categories = [Category.MILITARY]
    cohort.course.save()
    assert plan_for(cohort, [newcomer, refused]).fingerprint != grown.fingerprint


def test_fingerprint_ignores_the_position_an_already_waitlisted_person_holds():
    cohort = make_cohort(capacity=1)
    seat(cohort, make_people(1))
    first, second = waitlist(cohort, make_people(2))
    before = plan_for(cohort, [second.person])
    assert before.lines[0].reasons == ("already in this cohort (waitlisted, position 2)",)

    first.status = Enrolment.Status.WITHDRAWN
    first.waitlist_position = None
    first.save()
    second.waitlist_position = 1
    second.save()
    after = plan_for(cohort, [second.person])

    assert after.lines[0].reasons == ("already in this cohort (waitlisted, position 1)",)
    assert after.fingerprint == before.fingerprint


def test_fingerprint_changes_with_the_capacity():
    cohort = make_cohort(capacity=5)
    person = make_people(1)[0]
    before = plan_for(cohort, [person]).fingerprint
    Cohort.objects.filter(pk=cohort.pk).update(capacity=6)
    cohort.refresh_from_db()

    assert plan_for(cohort, [person]).fingerprint != before
