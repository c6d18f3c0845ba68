"""The import pipeline every file import runs (Importer): the uploaded file kept between its
preview and its confirmation (ImportFile), a row's error, the date forms a cell may use, the
checks before an import is applied, the stale-preview check and marking it applied.

Each import (the personnel register: personnel/services/imports.py; certification history:
courses/services/certification_imports.py) is an Importer that supplies only its columns, its
row checks and its writes; the pipeline stores the upload, previews it, and applies exactly the
stored bytes, once, when the user confirms. Its pages are imports/views.py.

Applying is all or nothing unless the user chooses to apply the valid rows only: the rows in
error are then left out and kept (row number and reason) with the import, so that they can be
downloaded as they were in the file, with a reason column, to correct and upload again.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role
from common.spreadsheets import Table, csv_response, read_table, safe_cell

from .models import ImportFile

ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")  # YYYY-MM-DD
DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")  # DD.MM.YYYY
# 900 values per IN list: under the 999 bound parameters of older SQLite builds, and short
# enough that PostgreSQL plans each lookup as an index scan.
LOOKUP_CHUNK = 900

K = TypeVar("K", str, int)
# The columns a file of refused rows adds after the file's own. The imports read them without
# a word (they are not ignored columns), so that file uploads again as it is once corrected.
REFUSED_COLUMNS = ("row", "reason")


@dataclass(frozen=True)
class RowError:
    """One problem of one cell: `row` as the spreadsheet numbers it, `column` by its name."""

    row: int
    column: str
    reason: str


class RowsByStatus:
    """What a preview of an import offers over its rows, grouped by their status: the rows
    (each with `.status` and `.errors`) and `statuses`, the import's status enum, which has
    "new" and "error" members (the personnel import adds "updated" and "unchanged")."""

    statuses: type[StrEnum]
    rows: list

    @cached_property
    def by_status(self) -> dict:
        grouped = {status: [] for status in self.statuses}
        for row in self.rows:
            grouped[row.status].append(row)
        return grouped

    @property
    def new(self) -> list:
        return self.by_status[self.statuses("new")]

    @property
    def error_rows(self) -> list:
        return self.by_status[self.statuses("error")]

    @cached_property
    def errors(self) -> list[RowError]:
        return [error for row in self.error_rows for error in row.errors]

    @cached_property
    def warnings(self) -> list[RowError]:
        """What a row loses but is applied without (a row's `warnings`, when it has some)."""
        return [warning for row in self.rows for warning in getattr(row, "warnings", ())]

    @property
    def can_apply(self) -> bool:
        return bool(self.rows) and not self.error_rows

    @property
    def valid_count(self) -> int:
        return len(self.rows) - len(self.error_rows)

    @property
    def can_apply_valid_only(self) -> bool:
        """Some rows are in error and some are not: the valid ones may be applied alone."""
        return bool(self.error_rows) and self.valid_count > 0

    def refusals(self) -> dict[int, str]:
        """Each row in error (its number) and why, every error of it in one sentence."""
        reasons: dict[int, list[str]] = {}
        for error in self.errors:
            reasons.setdefault(error.row, []).append(f"{error.column}: {error.reason}")
        return {row: "; ".join(texts) for row, texts in reasons.items()}


@dataclass(frozen=True)
class RefusedRows:
    """The rows an import refuses, as the file has them: its columns in its order, and per
    row its cells, its number and the reason."""

    columns: list[str]
    rows: list[tuple[list[str], int, str]]


def parse_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD or DD.MM.YYYY (the only two forms accepted); ValueError
    otherwise. Regular expressions, not strptime: five times faster over 10,000 cells."""
    if match := ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := DOTTED_DATE.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(text)
    return dt.date(int(year), int(month), int(day))


def not_a_date(text: str) -> str:
    """The reason given for a cell that parse_date() refuses."""
    return _("“%(value)s” is not a date written YYYY-MM-DD or DD.MM.YYYY.") % {"value": text}


def chunks(values: Iterable[K], size: int) -> Iterator[list[K]]:
    """The distinct non-empty `values`, sorted, in lists of at most `size` (for IN lookups)."""
    ordered = sorted({value for value in values if value})
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


@transaction.atomic
def import_file_create(*, kind: str, upload: UploadedFile, content: bytes, by: User) -> ImportFile:
    """Keep `content` (the bytes of `upload`, already read and checked by the caller) under a
    random name in the media storage, with its original name, size and SHA-256."""
    import_file = ImportFile(
        kind=kind,
        original_name=(upload.name or "upload")[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    # The storage name comes from import_file_path (a uuid); the original name only lends its
    # extension.
    import_file.file.save(import_file.original_name, ContentFile(content), save=False)
    import_file.save()
    return import_file


def import_file_upload(import_file: ImportFile) -> UploadedFile:
    """The stored file as an upload again, under its original name, for read_table().
    Raises ValidationError when the stored file is gone."""
    try:
        with import_file.file.open("rb") as stored:
            content = stored.read()
    except FileNotFoundError as exc:
        raise ValidationError(
            _("The file %(name)s is no longer stored; upload it again.")
            % {"name": import_file.original_name},
            code="file_missing",
        ) from exc
    return SimpleUploadedFile(import_file.original_name, content)


def import_files_for(user: User, *, kind: str) -> QuerySet[ImportFile]:
    """Imports of `kind` that `user` may open: their own; an administrator's, everyone's."""
    files = ImportFile.objects.filter(kind=kind).select_related("uploaded_by", "applied_by")
    if has_role(user, Role.ADMINISTRATOR):
        return files
    if not user.is_authenticated:
        return files.none()
    return files.filter(uploaded_by=user)


def import_file_lock(*, import_file: ImportFile, by: User, kind: str) -> ImportFile:
    """`import_file` read again and locked (select_for_update) for applying: a second
    confirmation waits here and then finds it applied. Call inside a transaction.

    Raises ValidationError when it is not an import of `kind` ("wrong_kind"), `by` is neither
    its uploader nor an administrator ("not_yours"), or it was applied already ("applied").
    """
    import_file = ImportFile.objects.select_for_update().get(pk=import_file.pk)
    if import_file.kind != kind:
        raise ValidationError(
            _("This file is not an import of the %(kind)s.")
            % {"kind": ImportFile.Kind(kind).label},
            code="wrong_kind",
        )
    if import_file.uploaded_by_id != by.pk and not has_role(by, Role.ADMINISTRATOR):
        raise ValidationError(
            _("Only the person who uploaded this file, or an administrator, can apply it."),
            code="not_yours",
        )
    if import_file.is_applied:
        raise ValidationError(
            _("This file was applied already, on %(when)s. Upload it again to re-import it.")
            % {"when": timezone.localtime(import_file.applied_at).strftime("%Y-%m-%d %H:%M")},
            code="applied",
        )
    return import_file


def import_apply_allowed(preview: RowsByStatus, *, valid_only: bool) -> None:
    """Raises ValidationError("has_errors") unless `preview` may be applied: every row valid,
    or with `valid_only` at least one."""
    if not preview.rows:
        raise ValidationError(_("The file has no data rows."), code="has_errors")
    if valid_only and not preview.valid_count:
        raise ValidationError(
            _("Every row of the file is in error: there is nothing to apply."),
            code="has_errors",
        )
    if not valid_only and preview.error_rows:
        raise ValidationError(
            _(
                "The file has %(count)s row(s) in error and cannot be applied. Nothing was "
                "written: correct the file and upload it again."
            )
            % {"count": len(preview.error_rows)},
            code="has_errors",
        )


def import_file_mark_applied(
    *, import_file: ImportFile, by: User, summary: dict[str, int], preview: RowsByStatus
) -> dict[str, int]:
    """Mark `import_file` applied by `by` with `summary` (the counts written), plus "refused":
    the rows left out, whose numbers and reasons are kept for refused_rows_of(). Returns the
    summary."""
    refusals = preview.refusals()
    summary = {**summary, "refused": len(refusals)}
    import_file.applied_at = timezone.now()
    import_file.applied_by = by
    import_file.summary = dict(summary)
    if refusals:  # as [row, reason] pairs: JSON keys are text
        import_file.summary["refused_rows"] = [[row, text] for row, text in refusals.items()]
    import_file.save(update_fields=["applied_at", "applied_by", "summary"])
    return summary


def refused_rows_of(
    *, import_file: ImportFile, table: Table, preview: Callable[[Table], RowsByStatus]
) -> RefusedRows:
    """The rows of `table` (the stored file, read) that the import refuses: once applied, the
    ones it left out; before, the ones `preview(table)` finds in error now."""
    if import_file.is_applied:
        refusals = dict((import_file.summary or {}).get("refused_rows", []))
    else:
        refusals = preview(table).refusals()
    columns = [column for column in table.columns if column not in REFUSED_COLUMNS]
    return RefusedRows(
        columns=columns,
        rows=[
            ([row.values.get(column, "") for column in columns], row.number, refusals[row.number])
            for row in table.rows
            if row.number in refusals
        ],
    )


def refused_rows_response(import_file: ImportFile, refused: RefusedRows) -> HttpResponse:
    """The refused rows as a CSV to correct and upload again: the file's columns in its order,
    then the row number and the reason. The file's own cells are given back exactly as read
    (a phone number "+7 701 ..." escaped for a spreadsheet would come back with an apostrophe
    and be imported so); only the added columns, which the import ignores, are escaped."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="import-{import_file.pk}-refused-rows.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([*refused.columns, *REFUSED_COLUMNS])
    for cells, number, reason in refused.rows:
        writer.writerow([*cells, number, safe_cell(reason)])
    return response


def import_errors_response(import_file: ImportFile, errors: Sequence[RowError]) -> HttpResponse:
    """Every error of a preview as a CSV download (row, column, reason), to work through in
    the file."""
    return csv_response(
        f"import-{import_file.pk}-errors.csv",
        [_("row"), _("column"), _("reason")],
        ([error.row, error.column, error.reason] for error in errors),
    )


class ImportPreview(RowsByStatus):
    """A preview an Importer makes: RowsByStatus plus the file's ignored and absent columns
    and `digest`, the fingerprint of `outcome()` (not of its wording, which follows the
    language): the same file against the same records gives the same digest."""

    ignored_columns: list[str]
    absent_columns: list[str]

    def outcome(self) -> list:
        raise NotImplementedError

    @cached_property
    def digest(self) -> str:
        text = json.dumps([self.outcome(), self.ignored_columns], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


class Importer:
    """One kind of import, run the same way for every kind: `upload` keeps the file,
    `preview` says what applying it would do now, `apply` previews again inside one
    transaction with the file locked, refuses when the outcome is not the one the user saw
    (its digest) or has an error, writes every row or none (or the valid rows only) and marks
    the file applied; `refused_rows` gives the rows in error back as the file has them.

    A kind supplies its columns (`required`, `optional`), `check(table, lock=...)` (the rows
    checked against the records, read once and, with `lock`, locked) and `write(...)` (the
    planned rows written set-based, returning the counts), and its wording."""

    kind: str  # an ImportFile.Kind
    columns: tuple[str, ...]  # every column, in the blank template's order
    required: tuple[str, ...]
    optional: tuple[str, ...]
    # Said when the stored file is not of this kind, and when the records changed between the
    # preview and the confirmation, or while writing (a unique constraint: %(error)s).
    wrong_kind_message: str
    stale_message: str
    changed_while_applying_message: str

    @property
    def readable(self) -> tuple[str, ...]:
        """What a file may hold besides the required columns: the columns a file of refused
        rows adds too."""
        return (*self.optional, *REFUSED_COLUMNS)

    def check(self, table: Table, *, lock: bool) -> ImportPreview:
        raise NotImplementedError

    def write(self, preview, *, import_file: ImportFile, by: User) -> dict[str, int]:
        """Write the valid rows of `preview` (locked by check()); return what was written."""
        raise NotImplementedError

    def stale_reason(self, preview) -> str:
        """Why a confirmation is refused as stale; `preview` is the new one."""
        return str(self.stale_message)

    def upload(self, *, upload: UploadedFile, by: User) -> ImportFile:
        """Check that `upload` is a readable file of this kind within the size and row
        limits, with the required columns, and keep it for the preview. Writes nothing else.

        Raises ValidationError saying what is wrong with the file as a whole; row problems
        are the preview's business."""
        read_table(upload, required=self.required, optional=self.readable)
        upload.seek(0)
        content = upload.read()
        return import_file_create(kind=self.kind, upload=upload, content=content, by=by)

    def preview(self, *, import_file: ImportFile) -> ImportPreview:
        """What applying `import_file` would do to the records as they are now. Reads only.

        Raises ValidationError when the stored file can no longer be read."""
        return self.check(self.read(import_file), lock=False)

    def apply(
        self, *, import_file: ImportFile, by: User, expected_digest: str, valid_only: bool = False
    ) -> dict[str, int]:
        """Apply `import_file`, all rows or none, and mark it applied; with `valid_only`, the
        rows without an error, leaving the others out (kept with the import: refused_rows).

        `expected_digest` is the digest of the preview the user confirmed: when the records
        changed since (the outcome differs), nothing is written and ValidationError("stale")
        is raised. Also raises ValidationError when the file has an error row and not
        `valid_only`, or no valid row ("has_errors"), was applied already ("applied"), or `by`
        is neither its uploader nor an administrator ("not_yours"). Returns the counts
        written, plus "refused"."""
        with transaction.atomic():
            import_file = import_file_lock(import_file=import_file, by=by, kind=self.kind)
            preview = self.check(self.read(import_file), lock=True)
            if preview.digest != expected_digest:
                raise ValidationError(self.stale_reason(preview), code="stale")
            import_apply_allowed(preview, valid_only=valid_only)
            try:
                with transaction.atomic():
                    summary = self.write(preview, import_file=import_file, by=by)
            except IntegrityError as exc:
                # Someone wrote a record these rows would clash with after our read (a unique
                # constraint).
                raise ValidationError(
                    self.changed_while_applying_message % {"error": exc}, code="stale"
                ) from exc
            return import_file_mark_applied(
                import_file=import_file, by=by, summary=summary, preview=preview
            )

    def refused_rows(self, *, import_file: ImportFile) -> RefusedRows:
        """The rows of `import_file` in error as the file has them, with the reason: before it
        is applied, those its preview finds now; once applied, those it left out. Reads
        only."""
        return refused_rows_of(
            import_file=import_file,
            table=self.read(import_file),
            preview=lambda table: self.check(table, lock=False),
        )

    def read(self, import_file: ImportFile) -> Table:
        """The stored file, read again with this kind's columns."""
        if import_file.kind != self.kind:
            raise ValidationError(str(self.wrong_kind_message), code="wrong_kind")
        return read_table(
            import_file_upload(import_file), required=self.required, optional=self.readable
        )
