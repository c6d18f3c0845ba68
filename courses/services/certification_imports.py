"""Importing historical certifications (people trained before the system) from a CSV or XLSX
file: this import's columns, row checks and writes (CertificationImport); upload, preview and
all-or-nothing apply are the pipeline's (imports.services.Importer), as for the personnel
import. The preview says what applying the kept file would do now: each row a new
certification (with its computed validity and the records it supersedes or is superseded by)
or in error (row, column, reason); applying previews again with the people and their
certifications locked.

Rules of a row (stated on the import page too):
- service_number names a person in the register; course_code a course of the catalogue that
  grants a certification type (any case; the record gets that type and course, no cohort,
  source "import").
- number: filled, at most 40 characters, used by no certification yet and once in the file
  (letter case aside: UNSOC-2019-1 and unsoc-2019-1 are the same number to a reader).
- issued_on: a date (YYYY-MM-DD or DD.MM.YYYY) not in the future.
- valid_until: a date not before issued_on; blank means issued_on plus the course's validity
  in months (valid_until_for: issued 2019-03-31 for 48 months is valid until 2023-03-31, the
  rule finalisation issues by), and the preview says so.
- One certification per person, course and issue date: twice in the file, or once in the file
  and once already recorded, is an error naming the other.

Supersede chain (Certification.supersedes is one-to-one: a record supersedes at most one and
is superseded by at most one). After applying, each person's certifications of one course,
ordered by issue date, should read as a chain, newest superseding the one before it. So for
every two neighbours in that order where at least one is imported, the newer supersedes the
older, unless the newer already supersedes something or the older is already superseded; a
link between two records already there is never touched. That gives:
- an imported record newer than the person's newest one of the course supersedes it (and a
  run of newer imported records chains among themselves);
- an imported record older than a recorded one is superseded by the next newer record when
  that one supersedes nothing yet, else it stays unlinked (history that was already linked
  is not rewritten);
- an imported record between two recorded ones supersedes the older unless it is taken.
Recorded certifications that gain a link are written with bulk_update_with_history, so their
history shows who linked them and when.

Speed: a fixed number of queries whatever the row count (people, certification numbers and
the people's certifications in chunks of LOOKUP_CHUNK values, the catalogue once; writes in
batches of WRITE_BATCH); the recorded certifications are read as light Held records. Measured
on PostgreSQL (2 shared CPUs), upload + preview + apply of 5,000 rows: 2.8-4.5 s for people
with no records yet, 4.7-7.5 s when every row also links to recorded ones (7,500 links).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from itertools import pairwise
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from common.spreadsheets import Row, Table
from courses.models import Certification, Course
from imports.models import ImportFile
from imports.services import (
    LOOKUP_CHUNK,
    Importer,
    ImportPreview,
    RowError,
    chunks,
    not_a_date,
    parse_date,
)
from personnel.models import Person

CERTIFICATION_COLUMNS = ("service_number", "course_code", "number", "issued_on", "valid_until")
CERTIFICATION_REQUIRED = ("service_number", "course_code", "number", "issued_on")
CERTIFICATION_OPTIONAL = ("valid_until",)
COLUMN_ORDER = {column: index for index, column in enumerate(CERTIFICATION_COLUMNS)}
NUMBER_LIMIT = Certification._meta.get_field("number").max_length
# 500 rows per INSERT: the certification and its history row are 15-20 columns, so a batch is
# a few hundred kB and 5,000 rows take ten round trips each. (SQLite splits further, at its
# 999 bound parameters.)
WRITE_BATCH = 500


class RowStatus(StrEnum):
    NEW = "new"
    ERROR = "error"


@dataclass(frozen=True)
class Link:
    """The other end of a supersede link as the preview shows it: a certification already
    recorded (`row` None) or another row of the file."""

    number: str
    issued_on: dt.date
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Held:
    """A certification already recorded, as much of it as the checks and the chain need (a
    light record: a 5,000-row file's people hold thousands)."""

    pk: int
    person_id: int
    course_id: int  # its course, or its cohort's course when it names none
    number: str
    issued_on: dt.date
    supersedes_id: int | None
    is_superseded: bool


@dataclass
class ImportedRow:
    """One data row of the file and the certification applying it would add."""

    row: int
    service_number: str
    course_code: str
    number: str
    status: RowStatus = RowStatus.ERROR
    errors: list[RowError] = field(default_factory=list)
    person: Person | None = None
    course: Course | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None
    valid_until_computed: bool = False
    supersedes: Link | None = None
    superseded_by: Link | None = None
    # Where the link points, for applying: a recorded certification or another row.
    supersedes_target: Held | ImportedRow | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.person.full_name if self.person else ""

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row, column, reason))


