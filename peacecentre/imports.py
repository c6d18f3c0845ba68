"""What every file import shares: the uploaded file kept between its preview and its
confirmation (ImportFile), a row's error, the date forms a cell may use, and the checks before
an import is applied.

Each import (the personnel register: personnel/services/imports.py; certification history:
courses/services/certification_imports.py) stores the upload here, previews it, and applies
exactly the stored bytes, once, when the user confirms.

Applying is all or nothing unless the user chooses to apply the valid rows only: the rows in
error are then left out and kept (row number and reason) with the import, so that they can be
downloaded as they were in the file, with a reason column, to correct and upload again.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ImportFile, User
from .roles import Role, has_role
from .spreadsheets import Table, csv_response, safe_cell

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
