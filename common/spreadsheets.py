"""The centre's tabular files: reading uploads (CSV or XLSX) and writing exports.

Uploads: CSV in UTF-8 with or without a BOM, comma- or semicolon-separated, or the first sheet
of an XLSX workbook; which of the two is decided by the content (a zip is a workbook), never by
the file's name. Headers are matched without regard to case or surrounding spaces. Every
problem is a ValidationError that names the file, the row, the column or the cell, and every
file that cannot be read gets the same message (unreadable_file_error), never a server error.

Reading is bounded in memory and time whatever the file claims (a hostile upload reaches the
people import, the certification import and enrolment from a list):
- at most MAX_UPLOAD_BYTES read; a workbook's zip is checked before any part is parsed: at most
  MAX_ZIP_MEMBERS parts unpacking to MAX_UNPACKED_BYTES in all (zipfile stops at the size the
  directory declares), and at most MAX_SHARED_STRINGS shared strings, kept as UTF-8 bytes;
- the sheet is parsed as a stream (expat, no tree) and its declared dimension is ignored: after
  the header only the cells of the columns asked for are kept; reading stops at `max_rows` data
  rows and at MAX_BLANK_ROWS blank rows as the rows arrive;
- no part of a workbook may declare a DTD or an entity (XXE, "billion laughs");
- a cell holding a formula in a column read is refused with the cell named: an import stores
  values, never formula text.
tests/common/test_spreadsheet_limits.py runs hostile files under a memory limit.
Why not openpyxl's read-only reader: it reads every shared string into Python objects before
the first row, trusts the sheet's declared dimension (padding each row to it) and counts no
blank row, which is how a 2 KB upload took hundreds of megabytes. openpyxl still writes the
exports and lends its date-format and date-conversion helpers to the reader.

Exports: CSV (UTF-8 with a BOM, so spreadsheet programs read Cyrillic right) and XLSX. A value
a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) is
written as text, never as a formula (OWASP: CSV injection); in XLSX such a cell is also marked
quote-prefixed, so editing it in Excel keeps it text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from common.formatting import number_grouped

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a 20,000-row personnel file is about 2.5 MB as CSV
MAX_ROWS = 20_000
# A sheet cleared with Delete keeps its formatted rows as blank ones; 50,000 lets such a sheet
# through, while a million blank rows stop within a second.
MAX_BLANK_ROWS = 50_000
MAX_COLUMNS = 16_384  # Excel's own limit, column XFD
MAX_ZIP_MEMBERS = 1_000  # a workbook has a dozen parts, a few hundred with many sheets
# A 20,000-row people workbook (1.1-1.3 MB) unpacks to 12.5-14.5 MB (measured); 64 MB leaves
# room for wider sheets and bounds the time any sheet can take.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
# 20,000 rows of 25 distinct texts; a shared string costs 8 bytes here besides its own text.
MAX_SHARED_STRINGS = 500_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip, or an empty one
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a legacy .xls, or a password-protected .xlsx
_XML_CHUNK = 64 * 1024
_CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})[0-9]*")
_EXCEL_MAX_ROW = 1_048_576
_EXCEL_MAX_CELL_CHARS = 32_767  # Excel holds no longer text in a cell
_RELATIONSHIP_TYPE = "/relationships/"  # strict OOXML and transitional differ before it


def unreadable_file_error() -> ValidationError:
    """The one answer to a file that is neither a readable workbook nor CSV text."""
    return ValidationError(
        _(
            "The file cannot be read: it is not a valid Excel workbook (.xlsx) or CSV text "
            'file. Save it again from your spreadsheet program as ".xlsx" or "CSV UTF-8" and '
            "upload that."
        ),
        code="unreadable",
    )


class _Unreadable(Exception):
    """A workbook part is broken or hostile; answered with unreadable_file_error()."""


class _TooLarge(Exception):
    """A workbook goes beyond a limit; the argument is the message for the user."""


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


@dataclass
class _View:
    """What a reader keeps of each row. Before the header is known: every non-blank cell. After:
    nothing at or beyond `width`, and the values only of the `kept` positions."""

    width: int = MAX_COLUMNS
    kept: frozenset[int] | None = None

    def keeps(self, position: int) -> bool:
        return self.kept is None or position in self.kept


# What a reader yields per row: its number, its kept non-blank cells by position (0-based),
# and whether the row is blank within the view's width.
_RawRow = tuple[int, dict[int, str], bool]


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
    repeats a column, has more than `max_rows` data rows or MAX_BLANK_ROWS blank ones, or holds
    a formula in a column read. Columns outside `required` and `optional` are listed in
    `ignored_columns` and left out of the rows.
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
    if content.startswith(_OLE_MAGIC):
        raise unreadable_file_error()
    view = _View()
    rows = _xlsx_rows(content, view) if content.startswith(_ZIP_MAGIC) else _csv_rows(content, view)
    return _tabulate(rows, view, required=required, optional=optional, max_rows=max_rows)


def _tabulate(
    rows: Iterator[_RawRow],
    view: _View,
    *,
    required: Sequence[str],
    optional: Sequence[str],
    max_rows: int,
) -> Table:
    blank_rows = 0

    def count_blank(number: int) -> None:
        nonlocal blank_rows
        blank_rows += 1
        if blank_rows > MAX_BLANK_ROWS:
            raise ValidationError(
                _(
                    "The file has more than %(limit)s blank rows (up to row %(row)s). Delete "
                    "the blank rows and upload it again."
                )
                % {"limit": number_grouped(MAX_BLANK_ROWS), "row": number},
                code="too_many_blank_rows",
            )

    header = None
    for number, cells, blank in rows:
        if not blank:
            header = cells
            break
        count_blank(number)
    if header is None:
        raise ValidationError(_("The file has no header row."), code="no_header")
    width = max(header) + 1
    columns = [header.get(position, "").strip().lower() for position in range(width)]
    repeated = sorted(c for c, n in Counter(c for c in columns if c).items() if n > 1)
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
    positions = {position: c for position, c in enumerate(columns) if c in known}
    view.width, view.kept = width, frozenset(positions)
    table_rows: list[Row] = []
    for number, cells, blank in rows:
        if blank:
            count_blank(number)
            continue
        if len(table_rows) >= max_rows:
            raise ValidationError(
                _("The file has more than %(limit)s data rows, the limit. Split it.")
                % {"limit": number_grouped(max_rows)},
                code="too_many_rows",
            )
        values = {c: cells.get(position, "").strip() for position, c in positions.items()}
        table_rows.append(Row(number=number, values=values))  # as the spreadsheet numbers it
    return Table(
        columns=list(positions.values()),
        rows=table_rows,
        ignored_columns=[c for c in columns if c and c not in known],
    )


def _csv_rows(content: bytes, view: _View) -> Iterator[_RawRow]:
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
    if "\x00" in text:  # no text file holds NUL; nor can PostgreSQL store it
        raise unreadable_file_error()
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    # strict: a stray quote is an error, not a silently merged field. A field over csv's
    # field_size_limit (128 KB) is an error too.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            record = next(reader, None)
        except csv.Error as exc:
            raise ValidationError(
                _(
                    'The CSV file cannot be read at line %(line)s: a quote (") is not closed '
                    "or a field is too long. Check that line, or save the file again as "
                    '"CSV UTF-8".'
                )
                % {"line": reader.line_num},
                code="malformed",
            ) from exc
        if record is None:
            return
        number += 1
        if len(record) > MAX_COLUMNS:  # as a workbook cannot have: refused, not cut
            raise ValidationError(
                _("Row %(row)s has more than %(limit)s columns, the limit.")
                % {"row": number, "limit": number_grouped(MAX_COLUMNS)},
                code="too_many_columns",
            )
        cells: dict[int, str] = {}
        blank = True
        for position, value in enumerate(record[: view.width]):  # nothing past the header
            if value.strip():
                blank = False
                if view.keeps(position):
                    cells[position] = value
        yield number, cells, blank


def _xlsx_rows(content: bytes, view: _View) -> Iterator[_RawRow]:
    """The rows of the workbook's first worksheet, streamed; ValidationError when the workbook
    is unreadable, too large, or holds a formula in a column read."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheet = _first_sheet(archive)
            yield from sheet.rows(view)
    except _TooLarge as exc:
        raise ValidationError(str(exc), code="too_large") from exc
    except (
        _Unreadable,
        zipfile.BadZipFile,
        zlib.error,
        expat.ExpatError,
        KeyError,
        ValueError,  # a number, a date or a cell reference that is none
        OverflowError,
        EOFError,
        NotImplementedError,  # a compression method zipfile lacks
        RuntimeError,  # an encrypted part
    ) as exc:
        raise unreadable_file_error() from exc


