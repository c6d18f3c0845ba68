"""Reads for the personnel register pages: the list of people and everything about one person.

Each returns querysets or plain data whose number of queries does not grow with the rows
(tests/personnel/test_register_*.py assert it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from personnel.models import (
    DrivingLicence,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    Person,
    QualificationRecord,
    Unit,
    WeaponsQualification,
    validity_on,
)
from personnel.scope import people_for, personal_records_for, units_for

if TYPE_CHECKING:
    from accounts.models import User


def _describe_language(record: LanguageProficiency) -> str:
    return f"{record.get_language_display()} {record.profile}"


def _describe_driving_licence(record: DrivingLicence) -> str:
    gearbox = _("manual gearbox") if record.manual_transmission else _("automatic only")
    return f"{record.categories} · {gearbox}"


@dataclass(frozen=True)
class QualificationKind:
    """One kind of qualification record as the register shows it; `slug` names it in URLs."""

    slug: str
    model: type[QualificationRecord]
    icon: str  # a Bootstrap Icons name
    describe: Callable[[QualificationRecord], str]

    @property
    def label(self) -> str:
        return self.model._meta.verbose_name_plural

    @property
    def label_singular(self) -> str:
        return self.model._meta.verbose_name

    @property
    def related_name(self) -> str:
        return self.model._meta.default_related_name


QUALIFICATION_KINDS = (
    QualificationKind("language", LanguageProficiency, "translate", _describe_language),
    QualificationKind(
        "medical", MedicalClearance, "heart-pulse", lambda r: r.get_fitness_display()
    ),
    QualificationKind("passport", Passport, "passport", lambda r: r.get_kind_display()),
    QualificationKind("driving-licence", DrivingLicence, "car-front", _describe_driving_licence),
    QualificationKind(
        "weapons", WeaponsQualification, "bullseye", lambda r: r.get_weapon_display()
    ),
)
_KINDS_BY_SLUG = {kind.slug: kind for kind in QUALIFICATION_KINDS}


def qualification_kind(slug: str) -> QualificationKind:
    """The kind named `slug` in a URL. Raises KeyError for an unknown slug."""
    return _KINDS_BY_SLUG[slug]


# ---------------------------------------------------------------------------------------------
# The list


# The list's sort keys (ascending; descending with a leading "-") and the columns each orders
# by. Ties go by name, then by service number (unique), so that pages never overlap or skip.
PERSON_SORTS = {
    # The folded names (Person.search_text) sort Абенов beside Abenov, whatever the script.
    "name": ("search_text",),
    "service_number": ("service_number",),
    "rank": ("rank__seniority",),
    "unit": ("unit__path",),
    "date_of_birth": ("date_of_birth",),
}
_TIES = ("search_text", "service_number")
_NULLABLE = {"rank__seniority", "unit__path"}  # civilians have no rank, partners no unit


def person_ordering(sort: str) -> list[OrderBy]:
    """order_by() arguments for a sort key; people without a rank or unit come last."""
    columns = PERSON_SORTS[sort.removeprefix("-")]
    descending = sort.startswith("-")
    return [
        *(_by(column, descending=descending) for column in columns),
        *(_by(column, descending=False) for column in _TIES if column not in columns),
    ]


def _by(column: str, *, descending: bool) -> OrderBy:
    nulls = {"nulls_last": True} if column in _NULLABLE else {}
    return F(column).desc(**nulls) if descending else F(column).asc(**nulls)


def person_list(*, user: User, sort: str = "name") -> QuerySet[Person]:
    """People `user` may see, unit and rank joined (one query per page of rows), sorted by
    `sort` (a PERSON_SORTS key, "-" for descending). filters.PersonFilter narrows it."""
    return people_for(user).select_related("unit", "rank").order_by(*person_ordering(sort))


def unit_options(*, user: User) -> QuerySet[Unit]:
    """Units `user` may filter by or place people in, in tree order."""
    return units_for(user).order_by("path")


def nationality_options(*, people: QuerySet[Person]) -> list[Country]:
    """The nationalities present among `people`, by country name: one query."""
    codes = people.order_by().values_list("nationality", flat=True).distinct()
    return sorted((Country(code) for code in codes), key=lambda country: str(country.name))


# ---------------------------------------------------------------------------------------------
# One person


@dataclass(frozen=True)
class DatedRow:
    """A dated record (a qualification, or a certification: courses' section) and its state
    on the page's day."""

    record: QualificationRecord | Any
    state: str  # a Validity value
    days_left: int | None  # until it lapses, counted from the page's day; None: no end date
    kind: QualificationKind | None = None  # for a qualification record

    @property
    def description(self) -> str:
        return self.kind.describe(self.record) if self.kind else ""


@dataclass(frozen=True)
class QualificationGroup:
    kind: QualificationKind
    rows: list[DatedRow]


@dataclass(frozen=True)
class PersonalRecords:
    """What only those who may read a person's personal records see of them
    (personnel.scope.personal_records_for)."""

    date_of_birth: dt.date
    age: int
    email: str
    phone: str
    qualifications: list[QualificationGroup]


@dataclass(frozen=True)
class PersonProfile:
    """Everything the person page shows about one person."""

    person: Person
    today: dt.date
    unit_path: list[Unit]  # from the root down to the person's unit; empty without a unit
    personal: PersonalRecords | None  # None: the user may not read them
    sections: list[ShownSection]  # what the apps above add (PROFILE_SECTIONS), in order


@dataclass(frozen=True)
class ProfileSection:
    """A part of the person page that an app above this one supplies (courses: courses and
    results, certifications; readiness: deployments), registered in its AppConfig.ready() so
    that this app imports none of them.

    `prefetches` are applied to the person with the page's own (a fixed number of queries);
    `content(person, today)` is what `template` gets as `content` (with `profile` and
    `person`); `actions_template`, if any, adds buttons beside the person's name. A
    `personal` section is shown only to those who may read the person's personal records."""

    name: str
    order: int
    template: str
    prefetches: Callable[[], list[Prefetch]]
    content: Callable[[Person, dt.date], Any]
    personal: bool = False
    actions_template: str = ""


@dataclass(frozen=True)
class ShownSection:
    section: ProfileSection
    content: Any

    @property
    def template(self) -> str:
        return self.section.template

    @property
    def actions_template(self) -> str:
        return self.section.actions_template


PROFILE_SECTIONS: dict[str, ProfileSection] = {}


def register_profile_section(section: ProfileSection) -> None:
    """Add `section` to the person page (registering a name again replaces it)."""
    PROFILE_SECTIONS[section.name] = section


def dated_row(
    record, *, today: dt.date, kind: QualificationKind | None = None, state: str | None = None
) -> DatedRow:
    """`record`'s row on the page's day; `state` when the record knows better than its dates
    (a revoked certification)."""
    if state is None:
        state = validity_on(record.valid_until, on=today)
    days_left = (record.valid_until - today).days if record.valid_until else None
    return DatedRow(record=record, state=state, days_left=days_left, kind=kind)


def _newest_first(model: type[QualificationRecord]) -> QuerySet:
    # No end date means valid for good: such records come first on both databases.
    return model.objects.order_by(F("valid_until").desc(nulls_first=True), "-issued_on", "-pk")


def person_profile_queryset(*, user: User) -> QuerySet[Person]:
    """People `user` may see, unit and rank joined, each marked `shows_personal_records`:
    whether `user` may read their personal records (personnel.scope.personal_records_for)."""
    return (
        people_for(user)
        .select_related("unit", "rank")
        .annotate(
            shows_personal_records=Exists(personal_records_for(user).filter(pk=OuterRef("pk")))
        )
    )


def _personal_record_prefetches() -> list[Prefetch]:
    return [
        *(
            Prefetch(kind.related_name, queryset=_newest_first(kind.model))
            for kind in QUALIFICATION_KINDS
        ),
    ]


def unit_path(unit: Unit | None) -> list[Unit]:
    """`unit` and the units above it, root first: one query (materialised path prefixes)."""
    if unit is None:
        return []
    step = Unit.steplen
    prefixes = [unit.path[:end] for end in range(step, len(unit.path) + 1, step)]
    return list(Unit.objects.filter(path__in=prefixes).order_by("depth"))


def person_profile(*, user: User, pk: int, today: dt.date) -> PersonProfile:
    """Person `pk` as the person page shows them, if `user` may see them: everything for those
    who may read their personal records; otherwise their training record alone, the personal
    records neither read nor passed on (`personal` is None). A fixed number of queries
    however many records a person has.

    Raises Person.DoesNotExist when there is no such person or they are outside `user`'s
    scope: the caller answers 404 either way.
    """
    person = person_profile_queryset(user=user).get(pk=pk)
    sections = sorted(
        (
            section
            for section in PROFILE_SECTIONS.values()
            if person.shows_personal_records or not section.personal
        ),
        key=lambda section: section.order,
    )
    lookups = [lookup for section in sections for lookup in section.prefetches()]
    if person.shows_personal_records:
        lookups += _personal_record_prefetches()
    prefetch_related_objects([person], *lookups)
    personal = None
    if person.shows_personal_records:
        personal = PersonalRecords(
            date_of_birth=person.date_of_birth,
            age=person.age_on(today),
            email=person.email,
            phone=person.phone,
            qualifications=[
                QualificationGroup(
                    kind=kind,
                    rows=[
                        dated_row(record, today=today, kind=kind)
                        for record in getattr(person, kind.related_name).all()
                    ],
                )
                for kind in QUALIFICATION_KINDS
            ],
        )
    return PersonProfile(
        person=person,
        today=today,
        unit_path=unit_path(person.unit),
        personal=personal,
        sections=[
            ShownSection(section=section, content=section.content(person, today))
            for section in sections
        ],
    )
