"""Every seated trainee of a cohort with their scores, attendance and standing by the
course's rules (courses/grading.py): what the gradebook and the attendance register show and
what finalisation decides on. Four queries, however many trainees and components."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from courses.grading import Standing, course_days, days_held, standing_of
from courses.models import AssessmentComponent, AssessmentResult, Attendance, Cohort, Enrolment


@dataclass
class TraineeStanding:
    enrolment: Enrolment
    results: dict[int, AssessmentResult] = field(default_factory=dict)  # by component id
    attendance: dict[dt.date, str] = field(default_factory=dict)  # status by day
    standing: Standing | None = None

    @property
    def person(self):
        return self.enrolment.person

    @property
    def scores(self) -> dict[int, object]:
        return {component_id: result.score for component_id, result in self.results.items()}


@dataclass
class CohortStandings:
    cohort: Cohort
    components: list[AssessmentComponent]
    days: list[dt.date]
    trainees: list[TraineeStanding]
    held: int = 0  # course days held so far (courses.grading.days_held)

    @property
    def days_left(self) -> int:
        return len(self.days) - self.held

    @property
    def complete(self) -> bool:
        return all(trainee.standing.complete for trainee in self.trainees)


def held_day_count(*, cohort: Cohort, days: list[dt.date], today: dt.date | None = None) -> int:
    """The course days of `cohort` held by `today` (default: the local date); all of them
    for a finalised cohort, whose outcomes were decided on every course day."""
    if cohort.status == Cohort.Status.FINALISED:
        return len(days)
    return days_held(days, today=today or timezone.localdate())


def cohort_standings(*, cohort: Cohort, today: dt.date | None = None) -> CohortStandings:
    """The seated trainees of `cohort` (enrolled, passed or failed) by name, each with their
    results by component, attendance by day and standing; the attendance share is of the
    course days held by `today` (default: the local date). `cohort.course` should be
    loaded."""
    course = cohort.course
    components = list(AssessmentComponent.objects.filter(course_id=course.pk))
    days = course_days(cohort.starts_on, cohort.ends_on)
    held = held_day_count(cohort=cohort, days=days, today=today)
    enrolments = (
        Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.SEATED)
        .select_related("person__rank", "person__unit")
        .order_by("person__last_name", "person__first_name", "person__service_number")
    )
    trainees = {e.pk: TraineeStanding(enrolment=e) for e in enrolments}
    results = AssessmentResult.objects.filter(enrolment_id__in=trainees).select_related(
        "recorded_by"
    )
    for result in results:
        trainees[result.enrolment_id].results[result.component_id] = result
    present: dict[int, int] = defaultdict(int)
    course_day_set = set(days)
    marked: dict[int, int] = defaultdict(int)
    # Plain values: a long course of 150 trainees has ten thousand marks, and model objects
    # for them cost more than the rest of the page.
    marks = Attendance.objects.filter(enrolment_id__in=trainees).values_list(
        "enrolment_id", "day", "status"
    )
    for enrolment_id, day, status in marks:
        trainees[enrolment_id].attendance[day] = status
        if day in course_day_set:
            marked[enrolment_id] += 1
            present[enrolment_id] += status == Attendance.Status.PRESENT
    for pk, trainee in trainees.items():
        trainee.standing = standing_of(
            course=course,
            components=components,
            scores=trainee.scores,
            present_days=present[pk],
            marked_days=marked[pk],
            course_day_count=len(days),
            held_day_count=held,
        )
    return CohortStandings(
        cohort=cohort,
        components=components,
        days=days,
        trainees=list(trainees.values()),
        held=held,
    )
