"""Builders for the finalisation and certification tests (on top of tests/factories.py): a
course with graded components, a cohort in progress that ran last week (five course days),
trainees with scores and attendance, ready to finalise or deliberately not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from accounts.models import User
from courses.grading import course_days
from courses.models import (
    AssessmentComponent,
    AssessmentResult,
    Attendance,
    Cohort,
    Course,
    Enrolment,
)
from personnel.models import Person
from tests import factories

PRESENT = Attendance.Status.PRESENT
ABSENT = Attendance.Status.ABSENT


def last_week() -> tuple[dt.date, dt.date]:
    """Monday to Friday of the week before last: five course days, all in the past."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 14)
    return monday, monday + dt.timedelta(days=4)


def make_course(
    *,
    code: str | None = None,
    pass_mark: str = "60",
    min_attendance: str = "80",
    components: Sequence[dict] = ({"name": "Exam"}, {"name": "Exercise"}),
    certifies: bool = True,
    validity_months: int = 48,
) -> Course:
    """A course whose components share the weight equally (0-100 each unless given)."""
    extra = {"code": code} if code else {}
    if certifies:
        extra["certification_type"] = factories.CertificationTypeFactory(
            code=(code or "CT")[:16], name=f"Certified {code or 'CT'}"
        )
        extra["validity_months"] = validity_months
    else:
        extra["certification_type"] = None
        extra["validity_months"] = None
    course = factories.CourseFactory(
        pass_mark=Decimal(pass_mark), min_attendance_percent=Decimal(min_attendance), **extra
    )
    # Equal weights to the cent, the last taking the remainder: they add up to exactly 100.
    share = (Decimal(100) / max(1, len(components))).quantize(Decimal("0.01"), ROUND_DOWN)
    for order, spec in enumerate(components):
        last = order == len(components) - 1
        weight = Decimal(100) - share * (len(components) - 1) if last else share
        AssessmentComponent.objects.create(course=course, weight=weight, order=order, **spec)
    return course


def make_running_cohort(
    *,
    course: Course,
    people: Sequence[Person] = (),
    trainees: int = 0,
    instructors: Sequence[User] = (),
    **kwargs,
) -> Cohort:
    """A cohort in progress that ran last week, with `people` (or `trainees` new people)
    enrolled."""
    starts_on, ends_on = last_week()
    kwargs.setdefault("capacity", max(20, len(people) + trainees))
    cohort = factories.CohortFactory(
        course=course,
        starts_on=starts_on,
        ends_on=ends_on,
        status=Cohort.Status.IN_PROGRESS,
        instructors=list(instructors),
        **kwargs,
    )
    unit = factories.UnitFactory()
    people = list(people) + [
        factories.PersonFactory(unit=unit, last_name=f"Trainee{index:03d}")
        for index in range(trainees)
    ]
    for person in people:
        factories.EnrolmentFactory(cohort=cohort, person=person)
    return cohort


def seated(cohort: Cohort) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.SEATED)
        .select_related("person")
        .order_by("person__last_name", "pk")
    )


def score(enrolment: Enrolment, scores: Sequence[str | None]) -> None:
    """Record `scores` in component order; None leaves a component unscored."""
    components = AssessmentComponent.objects.filter(course_id=enrolment.cohort.course_id)
    results = [
        AssessmentResult(enrolment=enrolment, component=component, score=Decimal(value))
        for component, value in zip(components.order_by("order"), scores, strict=False)
        if value is not None
    ]
    AssessmentResult.objects.bulk_create(results)


def attend(enrolment: Enrolment, marks: Sequence[str | None] | None = None) -> None:
    """Mark the course days with `marks` (present for every day when None); None leaves a
    day unmarked."""
    cohort = enrolment.cohort
    days = course_days(cohort.starts_on, cohort.ends_on)
    marks = [PRESENT] * len(days) if marks is None else marks
    Attendance.objects.bulk_create(
        Attendance(enrolment=enrolment, day=day, status=mark)
        for day, mark in zip(days, marks, strict=False)
        if mark is not None
    )


def complete(
    cohort: Cohort, scores: Sequence[str] = ("80", "80"), marks: Sequence[str] | None = None
) -> list[Enrolment]:
    """Score and mark every seated trainee alike (a pass with the defaults)."""
    enrolments = seated(cohort)
    for enrolment in enrolments:
        score(enrolment, scores)
        attend(enrolment, marks)
    return enrolments


def finalisable(
    *, trainees: int = 3, instructor: User | None = None, course: Course | None = None, **kwargs
) -> Cohort:
    """A cohort in progress whose `trainees` all pass, ready to finalise."""
    course = course or make_course()
    cohort = make_running_cohort(
        course=course,
        trainees=trainees,
        instructors=[instructor] if instructor else [],
        **kwargs,
    )
    complete(cohort)
    return cohort
