"""Reading uploads (CSV with or without BOM, comma or semicolon; XLSX) and writing exports
that never carry a live formula."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from common import spreadsheets
from tests.common import hostile_spreadsheets as hostile

REQUIRED = ["service_number", "last_name"]
OPTIONAL = ["email"]


def upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        "service_number,last_name\nKZ-1,Абенов\n".encode(),
        "\ufeffservice_number,last_name\nKZ-1,Абенов\n".encode(),
        "service_number;last_name\r\nKZ-1;Абенов\r\n".encode(),
        " Service_Number ; LAST_NAME \nKZ-1;Абенов\n".encode(),
    ],
    ids=["comma", "bom", "semicolon-crlf", "header-case-and-spaces"],
)
def test_csv_variants_read_the_same(content):
    table = spreadsheets.read_table(upload(content), required=REQUIRED, optional=OPTIONAL)
    assert [(r.number, r.values) for r in table.rows] == [
        (2, {"service_number": "KZ-1", "last_name": "Абенов"})
    ]


def test_xlsx_reads_numbers_dates_and_text():
    content = xlsx(
        [
            ["service_number", "last_name", "email", "notes"],
            [123456, "Ospanova", "o@example.kz", "n"],
            [None, None, None, None],
            ["KZ-2", dt.datetime(1990, 5, 17), None, None],
            ["KZ-3", dt.datetime(1990, 5, 17, 8, 30), 2.5, True],
        ]
    )
    table = spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED, optional=OPTIONAL)
    assert table.ignored_columns == ["notes"]
    assert [r.number for r in table.rows] == [2, 4, 5]  # the blank row 3 is skipped, numbers kept
    assert table.rows[0].values == {
        "service_number": "123456",
        "last_name": "Ospanova",
        "email": "o@example.kz",
    }
    assert table.rows[1].values["last_name"] == "1990-05-17"
    assert table.rows[2].values == {
        "service_number": "KZ-3",
        "last_name": "1990-05-17T08:30:00",
        "email": "2.5",
    }


def test_xlsx_formula_cells_are_refused_with_the_cell_named():
    content = xlsx(
        [
            ["service_number", "last_name", "email", "notes"],
            ["KZ-1", "Ospanova", '=HYPERLINK("http://x")', "=1+1"],
        ]
    )
    with pytest.raises(ValidationError, match='Cell C2 of sheet "Sheet" holds a formula') as error:
        spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED, optional=OPTIONAL)
    assert error.value.code == "formula"


def test_a_formula_in_an_ignored_column_is_not_read():
    content = xlsx([["service_number", "last_name", "notes"], ["KZ-1", "Ospanova", "=1+1"]])
    table = spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED)
    assert table.rows[0].values == {"service_number": "KZ-1", "last_name": "Ospanova"}


def test_a_formula_in_the_header_is_refused():
    content = xlsx([["service_number", '="last_" & "name"'], ["KZ-1", "Ospanova"]])
    with pytest.raises(ValidationError, match="Cell B1 "):
        spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED)


def _part_workbook(rows: str, **parts) -> bytes:
    return hostile.workbook(hostile.sheet_xml(hostile.HEADER + rows), **parts)


def test_xlsx_shared_inline_rich_and_phonetic_text():
    strings = (
        f'<sst xmlns="{hostile.MAIN}"><si><t>KZ-1</t></si>'
        "<si><r><rPr><b/></rPr><t>Osp</t></r><r><t>anov</t></r>"
        "<rPh><t>phonetic, not text</t></rPh></si></sst>"
    ).encode()
    content = _part_workbook(
        '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>'
        '<row r="3"><c t="inlineStr"><is><t>KZ-2</t></is></c><c t="b"><v>1</v></c></row>',
        shared_strings=strings,
    )
    table = spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED)
    assert [(r.number, r.values) for r in table.rows] == [
        (2, {"service_number": "KZ-1", "last_name": "Ospanov"}),
        (3, {"service_number": "KZ-2", "last_name": "True"}),  # cells without a reference
    ]


def test_a_shared_string_that_is_not_there_is_unreadable():
    content = _part_workbook('<row r="2"><c r="A2" t="s"><v>7</v></c></row>')
    with pytest.raises(ValidationError, match="cannot be read") as error:
        spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED)
    assert error.value.code == "unreadable"


def test_a_prefixed_namespace_reads_the_same():
    prefixed = (
        f'<x:worksheet xmlns:x="{hostile.MAIN}"><x:sheetData><x:row r="1">'
        '<x:c r="A1" t="inlineStr"><x:is><x:t>service_number</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:t>last_name</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:v>12</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    ).encode()
    table = spreadsheets.read_table(upload(hostile.workbook(prefixed), "p.xlsx"), required=REQUIRED)
    assert table.rows[0].values == {"service_number": "12", "last_name": ""}


def test_the_1904_date_system():
    workbook_1904 = hostile.workbook_xml().replace("<sheets>", '<workbookPr date1904="1"/><sheets>')
    styles = (
        f'<styleSheet xmlns="{hostile.MAIN}"><cellXfs count="2"><xf numFmtId="0"/>'
        '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>'
    )
    content = hostile.workbook(
        hostile.sheet_xml(hostile.HEADER + '<row r="2"><c r="A2" s="1"><v>366</v></c></row>'),
        workbook=workbook_1904,
        extra={"xl/styles.xml": styles},
        relationships='<Relationship Id="rId3" Type="{rels}/styles" Target="styles.xml"/>',
    )
    table = spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED)
    assert table.rows[0].values["service_number"] == "1905-01-01"  # 1900-12-31 from 1900


def test_the_content_decides_not_the_name():
    table = spreadsheets.read_table(
        upload(b"service_number,last_name\nKZ-1,A\n", "people.xlsx"), required=REQUIRED
    )
    assert table.rows[0].values == {"service_number": "KZ-1", "last_name": "A"}
    table = spreadsheets.read_table(
        upload(xlsx([["service_number", "last_name"], ["KZ-1", "A"]]), "people.csv"),
        required=REQUIRED,
    )
    assert table.rows[0].values == {"service_number": "KZ-1", "last_name": "A"}


def test_absent_optional_column_reads_as_missing_key():
    table = spreadsheets.read_table(
        upload(b"service_number,last_name\nKZ-1,A\n"), required=REQUIRED, optional=OPTIONAL
    )
    assert "email" not in table.rows[0].values


def test_short_row_gets_blank_values():
    table = spreadsheets.read_table(
        upload(b"service_number,last_name,email\nKZ-1\n"), required=REQUIRED, optional=OPTIONAL
    )
    assert table.rows[0].values == {"service_number": "KZ-1", "last_name": "", "email": ""}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "a.csv", "empty"),
        (b"last_name\nA\n", "a.csv", "Required columns are missing: service_number"),
        (b"service_number,last_name,last_name\n", "a.csv", "more than once: last_name"),
        (
            "service_number,last_name\nKZ-1,Ospanov\n".encode("cp1251") + "Ж".encode("cp1251"),
            "a.csv",
            "not UTF-8",
        ),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "not a valid Excel workbook"),
        (b'service_number,last_name\n"KZ-1,unterminated\n', "a.csv", "cannot be read at line"),
        (b"service_number,last_name\nKZ-1,A\x00\n", "a.csv", "not a valid Excel workbook"),
    ],
    ids=["empty", "missing-column", "repeated-column", "not-utf8", "bad-xlsx", "bad-quote", "nul"],
)
def test_unreadable_files_say_what_is_wrong(content, name, message):
    with pytest.raises(ValidationError, match=message):
        spreadsheets.read_table(upload(content, name), required=REQUIRED, optional=OPTIONAL)


def test_size_limit_names_the_limit():
    with pytest.raises(ValidationError, match=r"larger than the limit of 1\.0"):
        spreadsheets.read_table(
            upload(b"service_number,last_name\n" + b"KZ-1,A\n" * 400),
            required=REQUIRED,
            max_bytes=1024,
        )


def test_row_limit_names_the_limit():
    with pytest.raises(ValidationError, match="more than 3 data rows"):
        spreadsheets.read_table(
            upload(b"service_number,last_name\n" + b"KZ-1,A\n" * 4), required=REQUIRED, max_rows=3
        )


@pytest.mark.parametrize("value", ["=1+2", "+7 701 555 0101", "-2", "@SUM(A1)", "\tx"])
def test_formula_like_text_is_escaped(value):
    assert spreadsheets.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Abenov", "KZ-1", 5, None])
def test_ordinary_values_are_untouched(value):
    assert spreadsheets.safe_cell(value) == value


def test_csv_export_has_bom_and_no_live_formula():
    response = spreadsheets.csv_response(
        "x.csv", ["name", "note"], [["Абенов", "=cmd|' /C calc'!A0"]]
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "Абенов,'=cmd|' /C calc'!A0" in text
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'


def test_xlsx_export_stores_formula_like_text_as_quoted_text():
    response = spreadsheets.xlsx_response(
        "x.xlsx",
        ["name", "=note", "born", "phone"],
        [["Абенов", "=1+2", dt.date(1990, 5, 17), "+7 701 555 0101"]],
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    for reference, value in [("B1", "=note"), ("B2", "=1+2"), ("D2", "+7 701 555 0101")]:
        cell = sheet[reference]
        assert (cell.value, cell.data_type) == (value, "s")  # text, not a formula
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    assert not sheet["A2"].quotePrefix
    assert sheet["C2"].value.date() == dt.date(1990, 5, 17)
    assert sheet.freeze_panes == "A2"


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (REQUIRED, 'Cell B2 of sheet "People" and 1 other cell hold formulas.'),
        (["service_number"], 'Cell A3 of sheet "People" holds a formula.'),  # B: not read
    ],
)
def test_formula_cells_are_counted_in_the_columns_read(columns, message):
    with pytest.raises(ValidationError, match=message):
        spreadsheets.read_table(upload(hostile.formula_cells(columns), "p.xlsx"), required=columns)


def test_the_streamed_report_workbook_quotes_formula_like_headers_and_cells():
    from reports.kinds.readiness_matrix import xlsx_bytes

    content = xlsx_bytes([("Readiness", ["Name", "@Medical"], [["=1+2", "met"], ["Abenov", 5]])])
    sheet = load_workbook(io.BytesIO(content)).active
    quoted = {c.coordinate: (c.value, c.data_type) for row in sheet for c in row if c.quotePrefix}
    assert quoted == {"B1": ("@Medical", "s"), "A2": ("=1+2", "s")}
