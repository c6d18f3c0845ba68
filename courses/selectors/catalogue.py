"""Reads for the course catalogue pages: a fixed number of queries however many courses,
components or cohorts there are."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import AssessmentComponent, Cohort, Course, Enrolment
from personnel.models import Category

# The rule: a UN recognition that ends within six months is flagged, in time to ask
# the UN for the next recognition visit.
RECOGNITION_WARNING_MONTHS = 6

# Cohorts a course page lists as coming up: not over and not called off.
UPCOMING_STATUSES = (Cohort.Status.PLANNED, Cohort.Status.OPEN, Cohort.Status.IN_PROGRESS)


class RecognitionState:
    RECOGNISED = "recognised"
    LAPSING = "lapsing"
    LAPSED = "lapsed"
    NOT_RECOGNISED = "not_recognised"


RECOGNITION_LABELS = {
    RecognitionState.RECOGNISED: _("UN-recognised"),
    RecognitionState.LAPSING: _("recognition lapses soon"),
    RecognitionState.LAPSED: _("recognition lapsed"),
    RecognitionState.NOT_RECOGNISED: _("not UN-recognised"),
}


@dataclass(frozen=True)
class Recognition:
    """A course's UN recognition on a given day."""

    state: str
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def label(self) -> str:
        return str(RECOGNITION_LABELS[self.state])

    @property
    def flagged(self) -> bool:
        """Lapsing or lapsed: someone should ask the UN for a renewal."""
        return self.state in (RecognitionState.LAPSING, RecognitionState.LAPSED)


def course_recognition(course: Course, *, today: dt.date) -> Recognition:
    """RECOGNISED (valid beyond the next six months, or with no end date), LAPSING (the last
    valid day falls within six months of `today`), LAPSED (the last valid day is before
    `today`) or NOT_RECOGNISED."""
    if not course.un_recognised:
        return Recognition(RecognitionState.NOT_RECOGNISED)
    until = course.recognition_valid_until
    if until is None:
        state = RecognitionState.RECOGNISED
    elif until < today:
        state = RecognitionState.LAPSED
    elif until < today + relativedelta(months=RECOGNITION_WARNING_MONTHS):
        state = RecognitionState.LAPSING
    else:
        state = RecognitionState.RECOGNISED
    return Recognition(state, since=course.recognised_on, until=until)


def course_list(*, today: dt.date, kind: str = "", active: bool | None = None) -> list[Course]:
    """Courses by code, each with `component_count`, `next_cohort_starts_on` (the next planned
    or open cohort's start, or None), its certification type and `recognition` on `today`.
    One query."""
    next_cohort = (
        Cohort.objects.filter(
            course=OuterRef("pk"),
            starts_on__gte=today,
            status__in=[Cohort.Status.PLANNED, Cohort.Status.OPEN],
        )
        .order_by("starts_on")
        .values("starts_on")[:1]
    )
    courses = (
        Course.objects.select_related("certification_type")
        .annotate(
            component_count=Count("components"),
            next_cohort_starts_on=Subquery(next_cohort),
        )
        .order_by("code")
    )
    if kind:
        courses = courses.filter(kind=kind)
    if active is not None:
        courses = courses.filter(is_active=active)
    courses = list(courses)
    for course in courses:
        course.recognition = course_recognition(course, today=today)
    return courses


def cohorts_with_seats(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """`cohorts` with `seated` (enrolments holding a seat) and `waitlisted` counted in the same
    query, the course joined and the instructors prefetched (one more query)."""
    return (
        cohorts.select_related("course")
        .annotate(
            seated=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEATED)),
            waitlisted=Count(
                "enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)
            ),
        )
        .prefetch_related(
            Prefetch(
                "instructors",
                queryset=User.objects.order_by("last_name", "first_name", "username"),
            )
        )
    )


def course_detail(*, pk: int, today: dt.date) -> Course:
    """One course with everything its page shows: components in order, prerequisites,
    certification type, `recognition`, `admitted_category_labels`, and `upcoming_cohorts`
    (not ended, not finalised or cancelled; seats counted, instructors loaded). Raises
    Course.DoesNotExist. Five queries."""
    upcoming = cohorts_with_seats(
        Cohort.objects.filter(ends_on__gte=today, status__in=UPCOMING_STATUSES)
    ).order_by("starts_on", "code")
    course = (
        Course.objects.select_related("certification_type")
        .prefetch_related(
            Prefetch("components", queryset=AssessmentComponent.objects.order_by("order", "pk")),
            "prerequisites",
            Prefetch("cohorts", queryset=upcoming, to_attr="upcoming_cohorts"),
        )
        .get(pk=pk)
    )
    course.recognition = course_recognition(course, today=today)
    course.admitted_category_labels = [
        str(Category(value).label) if value in Category.values else value
        for value in course.admitted_categories
    ]
    return course


def course_version(course: Course) -> str:
    """A fingerprint of the course's values, prerequisites and components as stored now. An
    edit form carries the one it was built from; a different one on save means someone else
    changed the course meanwhile. Three queries."""
    row = Course.objects.filter(pk=course.pk).values().get()
    state = {
        "course": row,
        "prerequisites": sorted(course.prerequisites.values_list("pk", flat=True)),
        "components": list(
            AssessmentComponent.objects.filter(course_id=course.pk).order_by("pk").values()
        ),
    }
    text = json.dumps(state, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]