@dataclass
class CertificationPreview(ImportPreview):
    statuses: ClassVar[type[RowStatus]] = RowStatus

    rows: list[ImportedRow]
    ignored_columns: list[str]
    absent_columns: list[str] = field(default_factory=list)
    # Recorded certifications that will supersede an imported one: (recorded, imported row).
    recorded_superseding: list[tuple[Held, ImportedRow]] = field(default_factory=list)

    @cached_property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "error": len(self.error_rows),
            "computed": sum(row.valid_until_computed for row in self.new),
            "linked": self.links,
        }

    @property
    def links(self) -> int:
        """Supersede links applying makes (each imported row's own, and recorded ones')."""
        return sum(row.supersedes is not None for row in self.new) + len(self.recorded_superseding)

    def outcome(self) -> list:
        def link(value: Link | None) -> list | None:
            return None if value is None else [value.number, value.row]

        return [
            [
                row.row,
                row.status.value,
                row.service_number,
                row.person.pk if row.person else None,
                row.course.pk if row.course else None,
                row.number,
                row.issued_on.isoformat() if row.issued_on else None,
                row.valid_until.isoformat() if row.valid_until else None,
                link(row.supersedes),
                link(row.superseded_by),
                [error.column for error in row.errors],
            ]
            for row in self.rows
        ]


def valid_until_for(issued_on: dt.date, *, course: Course) -> dt.date:
    """The validity a certification of `course` issued on `issued_on` gets when the file gives
    none: the issue date plus the course's months (as courses/services/finalisation.py)."""
    return issued_on + relativedelta(months=course.validity_months)


class CertificationImport(Importer):
    """The certification history import's columns, row checks and writes (the supersede
    chains); the pipeline is the Importer's."""

    kind = ImportFile.Kind.CERTIFICATIONS
    columns = CERTIFICATION_COLUMNS
    required = CERTIFICATION_REQUIRED
    optional = CERTIFICATION_OPTIONAL
    wrong_kind_message = _lazy("This file is not a certifications import.")
    stale_message = _lazy(
        "The certification records changed since this preview was made, so the import would "
        "no longer do what you saw. Nothing was written: check the new preview and confirm "
        "again."
    )
    # Someone took one of these numbers, or linked one of these records, after our read (the
    # unique constraints on number and supersedes).
    changed_while_applying_message = _lazy(
        "The certification records changed while the import was being applied "
        "(%(error)s). Nothing was written: check the new preview and confirm again."
    )

    def check(self, table: Table, *, lock: bool) -> CertificationPreview:
        """Reads a fixed number of queries (4 for up to LOOKUP_CHUNK rows); with `lock`, the
        people and their certifications are locked."""
        return _preview(table, lock=lock)

    def stale_reason(self, preview: CertificationPreview) -> str:
        message = str(self.stale_message)
        if preview.errors:
            first = preview.errors[0]
            message += " " + _(
                "It now finds %(count)s row(s) in error, first row %(row)s, %(column)s: %(reason)s"
            ) % {
                "count": len(preview.error_rows),
                "row": first.row,
                "column": first.column,
                "reason": first.reason,
            }
        return message

    def write(
        self, preview: CertificationPreview, *, import_file: ImportFile, by: User
    ) -> dict[str, int]:
        """Add the certifications and link the supersede chains (see the module's docstring):
        {"new", "computed" (valid until worked out from the course), "linked" (supersede
        links made)}."""
        reason = _("Imported from %(name)s") % {"name": import_file.original_name}
        created: dict[int, Certification] = {}  # by row number
        for row in preview.new:
            target = row.supersedes_target
            created[row.row] = Certification(
                person=row.person,
                certification_type_id=row.course.certification_type_id,
                course=row.course,
                cohort=None,
                number=row.number,
                issued_on=row.issued_on,
                valid_until=row.valid_until,
                source=Certification.Source.IMPORT,
                supersedes_id=target.pk if isinstance(target, Held) else None,
            )
        bulk_create_with_history(
            list(created.values()),
            Certification,
            batch_size=WRITE_BATCH,
            default_user=by,
            default_change_reason=reason,
        )
        # Links to rows of the file need their ids, known only now.
        linked = []
        for row in preview.new:
            if isinstance(row.supersedes_target, ImportedRow):
                certification = created[row.row]
                certification.supersedes = created[row.supersedes_target.row]
                linked.append(certification)
        superseding = _recorded_for_update(preview.recorded_superseding)
        for held, row in preview.recorded_superseding:
            recorded = superseding[held.pk]
            recorded.supersedes = created[row.row]
            linked.append(recorded)
        if linked:
            bulk_update_with_history(
                linked,
                Certification,
                ["supersedes"],
                batch_size=WRITE_BATCH,
                default_user=by,
                default_change_reason=reason,
            )
        return {
            "new": len(created),
            "computed": preview.counts["computed"],
            "linked": preview.links,
        }


