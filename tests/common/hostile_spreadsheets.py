"""Hostile uploads, built by code: workbooks written part by part (so that they can lie about
their dimension, strings and entities, as no spreadsheet program would) and CSV files.

HOSTILE maps a name to (builder, what read_table must answer): the ValidationError code, and a
piece of its message."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Sequence

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "{more}</Relationships>"
)


def workbook_xml(sheets: str = '<sheet name="People" sheetId="1" r:id="rId1"/>') -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def sheet_xml(rows: str | Iterable[str], *, dimension: str = "A1", prolog: str = "") -> bytes:
    """A worksheet part; `rows` the <row> elements (an iterable is joined lazily)."""
    body = rows if isinstance(rows, str) else "".join(rows)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(
    sheet: bytes,
    *,
    shared_strings: bytes | None = None,
    workbook: str | None = None,
    extra: dict[str, str | bytes] | None = None,
    relationships: str = "",
) -> bytes:
    """An .xlsx file of the given parts, deflated as a spreadsheet program would; `extra`
    parts by name, and `relationships` of the workbook to them ({rels}: the namespace)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook if workbook is not None else workbook_xml())
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.format(more=relationships.replace("{rels}", RELS)),
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, part in (extra or {}).items():
            archive.writestr(name, part)
    return buffer.getvalue()


COLUMNS = ("service_number", "last_name")


def header(columns: Sequence[str] = COLUMNS) -> str:
    """Row 1 naming `columns`; the hostile rows below fill columns A and B."""
    cells = (inline(f"{get_column_letter(n)}1", c) for n, c in enumerate(columns, start=1))
    return '<row r="1">' + "".join(cells) + "</row>"


HEADER = header()


def huge_dimension(columns: Sequence[str] = COLUMNS) -> bytes:
    """About 1.8 KB: a sheet claiming A1:XFD1048576 with one cell, in its last row and column.
    A reader trusting the dimension pads 1,048,575 missing rows to 16,384 cells each."""
    return workbook(
        sheet_xml(
            '<row r="1048576">' + inline("XFD1048576", "x") + "</row>",
            dimension="A1:XFD1048576",
        )
    )


def huge_dimension_with_header(columns: Sequence[str] = COLUMNS) -> bytes:
    """The same claim under a real header: one data row, far down, read as row 1,048,576."""
    return workbook(
        sheet_xml(
            header(columns)
            + '<row r="1048576">'
            + inline("A1048576", "KZ-1")
            + inline("XFD1048576", "x")
            + "</row>",
            dimension="A1:XFD1048576",
        )
    )


def _strings(count: int, *, declared: bool) -> bytes:
    unique = f' count="{count}" uniqueCount="{count}"' if declared else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"{unique}>'
        + "<si><t>a</t></si>" * count
        + "</sst>"
    ).encode()


def shared_strings_unpacking_past_the_limit(columns: Sequence[str] = COLUMNS) -> bytes:
    """Some 200 KB: 6 million one-letter shared strings, 100 MB unpacked."""
    return workbook(sheet_xml(header(columns)), shared_strings=_strings(6_000_000, declared=False))


def shared_strings_declared(columns: Sequence[str] = COLUMNS) -> bytes:
    """A million shared strings, and the file says so: refused before any is parsed."""
    return workbook(sheet_xml(header(columns)), shared_strings=_strings(1_000_000, declared=True))


def shared_strings_undeclared(columns: Sequence[str] = COLUMNS) -> bytes:
    """A million shared strings the file keeps quiet about: refused once past the limit."""
    return workbook(sheet_xml(header(columns)), shared_strings=_strings(1_000_000, declared=False))


def rows_50000(columns: Sequence[str] = COLUMNS) -> bytes:
    """50,000 real data rows, over the 20,000-row limit."""
    rows = (
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c>' + inline(f"B{n}", "Ospanov") + "</row>"
        for n in range(2, 50_002)
    )
    return workbook(sheet_xml(header(columns) + "".join(rows), dimension="A1:B50001"))


def blank_rows_million(columns: Sequence[str] = COLUMNS) -> bytes:
    """A header and a million blank rows, some 10 KB deflated: no data row at all."""
    return workbook(sheet_xml(header(columns) + "<row/>" * 1_000_000))


def wide_rows(columns: Sequence[str] = COLUMNS) -> bytes:
    """10,000 rows with a cell in every one of Excel's 16,384 columns would be 150 million
    cells; here each row holds its first two and its last column: nothing past the header's
    two columns may be kept."""
    rows = (
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c>'
        + inline(f"B{n}", "Ospanov")
        + f'<c r="XFD{n}"><v>1</v></c></row>'
        for n in range(2, 10_002)
    )
    return workbook(sheet_xml(header(columns) + "".join(rows), dimension="A1:XFD10001"))


def malformed_xml(columns: Sequence[str] = COLUMNS) -> bytes:
    return workbook(sheet_xml(header(columns))[:-30] + b"<row><c></row>")


def no_sheets(columns: Sequence[str] = COLUMNS) -> bytes:
    return workbook(sheet_xml(header(columns)), workbook=workbook_xml(sheets=""))


def external_entity(columns: Sequence[str] = COLUMNS) -> bytes:
    """XXE: an entity that a careless parser fills from the server's own files."""
    prolog = '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    return workbook(
        sheet_xml(header(columns) + f'<row r="2">{inline("A2", "&secret;")}</row>', prolog=prolog)
    )


