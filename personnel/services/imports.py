"""Importing people into the register from a CSV or XLSX file: the people import's columns,
row checks and writes (PeopleImport); upload, preview and apply are the pipeline's
(imports.services.Importer). The preview says what applying the kept file would do to the
register as it is now: each row new, updated (field: old -> new), unchanged or in error (row,
column, reason).

Rules of a row (stated on the import page too): the columns PEOPLE_REQUIRED must be filled in
every row. For a person already in the register a blank optional cell, or an absent optional
column, leaves that value as it is; for a new person it stays empty, except nationality, which
defaults to KZ. A rank is read by personnel/ranks.py (code, or English, Russian or Kazakh name,
resolved by the row's category). A civilian has no rank: a rank given for one is left out with a
warning, and when a row makes a person civilian the rank in the register is cleared. Values are
stored as text as written, a leading = + - @ included (exports escape them:
common/spreadsheets.py).

Speed (5,000 rows in seconds, `make bench`): a fixed number of queries whatever the row count:
people by service number in chunks, every rank and unit once; rows are checked in Python and
written with bulk_create / bulk_update.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_countries import countries

from accounts.models import User
from common.spreadsheets import Row, Table
from imports.models import ImportFile
from imports.services import (
    LOOKUP_CHUNK,
    Importer,
    ImportPreview,
    RowError,
    not_a_date,
    parse_date,
)
from personnel.models import Category, Gender, Person, Rank, Unit
from personnel.ranks import RankIndex

PEOPLE_COLUMNS = (
    "service_number",
    "rank",
    "last_name",
    "first_name",
    "middle_name",
    "gender",
    "date_of_birth",
    "category",
    "unit_code",
    "nationality",
    "email",
    "phone",
    "service_start_date",
)
PEOPLE_REQUIRED = (
    "service_number",
    "last_name",
    "first_name",
    "gender",
    "date_of_birth",
    "category",
)
PEOPLE_OPTIONAL = tuple(column for column in PEOPLE_COLUMNS if column not in PEOPLE_REQUIRED)
COLUMN_ORDER = {column: index for index, column in enumerate(PEOPLE_COLUMNS)}
DEFAULT_NATIONALITY = "KZ"
# Sets made once: TextChoices.values builds a new list on every call.
GENDERS = frozenset(Gender.values)
CATEGORIES = frozenset(Category.values)

# The Person field each column sets (attribute names, so rank and unit are ids).
FIELD_OF_COLUMN = {
    **{column: column for column in PEOPLE_COLUMNS},
    "rank": "rank_id",
    "unit_code": "unit_id",
}
TEXT_LIMITS = {
    column: Person._meta.get_field(column).max_length
    for column in ("service_number", "last_name", "first_name", "middle_name", "email", "phone")
}
# 500 rows per INSERT / UPDATE: bulk_update writes one CASE per field per row, and batches of
# 500 keep each statement a few hundred kB while 5,000 rows still take ten round trips.
WRITE_BATCH = 500


class RowStatus(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass
class PreviewRow:
    """One data row of the file and what applying it would do."""

    number: int
    service_number: str
    name: str
    status: RowStatus = RowStatus.ERROR
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # applied all the same
    changes: list[FieldChange] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # a new person's values, as text
    values: dict[str, Any] = field(default_factory=dict)  # fields to write (all for a new one)
    person: Person | None = None


@dataclass
class PeoplePreview(ImportPreview):
    statuses: ClassVar[type[RowStatus]] = RowStatus

    rows: list[PreviewRow]
    ignored_columns: list[str]
    absent_columns: list[str]

    @property
    def updated(self) -> list[PreviewRow]:
        return self.by_status[RowStatus.UPDATED]

    @property
    def unchanged(self) -> list[PreviewRow]:
        return self.by_status[RowStatus.UNCHANGED]

    @property
    def counts(self) -> dict[str, int]:
        return {status.value: len(rows) for status, rows in self.by_status.items()}

    def outcome(self) -> list:
        return [
            [
                row.number,
                row.status.value,
                row.service_number,
                [[c.column, c.old, c.new] for c in row.changes],
                [error.column for error in row.errors],
                sorted(row.shown.items()),
            ]
            for row in self.rows
        ]


class PeopleImport(Importer):
    """The people import's columns, row checks and writes; the pipeline is the Importer's."""

    kind = ImportFile.Kind.PEOPLE
    columns = PEOPLE_COLUMNS
    required = PEOPLE_REQUIRED
    optional = PEOPLE_OPTIONAL
    wrong_kind_message = _lazy("This file is not a personnel import.")
    stale_message = _lazy(
        "The register changed since this preview was made, so the import would no longer do "
        "what you saw. Nothing was written: check the new preview and confirm again."
    )
    changed_while_applying_message = _lazy(
        "The register changed while the import was being applied (%(error)s). Nothing was "
        "written: check the new preview and confirm again."
    )

    def check(self, table: Table, *, lock: bool) -> PeoplePreview:
        return _preview(table, lock=lock)

    def write(self, preview: PeoplePreview, *, import_file: ImportFile, by: User) -> dict[str, int]:
        """New people with bulk_create, changed ones with bulk_update: {"new", "updated",
        "unchanged"}."""
        now = timezone.now()
        created = [_new_person(row) for row in preview.new]
        changed, fields = [], {"updated_at"}  # bulk_update adds the search keys
        for row in preview.updated:
            person = row.person
            for name, value in row.values.items():
                setattr(person, name, value)
            person.updated_at = now  # and auto_now
            changed.append(person)
            fields.update(row.values)
        Person.objects.bulk_create(created, batch_size=WRITE_BATCH)
        if changed:
            Person.objects.bulk_update(changed, sorted(fields), batch_size=WRITE_BATCH)
        return {"new": len(created), "updated": len(changed), "unchanged": len(preview.unchanged)}


PEOPLE_IMPORT = PeopleImport()
# The service API (imports.services.Importer documents each): upload keeps the file,
# preview reads only, apply writes every row or none (ValidationError "stale", "has_errors",
# "applied", "not_yours"), refused_rows gives the rows in error back.
people_import_upload = PEOPLE_IMPORT.upload
people_import_preview = PEOPLE_IMPORT.preview
people_import_apply = PEOPLE_IMPORT.apply
people_import_refused_rows = PEOPLE_IMPORT.refused_rows


def _new_person(row: PreviewRow) -> Person:
    return Person(**row.values)  # Person.objects.bulk_create fills the search keys


@dataclass
class _Register:
    """What the rows are checked against, read once per preview."""

    people: dict[str, Person]
    ranks: dict[int, Rank]
    rank_index: RankIndex
    unit_codes: dict[int, str]
    units_by_code: dict[str, int | None]  # exact and case-folded codes; None: ambiguous
    country_codes: frozenset[str]  # ISO 3166-1 alpha-2, as django-countries knows them


def _load_register(service_numbers: Iterable[str], *, lock: bool) -> _Register:
    numbers = sorted(set(service_numbers))
    people: dict[str, Person] = {}
    queryset = Person.objects.select_for_update() if lock else Person.objects.all()
    for start in range(0, len(numbers), LOOKUP_CHUNK):
        chunk = numbers[start : start + LOOKUP_CHUNK]
        people.update((p.service_number, p) for p in queryset.filter(service_number__in=chunk))
    ranks = {rank.pk: rank for rank in Rank.objects.all()}
    unit_codes = dict(Unit.objects.values_list("pk", "code"))
    folded = Counter(code.casefold() for code in unit_codes.values())
    units_by_code: dict[str, int | None] = {}
    for pk, code in unit_codes.items():
        units_by_code[code.casefold()] = pk if folded[code.casefold()] == 1 else None
    for pk, code in unit_codes.items():
        units_by_code[code] = pk  # an exact match always wins
    country_codes = frozenset(code for code, _name in countries)
    return _Register(
        people, ranks, RankIndex(ranks.values()), unit_codes, units_by_code, country_codes
    )


def _preview(table: Table, *, lock: bool) -> PeoplePreview:
    register = _load_register(
        (row.values.get("service_number", "") for row in table.rows), lock=lock
    )
    checker = _RowChecker(register)
    rows = [checker.check(row) for row in table.rows]
    _flag_repeated_service_numbers(rows)
    for row in rows:
        row.errors.sort(key=lambda error: COLUMN_ORDER[error.column])
    return PeoplePreview(
        rows=rows,
        ignored_columns=table.ignored_columns,
        absent_columns=[c for c in PEOPLE_OPTIONAL if c not in table.columns],
    )


def _flag_repeated_service_numbers(rows: list[PreviewRow]) -> None:
    seen: dict[str, list[PreviewRow]] = {}
    for row in rows:
        if row.service_number:
            seen.setdefault(row.service_number, []).append(row)
    for same in seen.values():
        if len(same) < 2:
            continue
        for row in same:
            others = ", ".join(str(other.number) for other in same if other is not row)
            row.errors.append(
                RowError(
                    row.number,
                    "service_number",
                    _("%(number)s appears again in row %(rows)s; each person once per file.")
                    % {"number": row.service_number, "rows": others},
                )
            )
            row.status, row.changes, row.values, row.shown = RowStatus.ERROR, [], {}, {}


class _RowChecker:
    """Checks one row against the register and works out what applying it would change."""

    def __init__(self, register: _Register) -> None:
        self.register = register
        self.today = timezone.localdate()

    def check(self, row: Row) -> PreviewRow:
        cells = row.values
        result = PreviewRow(
            number=row.number,
            service_number=cells.get("service_number", ""),
            name=" ".join(
                cells[c] for c in ("last_name", "first_name", "middle_name") if cells.get(c)
            ),
        )
        given = self._given_values(cells, result)
        if result.errors:
            return result
        person = self.register.people.get(result.service_number)
        before = self._values_of(person) if person else self._defaults()
        after = before | given
        self._check_combination(after, given, result)
        if result.errors:
            return result
        if person is None:
            result.status, result.values = RowStatus.NEW, after
            result.shown = {column: self._shown(column, after) for column in PEOPLE_COLUMNS}
            return result
        result.person = person
        result.values = {name: value for name, value in after.items() if before[name] != value}
        result.changes = [
            FieldChange(column, self._shown(column, before), self._shown(column, after))
            for column in PEOPLE_COLUMNS
            if FIELD_OF_COLUMN[column] in result.values
        ]
        result.status = RowStatus.UPDATED if result.values else RowStatus.UNCHANGED
        return result

    def _given_values(self, cells: dict[str, str], result: PreviewRow) -> dict[str, Any]:
        """The filled cells as field values; each bad cell adds an error to `result`."""

        def fail(column: str, reason: str) -> None:
            result.errors.append(RowError(result.number, column, reason))

        for column in PEOPLE_REQUIRED:
            if not cells.get(column):
                fail(column, _("is empty; this column is required in every row."))
        for column, limit in TEXT_LIMITS.items():
            if len(cells.get(column, "")) > limit:
                fail(
                    column,
                    _("is %(length)s characters long; at most %(limit)s fit.")
                    % {"length": len(cells[column]), "limit": limit},
                )
        given: dict[str, Any] = {
            column: cells[column]
            for column in ("service_number", "last_name", "first_name", "middle_name", "phone")
            if cells.get(column)
        }
        if gender := cells.get("gender"):
            if gender.upper() in GENDERS:
                given["gender"] = gender.upper()
            else:
                fail("gender", _("“%(value)s” is not F or M.") % {"value": gender})
        category = cells.get("category", "").lower()
        if category:
            if category in CATEGORIES:
                given["category"] = category
            else:
                fail(
                    "category",
                    _("“%(value)s” is not one of military, police, civilian.")
                    % {"value": cells["category"]},
                )
        for column in ("date_of_birth", "service_start_date"):
            if text := cells.get(column):
                try:
                    given[column] = parse_date(text)
                except ValueError:
                    fail(column, not_a_date(text))
        if given.get("date_of_birth") and given["date_of_birth"] > self.today:
            fail(
                "date_of_birth",
                _("%(date)s is in the future.") % {"date": cells["date_of_birth"]},
            )
        if nationality := cells.get("nationality"):
            code = nationality.upper()
            if code in self.register.country_codes:
                given["nationality"] = code
            else:
                fail(
                    "nationality",
                    _("“%(value)s” is not an ISO 3166-1 alpha-2 country code (KZ, TJ, ...).")
                    % {"value": nationality},
                )
        if email := cells.get("email"):
            try:
                validate_email(email)
                given["email"] = email
            except ValidationError:
                fail("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
        if unit_code := cells.get("unit_code"):
            unit_id = self.register.units_by_code.get(unit_code)
            if unit_id is None:
                unit_id = self.register.units_by_code.get(unit_code.casefold())
            if unit_id is None:
                fail(
                    "unit_code",
                    _("“%(value)s” is not the code of a unit in the register.")
                    % {"value": unit_code},
                )
            else:
                given["unit_id"] = unit_id
        if rank_text := cells.get("rank"):
            reading = self.register.rank_index.read(rank_text, category=category)
            if reading.rank is not None:
                given["rank_id"] = reading.rank.pk
            elif reading.error:
                fail("rank", reading.error)
            elif reading.warning:
                result.warnings.append(RowError(result.number, "rank", reading.warning))
        return given

    def _check_combination(
        self, after: dict[str, Any], given: dict[str, Any], result: PreviewRow
    ) -> None:
        """Rules across fields, on the values the person would have after the import."""

        def fail(column: str, reason: str) -> None:
            result.errors.append(RowError(result.number, column, reason))

        rank = self.register.ranks.get(after["rank_id"]) if after["rank_id"] else None
        if rank is not None and "rank_id" not in given:
            if after["category"] == Category.CIVILIAN:
                after["rank_id"] = None  # becoming civilian clears the register's rank
            elif rank.category != after["category"]:
                fail(
                    "rank",
                    _(
                        "this person's rank in the register, %(rank)s, is a %(rank_category)s "
                        "rank; give a %(category)s rank in this column."
                    )
                    % {
                        "rank": rank.name,
                        "rank_category": Category(rank.category).label,
                        "category": Category(after["category"]).label,
                    },
                )
        start, born = after["service_start_date"], after["date_of_birth"]
        if start is not None and start <= born:
            if "service_start_date" in given:
                fail(
                    "service_start_date",
                    _("%(start)s is not after the date of birth, %(born)s.")
                    % {"start": start.isoformat(), "born": born.isoformat()},
                )
            else:
                fail(
                    "date_of_birth",
                    _(
                        "%(born)s is not before this person's service start date in the "
                        "register, %(start)s."
                    )
                    % {"start": start.isoformat(), "born": born.isoformat()},
                )

    @staticmethod
    def _values_of(person: Person) -> dict[str, Any]:
        # The loaded values themselves: CountryField's descriptor would build a Country per
        # read, a third of the preview's time over 5,000 people.
        loaded = vars(person)
        values = {name: loaded[name] for name in FIELD_OF_COLUMN.values()}
        values["nationality"] = str(values["nationality"] or "")
        return values

    @staticmethod
    def _defaults() -> dict[str, Any]:
        return {
            "rank_id": None,
            "middle_name": "",
            "nationality": DEFAULT_NATIONALITY,
            "unit_id": None,
            "email": "",
            "phone": "",
            "service_start_date": None,
        }

    def _shown(self, column: str, values: dict[str, Any]) -> str:
        value = values.get(FIELD_OF_COLUMN[column])
        if value is None or value == "":
            return ""
        if column == "rank":
            return self.register.ranks[value].name
        if column == "unit_code":
            return self.register.unit_codes[value]
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)