def _too_large_workbook() -> _TooLarge:
    return _TooLarge(
        _(
            "The workbook is too large to read: unpacked, it holds more than %(limit)s. Split "
            "it into smaller files."
        )
        % {"limit": filesizeformat(MAX_UNPACKED_BYTES)}
    )


def _parse_part(
    archive: zipfile.ZipFile,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Parse the part `name` with the handlers, yielding after each chunk so that a caller can
    stream. Tags reach the handlers as "namespace local" (_local() keeps the local name);
    any DTD or entity is refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*args: Any) -> None:
        raise _Unreadable("a DTD or an entity")  # no workbook part declares one

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    # Handlers are set directly: a wrapper per tag costs a third of the time on big sheets.
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    with archive.open(name) as stream:
        while chunk := stream.read(_XML_CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)


def _local(tag: str) -> str:
    return tag[tag.rfind(" ") + 1 :]


def _parse_whole(archive: zipfile.ZipFile, name: str, start, end=None, text=None) -> None:
    for _chunk in _parse_part(archive, name, start, end, text):
        pass


def _relationships(archive: zipfile.ZipFile, source: str) -> dict[str, tuple[str, str]]:
    """{id: (type, part name)} of the part `source` ("" for the package), internal targets."""
    folder, base = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels_name not in archive.NameToInfo:
        return found

    def start(tag: str, attributes: dict[str, str]) -> None:
        if _local(tag) != "Relationship" or attributes.get("TargetMode") == "External":
            return
        if len(found) >= MAX_ZIP_MEMBERS:
            raise _Unreadable("more relationships than parts")
        target = attributes["Target"]
        if target.startswith("/"):
            name = target.lstrip("/")
        else:
            name = posixpath.normpath(posixpath.join(folder, target))
        kind = attributes["Type"].rpartition(_RELATIONSHIP_TYPE)[2]
        found[attributes["Id"]] = (kind, name)

    _parse_whole(archive, rels_name, start)
    return found


