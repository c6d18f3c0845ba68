"""Reads for the enrolment entry points: candidates by name, unit, file or id, and the
enrolments a user may act on. Each is a fixed number of queries, however many candidates
there are."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from courses.models import Enrolment
from courses.scope import cohorts_for
from courses.services.enrolment import Candidate
from personnel.models import Person, Unit

if TYPE_CHECKING:
    from accounts.models import User
    from common.spreadsheets import Table


SEARCH_LIMIT = 25


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
