"""Reads for the cohort page, its roster exports and the enrolment entry points. Each is a
fixed number of queries, however many enrolments or candidates there are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from courses.models import Certification, Cohort, Enrolment
from courses.services.enrolment import ENROLLING_STATUSES, Candidate
from peacecentre.roles import cohorts_for, enrolment_statuses_for, enrolments_for
from personnel.models import Person, Unit

if TYPE_CHECKING:
    from peacecentre.models import User
    from peacecentre.spreadsheets import Table

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
SEARCH_LIMIT = 25


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
    """The cohorts `user` may open (peacecentre.roles.cohorts_for), with what the page's
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
    `user` may see them (peacecentre.roles.enrolments_for: an instructor sees no nominations):
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


def enrolments_visible(*, user: User) -> QuerySet[Enrolment]:
    """Enrolments in the cohorts `user` may open, with person, cohort and course."""
    return Enrolment.objects.filter(cohort__in=cohorts_for(user)).select_related(
        "person", "cohort__course"
    )


def candidates_search(*, query: str, limit: int = SEARCH_LIMIT) -> list[Person]:
    """People whose names or service number match `query` (any script), for picking one."""
    if not query.strip():
        return []
    return list(
        Person.objects.search(query)
        .select_related("rank", "unit")
        .order_by("last_name", "first_name", "service_number")[:limit]
    )


def candidate_get(*, pk: int) -> Person | None:
    return Person.objects.select_related("rank", "unit").filter(pk=pk).first()


def candidates_in_unit(*, unit: Unit, include_subunits: bool) -> list[Person]:
    """Everyone in `unit` (and the units under it), inactive people too so that the preview
    says why they are left out: by unit, then by name."""
    people = Person.objects.select_related("rank", "unit")
    if include_subunits:
        people = people.filter(unit__path__startswith=unit.path)
    else:
        people = people.filter(unit=unit)
    # By the folded names, as the register sorts: Нурланов beside Nurlanov, not after every
    # Latin name.
    return list(people.order_by("unit__path", "search_text", "service_number"))


def candidates_from_table(*, table: Table) -> list[Candidate]:
    """The file's rows as candidates, in file order; service numbers the register does not
    know stay in the list without a person. One query."""
    numbers = [row.values["service_number"] for row in table.rows]
    people = {
        person.service_number: person
        for person in Person.objects.select_related("rank", "unit").filter(
            service_number__in=set(numbers)
        )
    }
    return [
        Candidate(service_number=number, person=people.get(number), row=row.number)
        for number, row in zip(numbers, table.rows, strict=True)
    ]


def candidates_by_ids(*, ids: Sequence[int]) -> list[Person]:
    """People by id, in the order of `ids` (unknown ids dropped)."""
    people = Person.objects.select_related("rank", "unit").in_bulk(set(ids))
    return [people[pk] for pk in ids if pk in people]


def units_for_enrolment() -> QuerySet[Unit]:
    """Every unit in tree order, for the unit picker."""
    return Unit.objects.order_by("path")
