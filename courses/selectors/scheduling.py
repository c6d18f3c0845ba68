"""Reads for scheduling cohorts: the cohort list, code suggestions, who can teach."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import QuerySet

from courses.grading import course_days
from courses.models import Cohort, Course
from courses.selectors.catalogue import cohorts_with_seats
from peacecentre.models import User
from peacecentre.roles import Role, cohorts_for


class When:
    """The cohort list's date filter, relative to today."""

    UPCOMING = "upcoming"  # starts after today
    RUNNING = "running"  # today lies within its dates
    PAST = "past"  # ended before today


@dataclass(frozen=True)
class CourseDays:
    """The days a cohort with these dates is taught, by the attendance register's rule
    (courses.grading.course_days: Monday to Friday from the first day through the last)."""

    starts_on: dt.date
    ends_on: dt.date
    days: list[dt.date]

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def calendar_days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def starts_on_weekend(self) -> bool:
        return self.starts_on.weekday() >= 5

    @property
    def first(self) -> dt.date | None:
        return self.days[0] if self.days else None

    @property
    def last(self) -> dt.date | None:
        return self.days[-1] if self.days else None


def cohort_course_days(*, starts_on: dt.date, ends_on: dt.date) -> CourseDays | None:
    """The course days of a cohort from `starts_on` through `ends_on`; None when the dates
    are the wrong way round. No query."""
    if ends_on < starts_on:
        return None
    return CourseDays(starts_on, ends_on, course_days(starts_on, ends_on))


def cohort_list(
    *,
    user: User,
    today: dt.date,
    course: Course | None = None,
    status: str = "",
    when: str = "",
    instructor: User | None = None,
) -> QuerySet[Cohort]:
    """The cohorts `user` may open (peacecentre.roles.cohorts_for), filtered, each with
    `seated` and `waitlisted` counts, its course, and its instructors prefetched: two queries
    however many cohorts. Upcoming cohorts come soonest first, otherwise latest first."""
    cohorts = cohorts_for(user)
    if course is not None:
        cohorts = cohorts.filter(course=course)
    if status:
        cohorts = cohorts.filter(status=status)
    if instructor is not None:
        cohorts = cohorts.filter(instructors=instructor)
    if when == When.UPCOMING:
        cohorts = cohorts.filter(starts_on__gt=today).order_by("starts_on", "code")
    elif when == When.RUNNING:
        cohorts = cohorts.filter(starts_on__lte=today, ends_on__gte=today).order_by(
            "starts_on", "code"
        )
    elif when == When.PAST:
        cohorts = cohorts.filter(ends_on__lt=today).order_by("-starts_on", "code")
    else:
        cohorts = cohorts.order_by("-starts_on", "code")
    return cohorts_with_seats(cohorts)


def cohort_code_next(*, course: Course, year: int) -> str:
    """The next free cohort code of `course` in `year`: "<COURSE>-<YEAR>-<NN>", one above the
    highest number already used (01 when none is)."""
    prefix = f"{course.code}-{year}-"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    used = [
        int(match.group(1))
        for code in Cohort.objects.filter(code__startswith=prefix).values_list("code", flat=True)
        if (match := pattern.match(code))
    ]
    return f"{prefix}{max(used, default=0) + 1:02d}"


def cohort_version(cohort: Cohort) -> str:
    """What an edit form carries to notice a concurrent change: the row's last update time."""
    return cohort.updated_at.isoformat()


def instructor_choices() -> QuerySet[User]:
    """Active users who hold the instructor role, by name."""
    return User.objects.filter(groups__name=Role.INSTRUCTOR.value, is_active=True).order_by(
        "last_name", "first_name", "username"
    )
