"""Reads of the gradebook and a trainee's results. Each is a fixed number of queries, however
many trainees, components, days or score changes there are.

Built on courses.selectors.standings.cohort_standings, so the standings they show are the
ones finalisation decides on.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.roles import Role, has_role
from courses.grading import Standing, course_days, standing_of
from courses.models import (
    AssessmentComponent,
    AssessmentResult,
    Attendance,
    Certification,
    Cohort,
    Enrolment,
)
from courses.scope import enrolments_for
from courses.selectors.standings import (
    held_day_count,
)
from personnel.scope import commanded_units

if TYPE_CHECKING:
    from accounts.models import User

PRESENT = Attendance.Status.PRESENT


@dataclass(frozen=True)
class ScoreChange:
    """One change of a score: who, when, the old and the new value (None: no score)."""

    at: dt.datetime
    by: User | None
    old: Decimal | None
    new: Decimal | None


@dataclass
class ComponentResult:
    component: AssessmentComponent
    result: AssessmentResult | None
    changes: list[ScoreChange] = field(default_factory=list)  # oldest first

    @property
    def score(self) -> Decimal | None:
        return self.result.score if self.result else None


@dataclass
class EnrolmentResults:
    enrolment: Enrolment
    components: list[ComponentResult]
    attendance: list[tuple[dt.date, Attendance | None]]  # every course day, in order
    present: int
    marked: int
    held: int  # course days held so far
    standing: Standing
    certification: Certification | None
    # Marks on days that are not course days (the cohort's dates moved since they were made).
    extra_marks: list[Attendance] = field(default_factory=list)

    @property
    def cohort(self) -> Cohort:
        return self.enrolment.cohort

    @property
    def person(self):
        return self.enrolment.person

    @property
    def finalised(self) -> bool:
        return self.cohort.status == Cohort.Status.FINALISED

    @property
    def days(self) -> int:
        return len(self.attendance)

    @property
    def days_left(self) -> int:
        return self.days - self.held


def enrolments_with_results_visible(*, user: User) -> QuerySet[Enrolment]:
    """Enrolments whose results `user` may read: those they see in the cohorts they open
    (courses.scope.enrolments_for: registrars and administrators all, instructors their
    trainees' in the cohorts they teach) and, for a commander, those of the people of their
    units' subtree. With person, rank, unit, cohort and course."""
    scope = Q(pk__in=enrolments_for(user).values("pk"))
    if has_role(user, Role.COMMANDER):
        scope |= Q(person__unit__in=commanded_units(user))
    return Enrolment.objects.filter(scope).select_related(
        "person__rank", "person__unit", "cohort__course"
    )


def enrolment_results(*, enrolment: Enrolment) -> EnrolmentResults:
    """One trainee's scores with the full history of each, attendance by course day, their
    standing by the course's rules, and the certification their cohort issued them (the
    latest, if several). `enrolment` comes with person, cohort and course loaded. Five
    queries, however many components, days or changes."""
    cohort = enrolment.cohort
    components = list(AssessmentComponent.objects.filter(course_id=cohort.course_id))
    results = {
        result.component_id: result
        for result in AssessmentResult.objects.filter(enrolment=enrolment).select_related(
            "recorded_by"
        )
    }
    changes: dict[int, list[ScoreChange]] = defaultdict(list)
    last: dict[int, Decimal | None] = {}
    history = (
        AssessmentResult.history.filter(enrolment_id=enrolment.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for row in history:
        new = None if row.history_type == "-" else row.score
        old = last.get(row.component_id)
        if row.history_type != "~" or old != new:  # a save that left the score as it was
            changes[row.component_id].append(
                ScoreChange(at=row.history_date, by=row.history_user, old=old, new=new)
            )
        last[row.component_id] = new

    days = course_days(cohort.starts_on, cohort.ends_on)
    marks = {mark.day: mark for mark in Attendance.objects.filter(enrolment=enrolment)}
    attendance = [(day, marks.get(day)) for day in days]
    present = sum(1 for _day, mark in attendance if mark and mark.status == PRESENT)
    marked = sum(1 for _day, mark in attendance if mark)
    held = held_day_count(cohort=cohort, days=days)
    standing = standing_of(
        course=cohort.course,
        components=components,
        scores={pk: result.score for pk, result in results.items()},
        present_days=present,
        marked_days=marked,
        course_day_count=len(days),
        held_day_count=held,
    )
    certification = (
        Certification.objects.filter(cohort=cohort, person_id=enrolment.person_id)
        .order_by("-issued_on", "-pk")
        .first()
    )
    course_day_set = set(days)
    return EnrolmentResults(
        enrolment=enrolment,
        components=[
            ComponentResult(
                component=component,
                result=results.get(component.pk),
                changes=changes.get(component.pk, []),
            )
            for component in components
        ],
        attendance=attendance,
        present=present,
        marked=marked,
        held=held,
        standing=standing,
        certification=certification,
        extra_marks=sorted(
            (mark for day, mark in marks.items() if day not in course_day_set),
            key=lambda mark: mark.day,
        ),
    )
