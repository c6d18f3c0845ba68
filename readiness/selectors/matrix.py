"""Reads for the readiness matrix (people by the requirements of one profile), its exports,
and one person's readiness.

The matrix runs the deployability engine once per request over every person the filters
leave (the totals and the readiness sort need them all), then filters by readiness, sorts
and counts in plain Python; the page shows 50 of the rows. Every person is read as a plain
row of MATRIX_FACTS, not a model instance: building 10,000 Person objects with their unit and
rank was half of a whole-register page (cProfile); only the rows a page shows are loaded as
Person objects (`with_people`). The number of queries is fixed: the people, the profile's
requirements, the engine's own fixed set and the page's people
(tests/readiness/test_matrix_page.py asserts it at two sizes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from personnel.models import Category, Gender, Person, Unit
from personnel.scope import people_for, personal_records_for
from readiness.deployability import (
    PERSON_FACTS,
    Check,
    PersonReadiness,
    Requirement,
    Verdict,
    deployability,
    profile_requirements,
)
from readiness.models import RequirementProfile

if TYPE_CHECKING:
    from accounts.models import User

# Readiness filter values. "Ready" counts people who are ready with something lapsing soon
# too, as the engine and ReadinessSnapshot do; "lapsing" picks those out.
READINESS_STATES = {
    "ready": _("Ready"),
    "lapsing": _("Ready, lapsing soon"),
    "not_ready": _("Not ready"),
}

_LAST = "\uffff"  # sorts after any text: people without a unit or rank come last

# What the matrix reads of every person: the engine's facts, the sort keys and the export's
# columns. The rows are named tuples (`values_list(..., named=True)`).
MATRIX_FACTS = (
    *PERSON_FACTS,
    "gender",
    "service_number",
    "last_name",
    "first_name",
    "search_text",
    "unit__path",
    "unit__code",
    "rank__name",
    "rank__seniority",
)


def _name_key(row: MatrixRow) -> tuple:
    facts = row.facts
    return (facts.search_text, facts.service_number)


def _unit_key(row: MatrixRow) -> tuple:
    return (row.facts.unit__path or _LAST, *_name_key(row))


def _rank_key(row: MatrixRow) -> tuple:
    # Senior first when ascending, as a nominal roll lists people.
    seniority = row.facts.rank__seniority
    return (seniority is None, -(seniority or 0), *_name_key(row))


def _readiness_key(row: MatrixRow) -> tuple:
    # The most gaps first: what the commander has to act on.
    return (-row.not_met, -row.lapsing, *_name_key(row))


# Sort keys (a leading "-" reverses) and the Python key each sorts rows by.
MATRIX_SORTS: dict[str, Callable[[MatrixRow], tuple]] = {
    "name": _name_key,
    "unit": _unit_key,
    "rank": _rank_key,
    "readiness": _readiness_key,
}
DEFAULT_SORT = "name"


@dataclass
class MatrixRow:
    """One person's row: the engine's readiness and a count of each verdict. `facts` is the
    person as a MATRIX_FACTS row; `person` the Person object, loaded by `with_people` for the
    rows a page shows."""

    readiness: PersonReadiness
    not_met: int
    lapsing: int
    loaded_person: Person | None = None

    @property
    def facts(self):
        return self.readiness.person

    @property
    def person(self) -> Person:
        if self.loaded_person is None:
            raise LookupError("MatrixRow.person: load the rows' people with with_people()")
        return self.loaded_person

    @property
    def checks(self) -> list[Check]:
        return self.readiness.checks

    @property
    def ready(self) -> bool:
        return self.not_met == 0

    @property
    def state(self) -> str:
        """A READINESS_STATES key."""
        if self.not_met:
            return "not_ready"
        return "lapsing" if self.lapsing else "ready"


def with_people(rows: list[MatrixRow]) -> list[MatrixRow]:
    """`rows` with their Person objects (unit and rank joined) loaded: one query. For the
    rows a page shows, not for the whole matrix."""
    missing = [row.facts.pk for row in rows if row.loaded_person is None]
    if missing:
        people = Person.objects.select_related("unit", "rank").in_bulk(missing)
        for row in rows:
            if row.loaded_person is None:
                row.loaded_person = people[row.facts.pk]
    return rows


@dataclass
class RequirementTotal:
    requirement: Requirement
    met: int = 0
    lapsing: int = 0
    not_met: int = 0


@dataclass
class Matrix:
    """The rows the filters leave, sorted, and the totals over all of them."""

    profile: RequirementProfile
    requirements: list[Requirement]
    rows: list[MatrixRow]
    people: int = 0  # before the readiness filter: the totals count everyone the filters leave
    ready: int = 0  # including those lapsing
    lapsing: int = 0  # ready, with something lapsing soon
    not_ready: int = 0
    per_requirement: list[RequirementTotal] = field(default_factory=list)

    @property
    def ready_percent(self) -> int | None:
        return round(100 * self.ready / self.people) if self.people else None


def matrix_people(
    *,
    user: User,
    unit: Unit | None = None,
    category: str = "",
    gender: str = "",
) -> QuerySet[Person]:
    """Active people `user` may see, narrowed to `unit` (with the units under it), a category
    and a gender."""
    people = people_for(user).filter(is_active=True)
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    if category:
        people = people.filter(category=category)
    if gender:
        people = people.filter(gender=gender)
    return people.order_by()  # sorted in Python, after the engine


def readiness_matrix(
    *,
    user: User,
    profile: RequirementProfile,
    unit: Unit | None = None,
    category: str = "",
    gender: str = "",
    readiness: str = "",
    on: dt.date | None = None,
    tour_ends_on: dt.date | None = None,
    sort: str = DEFAULT_SORT,
) -> Matrix:
    """The readiness of the active people `user` may see for `profile`, as the matrix shows it.

    `unit`, `category` and `gender` narrow the people; the totals count all of those.
    `readiness` (a READINESS_STATES key) then narrows the rows; `sort` is a MATRIX_SORTS key,
    "-" for descending. `on` and `tour_ends_on` are passed to the engine (a tour window when
    both are given). A fixed number of queries, however many people.
    """
    requirements = profile_requirements(profile)
    # A queryset, not a list: the engine reads the records of its ids as a subquery.
    people = matrix_people(user=user, unit=unit, category=category, gender=gender).values_list(
        *MATRIX_FACTS, named=True
    )
    by_person = deployability(people=people, profile=profile, on=on, tour_ends_on=tour_ends_on)
    matrix = Matrix(
        profile=profile,
        requirements=requirements,
        rows=[],
        per_requirement=[RequirementTotal(requirement) for requirement in requirements],
    )
    # The engine gives one check per requirement, in the requirements' order: count by
    # position. Verdicts compared by identity: ten thousand people by nine checks.
    totals = matrix.per_requirement
    met_counts, lapsing_counts, not_met_counts = ([0] * len(totals) for _ in range(3))
    not_met_verdict, lapsing_verdict = Verdict.NOT_MET, Verdict.LAPSING
    rows = []
    for person_readiness in by_person.values():
        not_met = lapsing = 0
        for position, check in enumerate(person_readiness.checks):
            verdict = check.verdict
            if verdict is not_met_verdict:
                not_met += 1
                not_met_counts[position] += 1
            elif verdict is lapsing_verdict:
                lapsing += 1
                lapsing_counts[position] += 1
            else:
                met_counts[position] += 1
        rows.append(MatrixRow(readiness=person_readiness, not_met=not_met, lapsing=lapsing))
        if not_met:
            matrix.not_ready += 1
        else:
            matrix.ready += 1
            matrix.lapsing += bool(lapsing)
    matrix.people = len(rows)
    for position, total in enumerate(totals):
        total.met = met_counts[position]
        total.lapsing = lapsing_counts[position]
        total.not_met = not_met_counts[position]
    if readiness in READINESS_STATES:
        rows = [row for row in rows if _in_state(row, readiness)]
    matrix.rows = sort_rows(rows, sort)
    return matrix


def _in_state(row: MatrixRow, state: str) -> bool:
    if state == "ready":
        return row.ready
    return row.state == state


def sort_rows(rows: list[MatrixRow], sort: str) -> list[MatrixRow]:
    """`rows` in the order of `sort` (a MATRIX_SORTS key, "-" for descending; unknown: by
    name)."""
    key = MATRIX_SORTS.get(sort.removeprefix("-"))
    if key is None:
        key, sort = MATRIX_SORTS[DEFAULT_SORT], DEFAULT_SORT
    return sorted(rows, key=key, reverse=sort.startswith("-"))


def requirement_anchor(requirement: Requirement) -> str:
    """The id of a requirement's row on the person's readiness page ("req-certification-UNMEM")."""
    return "req-" + requirement.key.replace(":", "-")


def matrix_export_rows(matrix: Matrix) -> tuple[list[str], list[list[Any]]]:
    """The header and rows of the matrix export: who the person is, their readiness, then a
    verdict and a reason column per requirement."""
    header = [
        str(_("Service number")),
        str(_("Rank")),
        str(_("Last name")),
        str(_("First name")),
        str(_("Category")),
        str(_("Gender")),
        str(_("Unit")),
        str(_("Readiness")),
        str(_("Not met")),
        str(_("Lapsing")),
    ]
    for requirement in matrix.requirements:
        header += [
            str(requirement.label),
            str(_("%(requirement)s: reason") % {"requirement": requirement.label}),
        ]
    categories, genders = dict(Category.choices), dict(Gender.choices)
    rows = []
    for row in matrix.rows:
        person = row.facts
        values: list[Any] = [
            person.service_number,
            person.rank__name or "",
            person.last_name,
            person.first_name,
            str(categories.get(person.category, person.category)),
            str(genders.get(person.gender, person.gender)),
            person.unit__code or "",
            str(READINESS_STATES[row.state]),
            row.not_met,
            row.lapsing,
        ]
        for requirement in matrix.requirements:
            check = row.readiness.check(requirement.key)
            values += [check.verdict.label, check.reason] if check else ["", ""]
        rows.append(values)
    return header, rows


# ---------------------------------------------------------------------------------------------
# One person


@dataclass(frozen=True)
class PersonReadinessPage:
    person: Person
    profile: RequirementProfile
    requirements: list[Requirement]
    readiness: PersonReadiness


def person_readiness(
    *,
    user: User,
    pk: int,
    profile: RequirementProfile,
    on: dt.date | None = None,
    tour_ends_on: dt.date | None = None,
) -> PersonReadinessPage:
    """Person `pk`'s readiness for `profile`, if `user` may see them.

    Raises Person.DoesNotExist when there is no such person or `user` may not read their
    personal records (readiness rests on them: medical clearance, passport, age): the caller
    answers 404 either way.
    """
    person = personal_records_for(user).select_related("unit", "rank").get(pk=pk)
    by_person = deployability(people=[person], profile=profile, on=on, tour_ends_on=tour_ends_on)
    return PersonReadinessPage(
        person=person,
        profile=profile,
        requirements=profile_requirements(profile),
        readiness=by_person[person.pk],
    )


# Where on the person page the record a requirement rests on is shown.
_PERSON_PAGE_SECTIONS = {
    "category": "identity-heading",
    "rank": "identity-heading",
    "age": "identity-heading",
    "service": "identity-heading",
    "language": "language",
    "medical": "medical",
    "passport": "passport",
    "driving": "driving-licence",
    "weapons": "weapons",
}


def person_page_section(requirement: Requirement) -> str:
    """The anchor on the person page of what `requirement` rests on."""
    if requirement.key.startswith("certification:"):
        return "certifications-heading"
    return _PERSON_PAGE_SECTIONS.get(requirement.key, "")
