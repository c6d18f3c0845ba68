"""The reminders' reads: what results are missing (for the sweep), and a user's own
reminders (for their page, the home page and the navigation badge)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import roles_of
from courses.grading import course_days, standing_of
from courses.models import (
    AssessmentComponent,
    AssessmentResult,
    Attendance,
    Cohort,
    Course,
    Enrolment,
)
from courses.scope import cohorts_for
from courses.selectors.certifications import certifications_visible
from notifications import wording
from notifications.models import Reminder, ReminderKind
from personnel.scope import people_for, units_for

UNFINISHED = (Cohort.Status.PLANNED, Cohort.Status.OPEN, Cohort.Status.IN_PROGRESS)
HOME_DAYS_AHEAD = 90
HOME_LIMIT = 5
HOME_RESULTS_MISSING_DAYS = 14  # results-missing reminders stay on the home page this long
BADGE_RECENT_DAYS = 7


@dataclass(eq=False)
class MissingResults:
    """An ended cohort whose results are not all in: how many seated trainees lack a score
    (and on which components) and how many have course days not marked."""

    cohort: Cohort
    missing_scores: int = 0
    unmarked: int = 0
    components: list[str] = field(default_factory=list)


def cohorts_missing_results(*, on: dt.date) -> list[MissingResults]:
    """Cohorts that ended before `on`, neither finalised nor cancelled, with a seated
    trainee whose standing is not complete by the course's rules (courses/grading.py
    `standing_of`, as the gradebook and finalisation judge it: every component scored and
    every course day marked). Five queries for any number of cohorts and trainees."""
    cohorts = {
        c.pk: c
        for c in Cohort.objects.filter(ends_on__lt=on, status__in=UNFINISHED)
        .select_related("course")
        .order_by("ends_on", "code")
    }
    if not cohorts:
        return []
    components: dict[int, list[AssessmentComponent]] = defaultdict(list)
    course_ids = {c.course_id for c in cohorts.values()}
    for component in AssessmentComponent.objects.filter(course_id__in=course_ids):
        components[component.course_id].append(component)
    seated = dict(
        Enrolment.objects.filter(cohort_id__in=cohorts, status__in=Enrolment.SEATED)
        .order_by()
        .values_list("pk", "cohort_id")
    )
    if not seated:
        return []
    scores: dict[int, dict[int, object]] = defaultdict(dict)
    for enrolment_id, component_id, score in AssessmentResult.objects.filter(
        enrolment_id__in=seated
    ).values_list("enrolment_id", "component_id", "score"):
        scores[enrolment_id][component_id] = score
    days = {pk: course_days(c.starts_on, c.ends_on) for pk, c in cohorts.items()}
    day_sets = {pk: set(d) for pk, d in days.items()}
    marked: dict[int, int] = defaultdict(int)
    present: dict[int, int] = defaultdict(int)
    for enrolment_id, day, status in Attendance.objects.filter(enrolment_id__in=seated).values_list(
        "enrolment_id", "day", "status"
    ):
        if day in day_sets[seated[enrolment_id]]:
            marked[enrolment_id] += 1
            present[enrolment_id] += status == Attendance.Status.PRESENT
    found: dict[int, MissingResults] = {}
    for enrolment_id, cohort_id in seated.items():
        cohort = cohorts[cohort_id]
        standing = standing_of(
            course=cohort.course,
            components=components[cohort.course_id],
            scores=scores[enrolment_id],
            present_days=present[enrolment_id],
            marked_days=marked[enrolment_id],
            course_day_count=len(days[cohort_id]),
        )
        if standing.complete:
            continue
        missing = found.setdefault(cohort_id, MissingResults(cohort=cohort))
        if standing.missing_components:
            missing.missing_scores += 1
            for component in standing.missing_components:
                if component.name not in missing.components:
                    missing.components.append(component.name)
        if standing.unmarked_days:
            missing.unmarked += 1
    return [found[pk] for pk in cohorts if pk in found]


COHORT_KINDS = (ReminderKind.COHORT_STARTING, ReminderKind.RESULTS_MISSING)


def reminder_links(*, user: User | None, reminders: list[Reminder]) -> dict[int, str | None]:
    """Reminder pk -> the path of a page about it that `user` (its recipient; None for an
    address without an account) may open, or None when there is none. By the scope the pages
    check (accounts.roles): the certification, else the person; the cohort, else its
    course; the course. A trainee told that their cohort starts finds the course's page, a
    person without a role (or told of their own passport) no link at all. A fixed number of
    queries (nine at most; a PCRS reminder links to its unit's PCRS page), whatever the
    number of reminders."""
    links: dict[int, str | None] = dict.fromkeys((r.pk for r in reminders), None)
    # Every page behind these links lets in only users holding a role (role_required).
    if user is None or not user.is_active or not roles_of(user):
        return links
    by_kind: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        by_kind[reminder.kind].append(reminder)
    certifications = by_kind.get(ReminderKind.CERTIFICATION_LAPSING, [])
    open_certifications = _visible(
        lambda: certifications_visible(user=user), {r.object_id for r in certifications}
    )
    person_ids = {
        r.details.get("person_id")
        for r in reminders
        if r.kind != ReminderKind.CERTIFICATION_LAPSING
        and r.kind not in COHORT_KINDS
        and r.kind not in wording.PCRS_KINDS
    } - {None}
    open_people = _visible(lambda: people_for(user), person_ids)
    cohort_ids = {r.object_id for kind in COHORT_KINDS for r in by_kind.get(kind, [])}
    open_cohorts = _visible(lambda: cohorts_for(user), cohort_ids)
    course_of_cohort = dict(
        Cohort.objects.filter(pk__in=cohort_ids - open_cohorts).values_list("pk", "course_id")
        if cohort_ids - open_cohorts
        else ()
    )
    course_ids = {r.object_id for r in by_kind.get(ReminderKind.RECOGNITION_LAPSING, [])}
    existing_courses = _visible(Course.objects.all, course_ids | set(course_of_cohort.values()))
    unit_ids = {r.details.get("unit_id") for r in reminders if r.kind in wording.PCRS_KINDS}
    open_units = _visible(lambda: units_for(user), unit_ids - {None})
    for reminder in reminders:
        kind, target = reminder.kind, reminder.object_id
        if kind == ReminderKind.CERTIFICATION_LAPSING:
            if target in open_certifications:
                links[reminder.pk] = wording.link(reminder)
        elif kind in COHORT_KINDS:
            if target in open_cohorts:
                links[reminder.pk] = wording.link(reminder)
            elif course_of_cohort.get(target) in existing_courses:
                links[reminder.pk] = reverse(
                    "courses:course_detail", args=[course_of_cohort[target]]
                )
        elif kind == ReminderKind.RECOGNITION_LAPSING:
            if target in existing_courses:
                links[reminder.pk] = wording.link(reminder)
        elif kind in wording.PCRS_KINDS:
            if reminder.details.get("unit_id") in open_units:
                links[reminder.pk] = wording.link(reminder)
        elif reminder.details.get("person_id") in open_people:
            links[reminder.pk] = wording.link(reminder)
    return links


def _visible(scope: Callable[[], QuerySet], pks: set[int]) -> set[int]:
    """Which of `pks` are in the queryset `scope()` (built only when asked: a commander's
    scope reads their units): one query or two, none for no pks."""
    if not pks:
        return set()
    return set(scope().filter(pk__in=pks).values_list("pk", flat=True))


def reminder_list(*, user: User) -> QuerySet[Reminder]:
    """The reminders addressed to `user`'s account, newest first. One query (a page of it)."""
    # The newest day's first; within a day, what falls due soonest.
    return Reminder.objects.filter(recipient_user=user).order_by(
        F("created_at__date").desc(), "due_on", "-pk"
    )


def reminders_due_soon(*, user: User, today: dt.date | None = None) -> list[Reminder]:
    """At most five of `user`'s reminders due within 90 days, soonest first, one per thing
    (the latest threshold); results still missing stay for two weeks after the cohort's end.
    One query."""
    today = today or timezone.localdate()
    rows = (
        Reminder.objects.filter(recipient_user=user)
        .filter(
            Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=HOME_DAYS_AHEAD))
            | Q(
                kind=ReminderKind.RESULTS_MISSING,
                due_on__gte=today - dt.timedelta(days=HOME_RESULTS_MISSING_DAYS),
            )
        )
        .order_by("due_on", "-created_at", "-pk")[: HOME_LIMIT * 8]
    )
    seen, due = set(), []
    for reminder in rows:
        key = (reminder.kind, reminder.content_type_id, reminder.object_id)
        if key in seen:
            continue
        seen.add(key)
        due.append(reminder)
        if len(due) == HOME_LIMIT:
            break
    return due


def reminder_badge_count(*, user: User) -> int:
    """For the navigation badge: `user`'s reminders not mailed yet or recorded within the
    last seven days. One query (none for an anonymous user)."""
    if not user.is_authenticated:
        return 0
    since = timezone.now() - dt.timedelta(days=BADGE_RECENT_DAYS)
    return (
        Reminder.objects.filter(recipient_user=user)
        .filter(Q(sent_at__isnull=True) | Q(created_at__gte=since))
        .count()
    )
