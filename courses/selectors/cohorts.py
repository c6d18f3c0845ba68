"""Reads for cohorts: the cohort list, code suggestions and course days, who can teach, and
the cohort page with its roster exports. Each is a fixed number of queries, however many
cohorts or enrolments there are."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from courses.grading import course_days
from courses.models import Certification, Cohort, Course, Enrolment
from courses.scope import cohorts_for, enrolment_statuses_for, enrolments_for
from courses.selectors.catalogue import cohorts_with_seats
from courses.services.enrolment import ENROLLING_STATUSES


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
    """The cohorts `user` may open (courses.scope.cohorts_for), filtered, each with
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


ROSTER_COLUMNS = (
    "rank",
    "last_name",
    "first_name",
    "middle_name",
    "service_number",
    "unit",
    "category",
    "gender",
    "nationality",
    "status",
    "waitlist_position",
)


@dataclass
class CohortPage:
    """A cohort with its people sorted into what the page shows."""

    cohort: Cohort
    roster: list[Enrolment] = field(default_factory=list)  # seated: enrolled, passed, failed
    waitlist: list[Enrolment] = field(default_factory=list)  # by position
    nominations: list[Enrolment] = field(default_factory=list)
    departed: list[Enrolment] = field(default_factory=list)  # withdrawn and declined
    shows_nominations: bool = True  # False: the user may not see who was nominated
    # Person id -> the certificate this cohort issued them (the newest unrevoked one).
    certificates: dict[int, Certification] = field(default_factory=dict)

    @property
    def seated(self) -> int:
        return len(self.roster)

    @property
    def free(self) -> int:
        return max(0, self.cohort.capacity - self.seated)

    @property
    def fill_percent(self) -> int:
        return min(100, round(100 * self.seated / self.cohort.capacity))

    @property
    def takes_enrolments(self) -> bool:
        return self.cohort.status in ENROLLING_STATUSES


def cohorts_visible(*, user: User) -> QuerySet[Cohort]:
    """The cohorts `user` may open (courses.scope.cohorts_for), with what the page's
    header needs: the course and the instructors."""
    return cohorts_for(user).select_related("course").prefetch_related("instructors")


def _enrolments(cohort: Cohort, user: User) -> QuerySet[Enrolment]:
    return (
        enrolments_for(user)
        .filter(cohort=cohort)
        .select_related("person__rank", "person__unit", "created_by")
    )


def cohort_page(*, cohort: Cohort, user: User) -> CohortPage:
    """Roster (by name), waitlist (by position), nominations, and those who left, as far as
    `user` may see them (courses.scope.enrolments_for: an instructor sees no nominations):
    one query for all of them; and for a finalised cohort the certificates it issued: one more."""
    page = CohortPage(
        cohort=cohort,
        shows_nominations=Enrolment.Status.NOMINATED in enrolment_statuses_for(user),
    )
    enrolments = _enrolments(cohort, user).order_by(
        "waitlist_position", "person__last_name", "person__first_name", "pk"
    )
    for enrolment in enrolments:
        if enrolment.status in Enrolment.SEATED:
            page.roster.append(enrolment)
        elif enrolment.status == Enrolment.Status.WAITLISTED:
            page.waitlist.append(enrolment)
        elif enrolment.status == Enrolment.Status.NOMINATED:
            page.nominations.append(enrolment)
        else:
            page.departed.append(enrolment)
    if cohort.status == Cohort.Status.FINALISED:
        issued = Certification.objects.filter(cohort=cohort, revoked_at__isnull=True)
        for certification in issued.order_by("issued_on", "pk"):
            page.certificates[certification.person_id] = certification  # the newest wins
    for enrolment in page.roster:
        enrolment.certificate = page.certificates.get(enrolment.person_id)
    return page


def cohort_seat_counts(*, cohort: Cohort) -> dict[str, int]:
    """Seats taken, free, and the waitlist's length: one query."""
    counts = Enrolment.objects.filter(cohort=cohort).aggregate(
        seated=Count("pk", filter=Q(status__in=Enrolment.SEATED)),
        waitlisted=Count("pk", filter=Q(status=Enrolment.Status.WAITLISTED)),
    )
    return {**counts, "free": max(0, cohort.capacity - counts["seated"])}


def cohort_roster_rows(*, cohort: Cohort, user: User) -> list[list[Any]]:
    """The roster export's rows, in ROSTER_COLUMNS order: the seated by name, then the
    waitlist by position, then the nominations (for those who may see them, as on the page).
    Withdrawn and declined people are left out."""
    page = cohort_page(cohort=cohort, user=user)
    rows = []
    for enrolment in [*page.roster, *page.waitlist, *page.nominations]:
        person = enrolment.person
        rows.append(
            [
                person.rank.name if person.rank else "",
                person.last_name,
                person.first_name,
                person.middle_name,
                person.service_number,
                person.unit.code if person.unit else "",
                person.get_category_display(),
                person.get_gender_display(),
                person.nationality.code,
                enrolment.get_status_display(),
                enrolment.waitlist_position,
            ]
        )
    return rows