def billion_laughs(columns: Sequence[str] = COLUMNS) -> bytes:
    """Entities nested ten deep: a billion "lol" from a few hundred bytes."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    return workbook(
        sheet_xml(header(columns) + f'<row r="2">{inline("A2", "&lol9;")}</row>', prolog=prolog)
    )


def formula_cells(columns: Sequence[str] = COLUMNS) -> bytes:
    """A formula in a column read, with its cached value: refused, the cell named."""
    return workbook(
        sheet_xml(
            header(columns)
            + '<row r="2"><c r="A2"><v>1</v></c>'
            + '<c r="B2" t="str"><f>HYPERLINK("http://x","Ospanov")</f><v>Ospanov</v></c></row>'
            + '<row r="3"><c r="A3"><f>A2+1</f><v>2</v></c></row>'
        )
    )


def zip_bomb(columns: Sequence[str] = COLUMNS) -> bytes:
    """One part of 200 MB of spaces, some 200 KB deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("_rels/.rels", ROOT_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            block = b" " * (1024 * 1024)
            for _ in range(200):
                part.write(block)
    return buffer.getvalue()


def not_a_zip(columns: Sequence[str] = COLUMNS) -> bytes:
    return b"PK\x03\x04" + b"\x00" * 200


def legacy_xls(columns: Sequence[str] = COLUMNS) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


def _csv_header(columns: Sequence[str]) -> bytes:
    return ",".join(columns).encode()


def csv_nul_bytes(columns: Sequence[str] = COLUMNS) -> bytes:
    return _csv_header(columns) + b"\nKZ-1,Osp\x00anov\n"


def csv_giant_field(columns: Sequence[str] = COLUMNS) -> bytes:
    return _csv_header(columns) + b"\nKZ-1," + b"x" * (4 * 1024 * 1024) + b"\n"


def csv_repeated_header(columns: Sequence[str] = COLUMNS) -> bytes:
    """One column name 16,000 times: the repeats are found in one pass, not 16,000."""
    return _csv_header(columns) + b",a" * 16_000 + b"\n"


def csv_wide_header(columns: Sequence[str] = COLUMNS) -> bytes:
    """2 million columns, 4 MB of commas: more than Excel's 16,384."""
    return _csv_header(columns) + b"," * (2 * 1024 * 1024) + b"x\n"


def csv_not_utf8(columns: Sequence[str] = COLUMNS) -> bytes:
    return (",".join(columns) + "\nKZ-1,Оспанов\n").encode("cp1251")


UNREADABLE = ("unreadable", "cannot be read: it is not a valid Excel workbook")
# Each builder takes the header's columns (those of the upload it is aimed at).
HOSTILE: dict[str, tuple[Callable[..., bytes], tuple[str, str]]] = {
    "huge-dimension": (huge_dimension, ("missing_columns", "Required columns are missing")),
    "shared-strings-100mb": (
        shared_strings_unpacking_past_the_limit,
        ("too_large", "The workbook is too large to read"),
    ),
    "shared-strings-declared": (shared_strings_declared, ("too_large", "different texts")),
    "shared-strings-undeclared": (shared_strings_undeclared, ("too_large", "different texts")),
    "rows-50000": (rows_50000, ("too_many_rows", "data rows, the limit")),
    "blank-rows-million": (
        blank_rows_million,
        ("too_many_blank_rows", "blank rows (up to row 50002)"),
    ),
    "malformed-xml": (malformed_xml, UNREADABLE),
    "no-sheets": (no_sheets, UNREADABLE),
    "external-entity": (external_entity, UNREADABLE),
    "billion-laughs": (billion_laughs, UNREADABLE),
    "formula-cells": (formula_cells, ("formula", 'of sheet "People"')),
    "zip-bomb": (zip_bomb, ("too_large", "The workbook is too large to read")),
    "not-a-zip": (not_a_zip, UNREADABLE),
    "legacy-xls": (legacy_xls, UNREADABLE),
    "csv-nul-bytes": (csv_nul_bytes, UNREADABLE),
    "csv-giant-field": (csv_giant_field, ("malformed", "cannot be read at line 2")),
    "csv-repeated-header": (csv_repeated_header, ("repeated_columns", "more than once: a")),
    "csv-wide-header": (csv_wide_header, ("too_many_columns", "Row 1 has more than")),
    "csv-not-utf8": (csv_not_utf8, ("encoding", "not UTF-8 text")),
}


PEOPLE_HEADER = [
    *("service_number", "rank", "last_name", "first_name", "middle_name", "gender"),
    *("date_of_birth", "category", "unit_code", "nationality", "email"),
]


def people_workbook(rows: int) -> bytes:
    """Not hostile, the control: a people register of `rows` rows as openpyxl writes it (shared
    strings, dates as styled numbers), 1.3 MB for 20,000 rows."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("People")
    sheet.append(PEOPLE_HEADER)
    for n in range(rows):
        born = dt.date(1990, 1, 1) + dt.timedelta(days=n % 5000)
        names = (f"Ospanov{n}", f"Aidar{n % 500}", f"Serikovich{n % 300}")
        rest = ("male", born, "military", f"U{n % 40}", "KZ", f"person{n}@example.kz")
        sheet.append([f"KZ-{n:06d}", "Captain", *names, *rest])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