def _first_sheet(archive: zipfile.ZipFile) -> _Sheet:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise _Unreadable("too many parts")
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise _too_large_workbook()
    workbook_name = next(
        (name for kind, name in _relationships(archive, "").values() if kind == "officeDocument"),
        None,
    )
    if workbook_name is None:
        raise _Unreadable("no workbook")
    parts = _relationships(archive, workbook_name)
    by_kind = dict(reversed(parts.values()))  # the first part of a kind
    found: dict[str, Any] = {"epoch": WINDOWS_EPOCH}

    def start(tag: str, attributes: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "workbookPr" and attributes.get("date1904") in ("1", "true"):
            found["epoch"] = MAC_EPOCH
        elif tag == "sheet" and "part" not in found:
            relationship = next((v for k, v in attributes.items() if k.endswith(" id")), None)
            if relationship in parts and parts[relationship][0] == "worksheet":
                found["part"], found["name"] = parts[relationship][1], attributes.get("name", "")

    _parse_whole(archive, workbook_name, start)
    if "part" not in found:
        raise _Unreadable("no worksheet")
    return _Sheet(
        archive=archive,
        part=found["part"],
        name=found["name"],
        epoch=found["epoch"],
        styles=_Styles.read(archive, by_kind.get("styles")),
        strings=_SharedStrings.read(archive, by_kind.get("sharedStrings")),
    )


@dataclass
class _Styles:
    """Which cell styles show a number as a date, or as a duration (openpyxl's rules)."""

    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()

    @classmethod
    def read(cls, archive: zipfile.ZipFile, name: str | None) -> _Styles:
        if name is None or name not in archive.NameToInfo:
            return cls()
        custom: dict[int, str] = {}
        formats = array("I")  # the number format of each cell style, in order
        depth = {"cellXfs": False}

        def start(tag: str, attributes: dict[str, str]) -> None:
            tag = _local(tag)
            if tag == "numFmt" and len(custom) < MAX_ZIP_MEMBERS:
                custom[int(attributes["numFmtId"])] = attributes.get("formatCode", "")
            elif tag == "cellXfs":
                depth["cellXfs"] = True
            elif tag == "xf" and depth["cellXfs"]:
                formats.append(int(attributes.get("numFmtId", 0)))

        def end(tag: str) -> None:
            if _local(tag) == "cellXfs":
                depth["cellXfs"] = False

        _parse_whole(archive, name, start, end)
        dates, durations = set(), set()
        for style, format_id in enumerate(formats):
            code = custom.get(format_id) or builtin_format_code(format_id)
            if is_date_format(code):
                dates.add(style)
            if is_timedelta_format(code):
                durations.add(style)
        return cls(dates=frozenset(dates), durations=frozenset(durations))


class _SharedStrings:
    """The workbook's shared strings as one UTF-8 buffer and their offsets: 8 bytes per string
    besides its text, where a list of str costs some 60."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.offsets = array("Q", [0])

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self):
            raise _Unreadable("a shared string that is not there")
        return self.data[self.offsets[index] : self.offsets[index + 1]].decode()

    @classmethod
    def read(cls, archive: zipfile.ZipFile, name: str | None) -> _SharedStrings:
        strings = cls()
        if name is None or name not in archive.NameToInfo:
            return strings
        state = {"si": False, "t": False, "rPh": False, "length": 0}
        pieces: list[str] = []

        def start(tag: str, attributes: dict[str, str]) -> None:
            tag = tag[tag.rfind(" ") + 1 :]  # _local(), inline: called per string
            if tag == "sst":
                declared = int(attributes.get("uniqueCount", 0))  # as the file claims
                if declared > MAX_SHARED_STRINGS:
                    raise too_many()
            elif tag == "si":
                state["si"] = True
                state["length"] = 0
                pieces.clear()
            elif tag == "rPh":  # a phonetic reading, not part of the text
                state["rPh"] = True
            elif tag == "t" and state["si"] and not state["rPh"]:
                state["t"] = True

        def end(tag: str) -> None:
            tag = tag[tag.rfind(" ") + 1 :]
            if tag == "si":
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise too_many()
                state["si"] = False
                strings.data += "".join(pieces).replace("x005F_", "").encode()  # as openpyxl
                strings.offsets.append(len(strings.data))
            elif tag == "t":
                state["t"] = False
            elif tag == "rPh":
                state["rPh"] = False

        def text(data: str) -> None:
            if state["t"]:
                state["length"] += len(data)
                if state["length"] > _EXCEL_MAX_CELL_CHARS:
                    raise _Unreadable("a text longer than Excel's")
                pieces.append(data)

        def too_many() -> _TooLarge:
            return _TooLarge(
                _(
                    "The workbook holds more than %(limit)s different texts. Split it into "
                    "smaller files."
                )
                % {"limit": number_grouped(MAX_SHARED_STRINGS)}
            )

        _parse_whole(archive, name, start, end, text)
        return strings


@dataclass
class _Sheet:
    archive: zipfile.ZipFile
    part: str
    name: str
    epoch: dt.datetime
    styles: _Styles
    strings: _SharedStrings

    def rows(self, view: _View) -> Iterator[_RawRow]:
        """Stream the rows, each as it is parsed: no tree, nothing kept of a cell outside
        `view`, the declared dimension unread. Raises ValidationError at the end when a cell
        read holds a formula.

        Rows parsed from one chunk wait in `done` until the caller takes them: those parsed
        before the caller narrowed `view` are narrowed as they are handed over."""
        done: list[tuple[int, dict[int, str], int, list[int]]] = []
        formulas: list[str] = []  # the first formula cell's name; then only counted
        formula_count = 0
        row: dict[str, Any] = {"number": 0}
        cell: dict[str, Any] = {}

        def start(tag: str, attributes: dict[str, str]) -> None:
            tag = tag[tag.rfind(" ") + 1 :]  # _local(), inline: called per cell
            if tag == "c" and "cells" in row:
                reference = attributes.get("r")
                if reference:
                    letters = _CELL_REFERENCE.fullmatch(reference)
                    if letters is None:
                        raise _Unreadable("a cell reference that is none")
                    position = _column_position(letters[1])
                else:
                    position = row["next"]
                if position >= MAX_COLUMNS:
                    raise _Unreadable("a cell beyond column XFD")
                row["next"] = position + 1
                cell.clear()
                if position < view.width:  # a cell beyond the header is never looked at
                    cell.update(
                        position=position,
                        type=attributes.get("t", "n"),
                        style=attributes.get("s"),
                        pieces=[],
                        length=0,
                        formula=False,
                        capture=False,
                        phonetic=False,
                    )
            elif tag == "row":
                number = int(attributes.get("r") or row["number"] + 1)
                if not 0 < number <= _EXCEL_MAX_ROW:
                    raise _Unreadable("a row number beyond Excel's")
                # first: the leftmost non-blank cell; formulas: positions of formula cells
                row.update(number=number, next=0, cells={}, first=MAX_COLUMNS, formulas=[])
                cell.clear()
            elif not cell:
                return
            elif tag == "f":
                cell["formula"] = True
            elif tag == "rPh":  # a phonetic reading, not part of the text
                cell["phonetic"] = True
            elif tag == "v" or (tag == "t" and cell["type"] == "inlineStr"):
                cell["capture"] = not cell["phonetic"]

        def end(tag: str) -> None:
            tag = tag[tag.rfind(" ") + 1 :]
            if tag == "c":
                if cell:
                    position = cell["position"]
                    value = self._value(cell)
                    if cell["formula"] and view.keeps(position):
                        row["formulas"].append(position)
                    if value.strip():
                        row["first"] = min(row["first"], position)
                        if view.keeps(position):
                            row["cells"][position] = value
                    cell.clear()
            elif tag == "row":
                if "cells" in row:
                    done.append(
                        (row["number"], row.pop("cells"), row["first"], row.pop("formulas"))
                    )
            elif not cell:
                return
            elif tag in ("v", "t"):
                cell["capture"] = False
            elif tag == "rPh":
                cell["phonetic"] = False

        def text(data: str) -> None:
            if cell and cell["capture"]:
                cell["length"] += len(data)
                if cell["length"] > _EXCEL_MAX_CELL_CHARS:
                    raise _Unreadable("a text longer than Excel's")
                cell["pieces"].append(data)

        def hand_over() -> Iterator[_RawRow]:
            nonlocal formula_count
            for number, cells, first, formulas_at in done:
                for position in formulas_at:
                    if view.keeps(position):
                        formula_count += 1
                        if not formulas:
                            formulas.append(get_column_letter(position + 1) + str(number))
                if view.kept is None and formulas:  # in the header: said before its columns
                    raise _formula_error(formulas[0], formula_count, sheet=self.name)
                if view.kept is not None:
                    cells = {p: v for p, v in cells.items() if p in view.kept}
                yield number, cells, first >= view.width
            done.clear()

        for _chunk in _parse_part(self.archive, self.part, start, end, text):
            yield from hand_over()
        yield from hand_over()
        if formulas:
            raise _formula_error(formulas[0], formula_count, sheet=self.name)

    def _value(self, cell: dict[str, Any]) -> str:
        """A cell's text as openpyxl would give it, through _cell_text."""
        raw = "".join(cell["pieces"])
        kind = cell["type"]
        if kind in ("inlineStr", "str", "e"):
            return raw
        if raw == "":
            return ""
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return str(bool(int(raw)))
        if kind == "d":
            return _cell_text(from_ISO8601(raw))
        number: int | float = float(raw) if any(c in raw for c in ".Ee") else int(raw)
        style = int(cell["style"]) if cell["style"] else 0
        if style in self.styles.dates:
            try:
                date = from_excel(number, self.epoch, timedelta=style in self.styles.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date serial out of range
            return _cell_text(date)
        return _cell_text(number)


def _column_position(letters: str) -> int:
    position = 0
    for letter in letters.upper():
        position = position * 26 + ord(letter) - 64
    return position - 1


def _formula_error(cell: str, count: int, *, sheet: str) -> ValidationError:
    if count == 1:
        message = _(
            'Cell %(cell)s of sheet "%(sheet)s" holds a formula. An import takes values, not '
            "formulas: replace it with its value (Copy, then Paste Special, Values) and upload "
            "the file again."
        )
    else:
        message = ngettext(
            'Cell %(cell)s of sheet "%(sheet)s" and %(more)s other cell hold formulas. An '
            "import takes values, not formulas: replace them with their values (Copy, then "
            "Paste Special, Values) and upload the file again.",
            'Cell %(cell)s of sheet "%(sheet)s" and %(more)s other cells hold formulas. An '
            "import takes values, not formulas: replace them with their values (Copy, then "
            "Paste Special, Values) and upload the file again.",
            count - 1,
        )
    return ValidationError(
        message % {"cell": cell, "sheet": sheet, "more": count - 1}, code="formula"
    )


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


def safe_cell(value: Any) -> Any:
    """`value` as a CSV file must hold it: text that would start a formula gets a leading
    apostrophe, the mark spreadsheets themselves use for "this is text"."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def text_cell(cell: Cell) -> Cell:
    """`cell` (in a normal or a write-only sheet) stored as text when its value is text that
    would start a formula: a string, never a formula (openpyxl makes "=..." one), and marked
    quote-prefixed, so editing it in Excel does not turn it into a live formula."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


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
    """A one-sheet workbook: bold, frozen header; formula-like text stored as quote-prefixed
    text (text_cell), in the header too."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        text_cell(cell)
    sheet.freeze_panes = "A2"
    widths = [len(str(h)) for h in header]
    for row in rows:
        values = [_export_value(value) for value in row]
        sheet.append(values)
        for cell, value in zip(sheet[sheet.max_row], values, strict=False):
            text_cell(cell)
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