CERTIFICATION_IMPORT = CertificationImport()
# The service API (imports.services.Importer documents each): upload keeps the file,
# preview reads only, apply writes every row or none (ValidationError "stale", "has_errors",
# "applied", "not_yours"), refused_rows gives the rows in error back.
certification_import_upload = CERTIFICATION_IMPORT.upload
certification_import_preview = CERTIFICATION_IMPORT.preview
certification_import_apply = CERTIFICATION_IMPORT.apply
certification_import_refused_rows = CERTIFICATION_IMPORT.refused_rows


def _recorded_for_update(pairs: list[tuple[Held, ImportedRow]]) -> dict[int, Certification]:
    """The recorded certifications that gain a link, whole (their history rows copy every
    field), by id; already locked by the preview that found them."""
    found: dict[int, Certification] = {}
    for chunk in chunks((held.pk for held, _row in pairs), LOOKUP_CHUNK):
        found.update(Certification.objects.in_bulk(chunk))
    return found


@dataclass
class _Records:
    """What the rows are checked against, read once per preview."""

    people: dict[str, Person]
    courses_by_code: dict[str, Course | None]  # exact and case-folded codes; None: ambiguous
    numbers: dict[str, Certification]  # by the upper-cased number
    # Each person's certifications by course (a cohort's course when the record names none).
    held: dict[tuple[int, int], list[Held]]


