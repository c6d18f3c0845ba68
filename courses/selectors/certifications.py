"""Reads for the certification pages: the searchable list and one certification's page.

Scope (personnel.scope.people_for): registrars and administrators see every
certification; a commander those of the people of their units and the units under them; an
instructor those of the trainees of the cohorts they teach. Each read is a fixed number of
queries, however many certifications there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone

from accounts.roles import Role, has_role, sees_everything
from courses.models import Certification, Cohort, CohortStatusChange, Course
from courses.scope import cohorts_for
from personnel.models import Person, Validity
from personnel.scope import commanded_units, people_for

if TYPE_CHECKING:
    from simple_history.models import HistoricalChanges

    from accounts.models import User

# The list's validity filter. "valid" is every certification still valid today, including
# those that lapse soon; "lapsing" only those lapsing within the lapsing window.
VALIDITY_FILTERS = (Validity.VALID, Validity.LAPSING, Validity.LAPSED, Validity.REVOKED)


def with_status_history(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """`cohorts` with what courses/_finalisation_actions.html shows, so that it adds no
    query: the course, who finalised it, and its status changes with who made each."""
    changes = CohortStatusChange.objects.select_related("changed_by")
    return cohorts.select_related("course__certification_type", "finalised_by").prefetch_related(
        Prefetch("status_changes", queryset=changes)
    )


def certifications_visible(*, user: User) -> QuerySet[Certification]:
    """The certifications `user` may see (the module docstring says whose)."""
    return Certification.objects.filter(person__in=people_for(user))


def certifications_printable(*, user: User) -> QuerySet[Certification]:
    """The certifications whose certificate PDF `user` may download: registrars and
    administrators any; a commander those of the people of their units' subtree; an
    instructor those issued by the cohorts they teach (a trainee's certificates from other
    cohorts are not theirs to print)."""
    if sees_everything(user):
        return Certification.objects.all()
    scope = Q(pk__in=[])
    if has_role(user, Role.COMMANDER):
        scope |= Q(person__unit__in=commanded_units(user))
    if has_role(user, Role.INSTRUCTOR):
        scope |= Q(cohort__in=cohorts_for(user))
    return Certification.objects.filter(scope)


def certification_printable(*, user: User, certification: Certification) -> bool:
    """Whether `user` may download the certificate PDF of `certification`: no query for
    registrars and administrators, one otherwise."""
    if sees_everything(user):
        return True
    return certifications_printable(user=user).filter(pk=certification.pk).exists()


def certification_list(
    *,
    user: User,
    today: dt.date,
    query: str = "",
    course: Course | None = None,
    validity: str = "",
) -> QuerySet[Certification]:
    """The certifications `user` may see, newest first, with person (and rank), course and
    type joined: one query per page. `query` matches the number or the person's names or
    service number (any script, Person.search); `validity` is one of VALIDITY_FILTERS, on
    `today` (lapsing: within settings.LAPSING_WINDOW_DAYS)."""
    certifications = certifications_visible(user=user).select_related(
        "person__rank", "course", "certification_type"
    )
    if query := query.strip():
        certifications = certifications.filter(
            Q(number__icontains=query) | Q(person__in=Person.objects.search(query))
        )
    if course is not None:
        certifications = certifications.filter(course=course)
    if validity == Validity.REVOKED:
        certifications = certifications.exclude(revoked_at__isnull=True)
    elif validity == Validity.VALID:
        certifications = certifications.unrevoked().valid_on(today)
    elif validity == Validity.LAPSING:
        window = dt.timedelta(days=settings.LAPSING_WINDOW_DAYS)
        certifications = certifications.unrevoked().lapsing_between(today, today + window)
    elif validity == Validity.LAPSED:
        certifications = certifications.unrevoked().lapsed_on(today)
    return certifications.order_by("-issued_on", "-number")


def certification_courses() -> QuerySet[Course]:
    """Courses to filter the list by: those that grant or granted a certification."""
    return Course.objects.filter(
        Q(certification_type__isnull=False) | Q(certifications__isnull=False)
    ).distinct()


@dataclass(frozen=True)
class CertificationRow:
    """A certification and its state on the page's day, as personnel/_validity_badge.html
    shows it (`state` a Validity value, `days_left` until it lapses)."""

    record: Certification
    state: str
    days_left: int


def certification_rows(
    certifications: list[Certification], *, today: dt.date
) -> list[CertificationRow]:
    """Rows for the badge template; no query."""
    return [
        CertificationRow(
            record=c, state=c.validity(on=today), days_left=(c.valid_until - today).days
        )
        for c in certifications
    ]


@dataclass(frozen=True)
class HistoryEntry:
    """One saved version of a certification: who and when, and what changed from the one
    before (field verbose name, old, new)."""

    record: HistoricalChanges
    changes: list[tuple[str, str, str]] = field(default_factory=list)


# Fields worth showing in the history; the rest never change after issue.
HISTORY_FIELDS = ("number", "issued_on", "valid_until", "revoked_at", "revocation_reason")


@dataclass(frozen=True)
class CertificationPage:
    row: CertificationRow
    history: list[HistoryEntry]

    @property
    def certification(self) -> Certification:
        return self.row.record


def certification_detail_queryset(*, user: User) -> QuerySet[Certification]:
    """The certifications `user` may see, with everything the page shows joined: person,
    rank, unit, course, cohort, type, who revoked, what it supersedes and what supersedes
    it."""
    return certifications_visible(user=user).select_related(
        "person__rank",
        "person__unit",
        "course",
        "cohort",
        "certification_type",
        "revoked_by",
        "supersedes",
        "superseded_by",
    )


def certification_page(*, certification: Certification, today: dt.date) -> CertificationPage:
    """The page of `certification` (from certification_detail_queryset): its state on
    `today` and its history, newest first, each version with what changed: one query."""
    versions = list(
        certification.history.select_related("history_user").order_by("-history_date", "-pk")
    )
    entries = []
    for index, version in enumerate(versions):
        before = versions[index + 1] if index + 1 < len(versions) else None
        changes = []
        if before is not None:
            delta = version.diff_against(before, included_fields=list(HISTORY_FIELDS))
            for change in delta.changes:
                label = Certification._meta.get_field(change.field).verbose_name
                changes.append((str(label), _shown(change.old), _shown(change.new)))
        entries.append(HistoryEntry(record=version, changes=changes))
    (row,) = certification_rows([certification], today=today)
    return CertificationPage(row=row, history=entries)


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
