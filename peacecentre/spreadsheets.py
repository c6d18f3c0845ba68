"""The centre's tabular files: reading uploads (CSV or XLSX) and writing exports.

Uploads: CSV in UTF-8 with or without a BOM, comma- or semicolon-separated, or the first sheet
of an XLSX workbook. Headers are matched without regard to case or surrounding spaces. Every
problem is a ValidationError that names the file, the row or the column.

Exports: CSV (UTF-8 with a BOM, so spreadsheet programs read Cyrillic right) and XLSX. A value
a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) is
written as text, never as a formula (OWASP: CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a 20,000-row personnel file is about 2.5 MB as CSV
MAX_ROWS = 20_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Row:
    """One data row: `number` is its row number in the file as a spreadsheet shows it (the
    header is row 1), `values` maps each known column to its stripped text ("" when blank)."""

    number: int
    values: dict[str, str]


@dataclass
class Table:
    columns: list[str]
    rows: list[Row]
    ignored_columns: list[str] = field(default_factory=list)


def read_table(
    upload: UploadedFile,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> Table:
    """Read an uploaded CSV or XLSX file into rows of text keyed by column name.

    Raises ValidationError when the file is too large, unreadable, lacks a required column,
    repeats a column, or has more than `max_rows` data rows. Columns outside `required` and
    `optional` are listed in `ignored_columns` and left out of the rows.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("The file is larger than the limit of %(limit)s. Split it into smaller files.")
            % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(
            _("The file is larger than %(limit)s. Split it into smaller files.")
            % {"limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if not content.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    raw_rows = _xlsx_rows(content) if _is_xlsx(upload.name or "", content) else _csv_rows(content)
    return _tabulate(raw_rows, required=required, optional=optional, max_rows=max_rows)


def _is_xlsx(name: str, content: bytes) -> bool:
    return name.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04"


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _(
                "The file is not UTF-8 text (byte %(position)s). Save it as "
                '"CSV UTF-8" or as an Excel workbook (.xlsx).'
            )
            % {"position": exc.start + 1},
            code="encoding",
        ) from exc
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ValidationError(
            _("The CSV file cannot be read: %(error)s") % {"error": exc}, code="malformed"
        ) from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        # Formulas are read as their text (data_only=False): they are stored, never run.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError(
            _("The file is not a readable Excel workbook (.xlsx)."), code="malformed"
        ) from exc
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 123456 typed in a cell comes back as 123456.0
    return str(value)


def _tabulate(
    raw_rows: list[list[str]], *, required: Sequence[str], optional: Sequence[str], max_rows: int
) -> Table:
    header_index = next(
        (index for index, cells in enumerate(raw_rows) if any(cell.strip() for cell in cells)),
        None,
    )
    if header_index is None:
        raise ValidationError(_("The file has no header row."), code="no_header")
    columns = [cell.strip().lower() for cell in raw_rows[header_index]]
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise ValidationError(
            _("These columns appear more than once: %(columns)s.")
            % {"columns": ", ".join(repeated)},
            code="repeated_columns",
        )
    missing = [c for c in required if c not in columns]
    if missing:
        raise ValidationError(
            _("Required columns are missing: %(columns)s. The file has: %(found)s.")
            % {"columns": ", ".join(missing), "found": ", ".join(c for c in columns if c)},
            code="missing_columns",
        )
    known = set(required) | set(optional)
    rows: list[Row] = []
    for index in range(header_index + 1, len(raw_rows)):
        cells = raw_rows[index]
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= max_rows:
            raise ValidationError(
                _("The file has more than %(limit)s data rows, the limit. Split it.")
                % {"limit": number_format(max_rows, force_grouping=True)},
                code="too_many_rows",
            )
        values = {
            column: (cells[position].strip() if position < len(cells) else "")
            for position, column in enumerate(columns)
            if column in known
        }
        rows.append(Row(number=index + 1, values=values))  # as the spreadsheet numbers it
    return Table(
        columns=[c for c in columns if c in known],
        rows=rows,
        ignored_columns=[c for c in columns if c and c not in known],
    )


def safe_cell(value: Any) -> Any:
    """`value` as a spreadsheet must show it: text that would start a formula gets a leading
    apostrophe, the mark spreadsheets themselves use for "this is text"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _export_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str | int | float | dt.date):
        return value
    return str(value)


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download: UTF-8 with a BOM, every formula-like text escaped."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow([safe_cell(_export_value(value)) for value in row])
    return response


def xlsx_workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Workbook:
    """A one-sheet workbook: bold, frozen header; every text cell stored as text."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = [_export_value(value) for value in row]
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=False):
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise make "=..." a formula
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
        widths = [max(w, len(str(v))) for w, v in zip(widths, values, strict=False)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(
            max(width + 2, 8), 60
        )
    return workbook


def xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Sheet1"
) -> HttpResponse:
    buffer = io.BytesIO()
    xlsx_workbook(title, header, rows).save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
