"""Cohorts are scheduled, edited and moved between statuses by courses.services.cohorts:
each rule refused with a message saying what and where, and a refusal changes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts.roles import Role
from courses.models import Attendance, Cohort, Enrolment
from courses.selectors.cohorts import cohort_code_next, cohort_version
from courses.services.cohorts import (
    cohort_create,
    cohort_transition,
    cohort_transitions,
    cohort_transitions_offered,
    cohort_update,
)
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = factories.TODAY
Status = Cohort.Status


def refusal(action) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value.message_dict


@pytest.fixture
def teacher(db):
    return factories.UserFactory(
        username="aseitkali", first_name="Aliya", last_name="Seitkali", roles=[Role.INSTRUCTOR]
    )


def schedule(course, by, **overrides):
    values = {
        "course": course,
        "starts_on": dt.date(2027, 1, 4),
        "ends_on": dt.date(2027, 1, 22),
        "capacity": 24,
        "by": by,
    }
    return cohort_create(**{**values, **overrides})


# -- scheduling ---------------------------------------------------------------------------


def test_cohort_create_plans_a_cohort_with_the_next_free_code(registrar, course, teacher):
    factories.CohortFactory(course=course, code="UNSOC-2027-01")
    factories.CohortFactory(course=course, code="UNSOC-2027-03")
    factories.CohortFactory(course=course, code="UNSOC-2027-special")
    factories.CohortFactory(course=course, code="UNSOC-2026-07")
    cohort = schedule(course, registrar, location="KAZCENT, Almaty region", instructors=[teacher])
    assert cohort.code == "UNSOC-2027-04"
    assert cohort.status == Status.PLANNED
    assert list(cohort.instructors.all()) == [teacher]
    assert cohort.location == "KAZCENT, Almaty region"


def test_cohort_code_next_starts_at_01_and_reads_the_year(course):
    assert cohort_code_next(course=course, year=2027) == "UNSOC-2027-01"
    factories.CohortFactory(course=course, code="UNSOC-2027-09")
    assert cohort_code_next(course=course, year=2027) == "UNSOC-2027-10"
    assert cohort_code_next(course=course, year=2028) == "UNSOC-2028-01"


def test_cohort_create_keeps_a_code_given(registrar, course):
    assert schedule(course, registrar, code=" UNSOC-KG-1 ").code == "UNSOC-KG-1"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ends_on": dt.date(2027, 1, 3)},
            "ends_on",
            "The cohort cannot end (2027-01-03) before it starts (2027-01-04).",
        ),
        ({"capacity": 0}, "capacity", "A cohort needs at least one seat."),
        ({"code": "TAKEN"}, "code", "The code TAKEN is already used by another cohort."),
    ],
)
def test_cohort_create_refusals(registrar, course, overrides, field, message):
    factories.CohortFactory(code="TAKEN")
    errors = refusal(lambda: schedule(course, registrar, **overrides))
    assert errors[field] == [message]
    assert Cohort.objects.count() == 1


def test_only_instructors_can_teach(registrar, course, commander):
    commander.first_name, commander.last_name = "Yerlan", "Abenov"
    commander.save()
    errors = refusal(lambda: schedule(course, registrar, instructors=[commander]))
    assert errors["instructors"] == [
        "Yerlan Abenov cannot teach: only users with the instructor role can."
    ]


def test_an_inactive_course_is_not_scheduled(registrar, course):
    course.is_active = False
    course.save()
    errors = refusal(lambda: schedule(course, registrar))
    assert errors["course"] == [
        "Course UNSOC is no longer active; make it active in the catalogue first."
    ]


# -- editing ------------------------------------------------------------------------------


def edit(cohort, by, **overrides):
    values = {
        "cohort": cohort,
        "version": cohort_version(cohort),
        "code": cohort.code,
        "starts_on": cohort.starts_on,
        "ends_on": cohort.ends_on,
        "capacity": cohort.capacity,
        "location": cohort.location,
        "instructors": list(cohort.instructors.all()),
        "by": by,
    }
    return cohort_update(**{**values, **overrides})


def test_cohort_update_saves_the_changes(registrar, teacher):
    cohort = factories.CohortFactory(code="POC-2027-01")
    edit(cohort, registrar, location="Illisu", capacity=30, instructors=[teacher])
    cohort.refresh_from_db()
    assert (cohort.location, cohort.capacity) == ("Illisu", 30)
    assert list(cohort.instructors.all()) == [teacher]


def test_capacity_cannot_drop_below_the_seated_and_says_how_many(registrar):
    cohort = factories.CohortFactory(capacity=5)
    for status in (Enrolment.Status.ENROLLED, Enrolment.Status.ENROLLED, Enrolment.Status.PASSED):
        factories.EnrolmentFactory(cohort=cohort, status=status)
    factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)
    factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.NOMINATED)
    errors = refusal(lambda: edit(cohort, registrar, capacity=2))
    assert errors["capacity"] == [
        "3 people hold a seat in this cohort, so the capacity cannot drop below 3. "
        "Withdraw trainees first to make it smaller."
    ]
    edit(cohort, registrar, capacity=3)
    cohort.refresh_from_db()
    assert cohort.capacity == 3


def test_a_larger_capacity_seats_the_waitlist_at_once(
    registrar, django_capture_on_commit_callbacks
):
    cohort = factories.CohortFactory(capacity=1)
    factories.EnrolmentFactory(cohort=cohort)
    first = factories.EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=1
    )
    second = factories.EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=2
    )
    with django_capture_on_commit_callbacks() as callbacks:
        edit(cohort, registrar, capacity=2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Enrolment.Status.ENROLLED
    assert (second.status, second.waitlist_position) == (Enrolment.Status.WAITLISTED, 1)
    assert len(callbacks) == 1  # the promotion e-mail, queued for after the commit


def test_stale_edit_is_refused_and_keeps_the_other_change(registrar):
    cohort = factories.CohortFactory(location="Almaty")
    seen = cohort_version(cohort)
    other = Cohort.objects.get(pk=cohort.pk)
    other.location = "Illisu"
    other.save()
    errors = refusal(lambda: edit(cohort, registrar, version=seen, location="Kapchagay"))
    assert "Someone else changed cohort" in errors[NON_FIELD_ERRORS][0]
    cohort.refresh_from_db()
    assert cohort.location == "Illisu"


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.FINALISED])
def test_final_cohorts_are_not_edited(registrar, status):
    extra = (
        {"finalised_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)} if status == "finalised" else {}
    )
    cohort = factories.CohortFactory(code="OLD-1", status=status, **extra)
    errors = refusal(lambda: edit(cohort, registrar, location="Elsewhere"))
    assert errors[NON_FIELD_ERRORS] == [
        f"Cohort OLD-1 is {status.label} and can no longer be edited."
    ]


def test_new_dates_cannot_leave_recorded_attendance_outside(registrar):
    cohort = factories.CohortFactory(
        starts_on=dt.date(2026, 11, 9), ends_on=dt.date(2026, 11, 20), status=Status.IN_PROGRESS
    )
    enrolment = factories.EnrolmentFactory(cohort=cohort)
    for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 10)):
        Attendance.objects.create(enrolment=enrolment, day=day, status="present")
    errors = refusal(lambda: edit(cohort, registrar, starts_on=dt.date(2026, 11, 10)))
    assert errors[NON_FIELD_ERRORS] == [
        "Attendance is recorded from 2026-11-09 to 2026-11-10; the new dates would leave 1 "
        "attendance record outside the cohort. Keep those days within it."
    ]
    edit(cohort, registrar, ends_on=dt.date(2026, 11, 27))  # later end: nothing falls outside


def test_edit_keeps_the_code_unique(registrar):
    factories.CohortFactory(code="POC-2027-01")
    cohort = factories.CohortFactory(code="POC-2027-02")
    errors = refusal(lambda: edit(cohort, registrar, code="POC-2027-01"))
    assert errors["code"] == ["The code POC-2027-01 is already used by another cohort."]


# -- statuses -----------------------------------------------------------------------------


def move(cohort, to, by, **kwargs):
    kwargs.setdefault("seen_status", cohort.status)
    kwargs.setdefault("today", TODAY)
    return cohort_transition(cohort=cohort, to=to, by=by, **kwargs)


def test_offered_transitions_follow_the_status():
    offered = {status: [t.to for t in cohort_transitions(status)] for status in Status.values}
    assert offered == {
        "planned": ["open", "cancelled"],
        "open": ["in_progress", "planned", "cancelled"],
        "in_progress": [],
        "finalised": [],
        "cancelled": [],
    }


def test_buttons_leave_out_what_the_dates_rule_out():
    upcoming = factories.CohortFactory(starts_on=TODAY + dt.timedelta(days=1))
    started = factories.CohortFactory(starts_on=TODAY)
    ended = factories.CohortFactory(
        status=Status.PLANNED,
        starts_on=TODAY - dt.timedelta(days=5),
        ends_on=TODAY - dt.timedelta(days=1),
    )

    def offered(cohort):
        return [t.to for t in cohort_transitions_offered(cohort, today=TODAY)]

    assert offered(upcoming) == ["planned", "cancelled"]
    assert offered(started) == ["in_progress", "planned", "cancelled"]
    assert offered(ended) == ["cancelled"]


def test_planned_opens_then_starts(registrar):
    cohort = factories.CohortFactory(status=Status.PLANNED, starts_on=TODAY, ends_on=TODAY)
    assert move(cohort, Status.OPEN, registrar).status == Status.OPEN
    factories.EnrolmentFactory(cohort=cohort)
    cohort.refresh_from_db()
    assert move(cohort, Status.IN_PROGRESS, registrar).status == Status.IN_PROGRESS
    cohort.refresh_from_db()
    assert cohort.status == Status.IN_PROGRESS


def test_the_status_the_user_saw_must_still_be_the_status(registrar):
    cohort = factories.CohortFactory(code="POC-2027-01", status=Status.OPEN)
    errors = refusal(lambda: move(cohort, Status.IN_PROGRESS, registrar, seen_status="planned"))
    assert errors[NON_FIELD_ERRORS] == [
        "Cohort POC-2027-01 is now open for enrolment: someone changed it after your page was "
        "loaded, so nothing was changed."
    ]
    cohort.refresh_from_db()
    assert cohort.status == Status.OPEN


def test_finalising_is_left_to_the_gradebook(registrar):
    cohort = factories.CohortFactory(code="ENG-2026-03", status=Status.IN_PROGRESS)
    errors = refusal(lambda: move(cohort, Status.FINALISED, registrar))
    assert "finalise cohort ENG-2026-03 there" in errors[NON_FIELD_ERRORS][0]
    assert "gradebook" in errors[NON_FIELD_ERRORS][0]


def test_a_running_cohort_is_not_cancelled(registrar):
    cohort = factories.CohortFactory(code="ENG-2026-03", status=Status.IN_PROGRESS)
    errors = refusal(lambda: move(cohort, Status.CANCELLED, registrar, reason="Budget"))
    assert "its trainees are mid-course" in errors[NON_FIELD_ERRORS][0]
    cohort.refresh_from_db()
    assert cohort.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (Status.CANCELLED, Status.OPEN),
        (Status.CANCELLED, Status.PLANNED),
        (Status.FINALISED, Status.IN_PROGRESS),
    ],
)
def test_cancelled_and_finalised_are_final(registrar, status, to):
    extra = (
        {"finalised_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)} if status == "finalised" else {}
    )
    cohort = factories.CohortFactory(code="OLD-1", status=status, **extra)
    errors = refusal(lambda: move(cohort, to, registrar))
    assert errors[NON_FIELD_ERRORS] == [
        f"Cohort OLD-1 is {status.label}; its status no longer changes."
    ]


def test_planned_cannot_jump_to_in_progress(registrar):
    cohort = factories.CohortFactory(status=Status.PLANNED, starts_on=TODAY)
    errors = refusal(lambda: move(cohort, Status.IN_PROGRESS, registrar))
    assert errors[NON_FIELD_ERRORS] == ["A cohort cannot go from planned to in progress."]


def test_back_to_planned_only_while_nobody_claims_a_place(registrar):
    cohort = factories.CohortFactory(code="POC-2027-01", status=Status.OPEN)
    factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)
    nominated = factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.NOMINATED)
    factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.ENROLLED)
    errors = refusal(lambda: move(cohort, Status.PLANNED, registrar))
    assert errors[NON_FIELD_ERRORS][0].startswith(
        "2 people are nominated, enrolled or waitlisted in cohort POC-2027-01"
    )
    Enrolment.objects.filter(cohort=cohort).exclude(pk=nominated.pk).update(status="withdrawn")
    assert (
        "1 person is nominated"
        in refusal(lambda: move(cohort, Status.PLANNED, registrar))[NON_FIELD_ERRORS][0]
    )
    nominated.status = Enrolment.Status.DECLINED
    nominated.save()
    assert move(cohort, Status.PLANNED, registrar).status == Status.PLANNED


def test_a_cohort_starts_on_its_first_day_and_with_trainees(registrar):
    cohort = factories.CohortFactory(
        code="POC-2027-01", status=Status.OPEN, starts_on=TODAY + dt.timedelta(days=1)
    )
    errors = refusal(lambda: move(cohort, Status.IN_PROGRESS, registrar))
    assert errors[NON_FIELD_ERRORS] == [
        "Cohort POC-2027-01 starts on 2026-11-24; it can be started from that day."
    ]
    errors = refusal(
        lambda: move(cohort, Status.IN_PROGRESS, registrar, today=TODAY + dt.timedelta(days=1))
    )
    assert errors[NON_FIELD_ERRORS] == [
        "Nobody is enrolled in cohort POC-2027-01: enrol trainees or cancel it."
    ]


def test_an_ended_cohort_does_not_open(registrar):
    cohort = factories.CohortFactory(
        code="POC-2026-01",
        status=Status.PLANNED,
        starts_on=TODAY - dt.timedelta(days=10),
        ends_on=TODAY - dt.timedelta(days=1),
    )
    errors = refusal(lambda: move(cohort, Status.OPEN, registrar))
    assert errors[NON_FIELD_ERRORS] == [
        "Cohort POC-2026-01 ended on 2026-11-22; it can no longer open for enrolment."
    ]


def test_cancelling_needs_a_reason(registrar):
    cohort = factories.CohortFactory(code="POC-2027-01", status=Status.OPEN)
    errors = refusal(lambda: move(cohort, Status.CANCELLED, registrar, reason="  "))
    assert errors["reason"][0].startswith("Say why cohort POC-2027-01 is cancelled")
    cohort.refresh_from_db()
    assert cohort.status == Status.OPEN


def test_cancelling_withdraws_everyone_with_the_reason(registrar):
    cohort = factories.CohortFactory(status=Status.OPEN, capacity=1)
    enrolled = factories.EnrolmentFactory(cohort=cohort)
    waiting = factories.EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=1
    )
    nominated = factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.NOMINATED)
    declined = factories.EnrolmentFactory(
        cohort=cohort, status=Enrolment.Status.DECLINED, status_reason="Not eligible"
    )
    move(cohort, Status.CANCELLED, registrar, reason="Instructors deployed to UNIFIL")
    cohort.refresh_from_db()
    assert cohort.status == Status.CANCELLED
    for enrolment in (enrolled, waiting, nominated):
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.WITHDRAWN
        assert enrolment.waitlist_position is None
        assert enrolment.status_reason == "Cohort cancelled: Instructors deployed to UNIFIL"
        last = enrolment.history.latest()
        assert (last.history_user, last.status) == (registrar, "withdrawn")
    declined.refresh_from_db()
    assert (declined.status, declined.status_reason) == ("declined", "Not eligible")
