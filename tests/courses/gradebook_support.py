"""Builders shared by the attendance register, gradebook and results tests (on top of
tests/factories.py): a cohort in progress around today with its instructor, trainees and
components, and the course days it has had so far."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from courses.grading import course_days
from courses.models import AssessmentComponent, AssessmentResult, Attendance, Cohort, Enrolment
from tests import factories

D = Decimal


def make_instructor(username: str, **kwargs) -> User:
    return factories.UserFactory(username=username, roles=[Role.INSTRUCTOR], **kwargs)


def running_cohort(
    *,
    trainees: int = 3,
    instructors: list[User] | tuple = (),
    started_days_ago: int = 15,
    ends_in_days: int = 15,
    code: str | None = None,
    **kwargs,
) -> Cohort:
    """A cohort in progress from `started_days_ago` to `ends_in_days` around today (so it
    has course days behind and ahead), with `trainees` enrolled people named Trainee000...
    in order, and two components: "Written exam" (0-100, weight 60, must pass at 50) and
    "Field exercise" (0-20, weight 40)."""
    today = timezone.localdate()
    course = factories.CourseFactory(pass_mark=D("60"), min_attendance_percent=D("80"))
    AssessmentComponent.objects.create(
        course=course,
        name="Written exam",
        weight=D("60"),
        min_score=D("0"),
        max_score=D("100"),
        pass_score=D("50"),
        must_pass=True,
        order=1,
    )
    AssessmentComponent.objects.create(
        course=course,
        name="Field exercise",
        weight=D("40"),
        min_score=D("0"),
        max_score=D("20"),
        order=2,
    )
    extra = {"code": code} if code else {}
    cohort = factories.CohortFactory(
        course=course,
        starts_on=today - dt.timedelta(days=started_days_ago),
        ends_on=today + dt.timedelta(days=ends_in_days),
        status=Cohort.Status.IN_PROGRESS,
        capacity=max(trainees, 1) + 200,
        instructors=list(instructors),
        **extra,
        **kwargs,
    )
    add_trainees(cohort, trainees)
    return cohort


def add_trainees(cohort: Cohort, count: int, *, start: int | None = None) -> list[Enrolment]:
    start = Enrolment.objects.filter(cohort=cohort).count() if start is None else start
    unit = factories.UnitFactory()
    return [
        factories.EnrolmentFactory(
            cohort=cohort,
            person=factories.PersonFactory(
                unit=unit, last_name=f"Trainee{index:03d}", first_name="Test"
            ),
        )
        for index in range(start, start + count)
    ]


def components(cohort: Cohort) -> list[AssessmentComponent]:
    return list(AssessmentComponent.objects.filter(course=cohort.course).order_by("order"))


def enrolments(cohort: Cohort) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.SEATED)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )


def days_so_far(cohort: Cohort) -> list[dt.date]:
    """The cohort's course days up to and including today."""
    today = timezone.localdate()
    return [day for day in course_days(cohort.starts_on, cohort.ends_on) if day <= today]


def future_course_day(cohort: Cohort) -> dt.date:
    today = timezone.localdate()
    return next(day for day in course_days(cohort.starts_on, cohort.ends_on) if day > today)


def weekend_day(cohort: Cohort) -> dt.date:
    """A Saturday within the cohort's dates (not a course day)."""
    day = cohort.starts_on
    while day.weekday() != 5:
        day += dt.timedelta(days=1)
    assert day <= cohort.ends_on
    return day


def mark(enrolment: Enrolment, day: dt.date, status: str, by: User | None = None) -> Attendance:
    return Attendance.objects.create(enrolment=enrolment, day=day, status=status, recorded_by=by)


def score(
    enrolment: Enrolment, component: AssessmentComponent, value, by: User | None = None
) -> AssessmentResult:
    """A saved score (through save(), so its history has a "+" row)."""
    result = AssessmentResult(
        enrolment=enrolment, component=component, score=D(str(value)), recorded_by=by
    )
    result._history_user = by
    result.save()
    return result


def stored_marks(cohort: Cohort, day: dt.date) -> dict[int, str]:
    return dict(
        Attendance.objects.filter(enrolment__cohort=cohort, day=day).values_list(
            "enrolment_id", "status"
        )
    )


def stored_scores(cohort: Cohort) -> dict[tuple[int, int], Decimal]:
    return {
        (enrolment_id, component_id): value
        for enrolment_id, component_id, value in AssessmentResult.objects.filter(
            enrolment__cohort=cohort
        ).values_list("enrolment_id", "component_id", "score")
    }