def _load_records(table: Table, *, lock: bool) -> _Records:
    """People, certification numbers and the people's certifications, in chunks; the catalogue
    once. With `lock`, the people and their certifications are locked (select_for_update) so
    no one issues, links or revokes theirs until the import is written."""
    rows = [row.values for row in table.rows]
    # Only what the rows show: a whole Person is three times slower to build, 5,000 times.
    people_query = Person.objects.only(
        "pk", "service_number", "last_name", "first_name", "middle_name"
    )
    held_query = Certification.objects.annotate(
        course_key=Coalesce("course_id", "cohort__course_id"),
        is_superseded=Exists(Certification.objects.filter(supersedes=OuterRef("pk"))),
    ).values_list(
        "pk", "person_id", "course_key", "number", "issued_on", "supersedes_id", "is_superseded"
    )
    if lock:
        people_query = people_query.select_for_update()
        # of=self: PostgreSQL cannot lock the nullable side of the join to the cohort.
        held_query = held_query.select_for_update(of=("self",))
    people: dict[str, Person] = {}
    for chunk in chunks((row.get("service_number", "") for row in rows), LOOKUP_CHUNK):
        people.update((p.service_number, p) for p in people_query.filter(service_number__in=chunk))
    numbers: dict[str, Certification] = {}
    # Exact, and in any letter case (SQLite's UPPER folds ASCII only, so both are asked).
    wanted = (row.get("number", "") for row in rows)
    for chunk in chunks(wanted, LOOKUP_CHUNK // 2):
        found = (
            Certification.objects.annotate(key=Upper("number"))
            .filter(Q(number__in=chunk) | Q(key__in=[number.upper() for number in chunk]))
            .select_related("person")
        )
        numbers.update((c.number.upper(), c) for c in found)
    held: dict[tuple[int, int], list[Held]] = defaultdict(list)
    for chunk in chunks((person.pk for person in people.values()), LOOKUP_CHUNK):
        for values in held_query.filter(person_id__in=chunk):
            certification = Held(*values)
            if certification.course_id is not None:
                held[(certification.person_id, certification.course_id)].append(certification)
    return _Records(people, _courses_by_code(), numbers, held)


def _courses_by_code() -> dict[str, Course | None]:
    courses = list(Course.objects.select_related("certification_type"))
    folded: dict[str, list[Course]] = defaultdict(list)
    for course in courses:
        folded[course.code.casefold()].append(course)
    by_code: dict[str, Course | None] = {
        code: same[0] if len(same) == 1 else None for code, same in folded.items()
    }
    by_code.update((course.code, course) for course in courses)  # an exact match always wins
    return by_code


def _preview(table: Table, *, lock: bool) -> CertificationPreview:
    records = _load_records(table, lock=lock)
    today = timezone.localdate()
    rows = [_check(row, records, today) for row in table.rows]
    _flag_repeats(rows)
    for row in rows:
        if row.errors:
            row.status = RowStatus.ERROR
            row.errors.sort(key=lambda error: COLUMN_ORDER[error.column])
        else:
            row.status = RowStatus.NEW
    preview = CertificationPreview(
        rows=rows,
        ignored_columns=table.ignored_columns,
        absent_columns=[c for c in CERTIFICATION_OPTIONAL if c not in table.columns],
    )
    preview.recorded_superseding = _chain(preview.new, records)
    return preview


def _check(cells_row: Row, records: _Records, today: dt.date) -> ImportedRow:
    """One row's cells checked on their own and against the records."""
    cells = cells_row.values
    row = ImportedRow(
        row=cells_row.number,
        service_number=cells.get("service_number", ""),
        course_code=cells.get("course_code", ""),
        number=cells.get("number", ""),
    )
    for column in CERTIFICATION_REQUIRED:
        if not cells.get(column):
            row.fail(column, _("is empty; this column is required in every row."))
    if row.service_number:
        row.person = records.people.get(row.service_number)
        if row.person is None:
            row.fail(
                "service_number",
                _("“%(value)s” is not the service number of a person in the register.")
                % {"value": row.service_number},
            )
    if row.course_code:
        row.course = records.courses_by_code.get(row.course_code)
        if row.course is None:
            row.course = records.courses_by_code.get(row.course_code.casefold())
        if row.course is None:
            row.fail(
                "course_code",
                _("“%(value)s” is not the code of a course in the catalogue.")
                % {"value": row.course_code},
            )
        elif row.course.certification_type_id is None:
            row.fail(
                "course_code",
                _("%(course)s grants no certification, so none can be imported for it.")
                % {"course": row.course.code},
            )
            row.course = None
    if len(row.number) > NUMBER_LIMIT:
        row.fail(
            "number",
            _("is %(length)s characters long; at most %(limit)s fit.")
            % {"length": len(row.number), "limit": NUMBER_LIMIT},
        )
    if text := cells.get("issued_on"):
        try:
            row.issued_on = parse_date(text)
        except ValueError:
            row.fail("issued_on", not_a_date(text))
        else:
            if row.issued_on > today:
                row.fail("issued_on", _("%(date)s is in the future.") % {"date": text})
                row.issued_on = None  # nothing else is measured against it
    if text := cells.get("valid_until"):
        try:
            row.valid_until = parse_date(text)
        except ValueError:
            row.fail("valid_until", not_a_date(text))
        else:
            if row.issued_on and row.valid_until < row.issued_on:
                row.fail(
                    "valid_until",
                    _("%(date)s is before the issue date, %(issued)s.")
                    % {"date": row.valid_until.isoformat(), "issued": row.issued_on.isoformat()},
                )
    elif row.issued_on and row.course:
        row.valid_until = valid_until_for(row.issued_on, course=row.course)
        row.valid_until_computed = True
    _check_recorded(row, records)
    return row


def _check_recorded(row: ImportedRow, records: _Records) -> None:
    """The number is free, and the person holds no certification of the course from that
    day already."""
    taken = records.numbers.get(row.number.upper()) if row.number else None
    same_day = None
    if row.person and row.course and row.issued_on:
        same_day = next(
            (
                held
                for held in records.held.get((row.person.pk, row.course.pk), ())
                if held.issued_on == row.issued_on
            ),
            None,
        )
    if taken is not None and same_day is not None and taken.pk == same_day.pk:
        row.fail(
            "number",
            _(
                "%(number)s is recorded already: this person's %(course)s certification issued "
                "on %(date)s. Remove the row."
            )
            % {
                "number": taken.number,
                "course": row.course.code,
                "date": row.issued_on.isoformat(),
            },
        )
        return
    if taken is not None:
        row.fail(
            "number",
            _("%(number)s is already the number of a certification, held by %(holder)s.")
            % {"number": taken.number, "holder": taken.person},
        )
    if same_day is not None:
        row.fail(
            "issued_on",
            _(
                "%(person)s already holds %(number)s of %(course)s issued on %(date)s: one "
                "certification per person, course and day."
            )
            % {
                "person": row.service_number,
                "number": same_day.number,
                "course": row.course.code,
                "date": row.issued_on.isoformat(),
            },
        )


def _flag_repeats(rows: list[ImportedRow]) -> None:
    """A number twice in the file, or one person's certification of a course from one day
    twice: every such row is in error, naming the others."""
    by_number: dict[str, list[ImportedRow]] = defaultdict(list)
    by_day: dict[tuple[int, int, dt.date], list[ImportedRow]] = defaultdict(list)
    for row in rows:
        if row.number:
            by_number[row.number.upper()].append(row)
        if row.person and row.course and row.issued_on:
            by_day[(row.person.pk, row.course.pk, row.issued_on)].append(row)
    for same in by_number.values():
        for row in _others(same):
            row.fail(
                "number",
                _("%(number)s appears again in row %(rows)s; each number once per file.")
                % {"number": row.number, "rows": _row_numbers(same, row)},
            )
    for same in by_day.values():
        for row in _others(same):
            row.fail(
                "issued_on",
                _(
                    "row %(rows)s has this person's %(course)s certification of %(date)s too; "
                    "each certification once per file."
                )
                % {
                    "rows": _row_numbers(same, row),
                    "course": row.course.code,
                    "date": row.issued_on.isoformat(),
                },
            )


def _others(same: list[ImportedRow]) -> Iterable[ImportedRow]:
    return same if len(same) > 1 else ()


def _row_numbers(same: list[ImportedRow], row: ImportedRow) -> str:
    return ", ".join(str(other.row) for other in same if other is not row)


def _chain(new: list[ImportedRow], records: _Records) -> list[tuple[Certification, ImportedRow]]:
    """Link each person's certifications of a course into a supersede chain (the rule is in
    the module's docstring). Sets the rows' links; returns the recorded certifications that
    will supersede an imported one."""
    groups: dict[tuple[int, int], list[ImportedRow]] = defaultdict(list)
    for row in new:
        groups[(row.person.pk, row.course.pk)].append(row)
    recorded_superseding: list[tuple[Held, ImportedRow]] = []
    for key, imported in groups.items():
        recorded = records.held.get(key, [])
        # Recorded first on a tie: a tie only happens between recorded ones (a row on the day
        # of a recorded one is an error).
        timeline: list[Held | ImportedRow] = sorted(
            [*recorded, *imported],
            key=lambda item: (item.issued_on, isinstance(item, ImportedRow), item.number),
        )
        for older, newer in pairwise(timeline):
            if isinstance(older, Held) and isinstance(newer, Held):
                continue  # links between recorded ones are not the import's to change
            if isinstance(newer, Held):
                if newer.supersedes_id is not None:
                    continue
                recorded_superseding.append((newer, older))
                older.superseded_by = Link(newer.number, newer.issued_on)
                continue
            if isinstance(older, Held):
                if older.is_superseded:
                    continue
                newer.supersedes = Link(older.number, older.issued_on)
            else:
                newer.supersedes = Link(older.number, older.issued_on, older.row)
                older.superseded_by = Link(newer.number, newer.issued_on, newer.row)
            newer.supersedes_target = older
    return recorded_superseding
