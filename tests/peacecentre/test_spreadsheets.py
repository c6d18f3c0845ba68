"""Reading uploads (CSV with or without BOM, comma or semicolon; XLSX) and writing exports
that never carry a live formula."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from peacecentre import spreadsheets

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


def test_xlsx_reads_numbers_dates_and_formulas_as_text():
    content = xlsx(
        [
            ["service_number", "last_name", "email", "notes"],
            [123456, "Ospanova", '=HYPERLINK("http://x")', "n"],
            [None, None, None, None],
            ["KZ-2", dt.datetime(1990, 5, 17), None, None],
        ]
    )
    table = spreadsheets.read_table(upload(content, "p.xlsx"), required=REQUIRED, optional=OPTIONAL)
    assert table.ignored_columns == ["notes"]
    assert [r.number for r in table.rows] == [2, 4]  # the blank row 3 is skipped, numbers kept
    assert table.rows[0].values == {
        "service_number": "123456",
        "last_name": "Ospanova",
        "email": '=HYPERLINK("http://x")',
    }
    assert table.rows[1].values["last_name"] == "1990-05-17"


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
        (b"PK\x03\x04 not really a zip", "a.xlsx", "not a readable Excel workbook"),
        (b'service_number,last_name\n"KZ-1,unterminated\n', "a.csv", "cannot be read"),
    ],
    ids=["empty", "missing-column", "repeated-column", "not-utf8", "bad-xlsx", "bad-quote"],
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


def test_xlsx_export_stores_formula_like_text_as_text():
    response = spreadsheets.xlsx_response(
        "x.xlsx", ["name", "note", "born"], [["Абенов", "=1+2", dt.date(1990, 5, 17)]]
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    note = sheet["B2"]
    assert note.value == "=1+2"
    assert note.data_type == "s"  # text, not a formula
    assert sheet["C2"].value.date() == dt.date(1990, 5, 17)
    assert sheet.freeze_panes == "A2"
