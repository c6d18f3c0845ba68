"""A registrar imports people in a real browser: an error in the file stops them, the fixed
file is previewed and confirmed."""

import csv

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from personnel.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COLUMNS = [
    "service_number",
    "rank",
    "last_name",
    "first_name",
    "gender",
    "date_of_birth",
    "category",
    "unit_code",
    "nationality",
    "phone",
    "notes",
]


def write_csv(path, rows) -> str:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return str(path)


def test_registrar_fixes_a_file_and_imports_it(page, live_server, sign_in, screenshot, tmp_path):
    call_command("seed_demo", verbosity=0)
    someone = Person.objects.select_related("rank", "unit").filter(unit__code="KAZBAT-1").first()
    existing = [
        someone.service_number,
        someone.rank.code if someone.rank else "",
        someone.last_name,
        someone.first_name,
        someone.gender,
        someone.date_of_birth.strftime("%d.%m.%Y"),
        someone.category,
        someone.unit.code,
        "",
        "+7 701 555 0101",
        "moved office",
    ]
    new = ["KZ-E2E-001", "Captain", "Nurlanova", "Aigerim", "F", "1991-02-14", "military"]
    tajik = ["TJ-E2E-002", "", "Rahimov", "Farrukh", "M", "1988-11-03", "civilian"]
    first = write_csv(
        tmp_path / "people.csv",
        [
            [*new, "KAZBAT-9", "", "", ""],  # no such unit
            [*tajik, "", "TJ", "+992 93 000 0000", "partner"],
            existing,
        ],
    )
    fixed = write_csv(
        tmp_path / "people-fixed.csv",
        [
            [*new, "KAZBAT-1", "", "", ""],
            [*tajik, "", "TJ", "+992 93 000 0000", "partner"],
            existing,
        ],
    )
    count = Person.objects.count()

    sign_in("registrar", "peacekeeper-2026")
    page.goto(f"{live_server.url}/personnel/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    screenshot("import-upload")

    page.get_by_label("CSV or Excel file").set_input_files(first)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("count-error")).to_have_text("1")
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    expect(page.get_by_test_id("count-updated")).to_have_text("1")
    errors = page.get_by_test_id("error-rows")
    expect(errors).to_contain_text("unit_code")
    expect(errors).to_contain_text("“KAZBAT-9” is not the code of a unit in the register.")
    expect(errors.locator("tbody td").first).to_have_text("2")
    expect(page.get_by_test_id("ignored-columns")).to_contain_text("notes")
    expect(page.get_by_role("button", name="Apply to the register")).to_be_disabled()
    screenshot("import-preview-errors")
    assert Person.objects.count() == count

    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("CSV or Excel file").set_input_files(fixed)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("count-error")).to_have_text("0")
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    updated = page.get_by_test_id("updated-rows")
    expect(updated).to_contain_text(someone.service_number)
    expect(updated).to_contain_text("+7 701 555 0101")
    apply = page.get_by_role("button", name="Apply to the register")
    expect(apply).to_be_enabled()
    screenshot("import-preview-clean")
    assert Person.objects.count() == count

    apply.click()

    expect(page).to_have_url(f"{live_server.url}/personnel/import/")
    expect(page.get_by_role("alert")).to_contain_text(
        "people-fixed.csv applied: 2 added, 1 updated, 0 unchanged."
    )
    expect(page.get_by_test_id("recent-imports")).to_contain_text("applied")
    screenshot("import-applied")
    assert Person.objects.count() == count + 2
    someone.refresh_from_db()
    assert someone.phone == "+7 701 555 0101"
    farrukh = Person.objects.get(service_number="TJ-E2E-002")
    assert (farrukh.nationality.code, farrukh.rank) == ("TJ", None)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_hostile_workbook_gets_its_message_on_the_form(
    page, live_server, sign_in, screenshot, tmp_path, registrar, width
):
    """A 1.5 KB workbook claiming a million rows by 16,384 columns, and a workbook with
    formula cells: the upload page again, each with its message under the file field."""
    from personnel.services.imports import PEOPLE_REQUIRED
    from tests.common import hostile_spreadsheets as hostile

    registrar.set_password("peacekeeper-2026")
    registrar.save()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(registrar.username, "peacekeeper-2026")
    page.goto(f"{live_server.url}/personnel/import/")
    files = [
        (hostile.huge_dimension(), "Required columns are missing"),
        (hostile.formula_cells(PEOPLE_REQUIRED), 'Cell B2 of sheet "People" and 1 other cell'),
    ]
    for index, (content, message) in enumerate(files):
        path = tmp_path / f"people-{index}.xlsx"
        path.write_bytes(content)
        page.get_by_label("CSV or Excel file").set_input_files(str(path))
        page.get_by_role("button", name="Upload and preview").click()
        expect(page.locator(".invalid-feedback, .errorlist").first).to_contain_text(message)
        expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"import-hostile-workbook-{width}")
    assert Person.objects.count() == 0


def test_registrar_applies_the_valid_rows_only_and_fixes_the_refused(
    page, live_server, sign_in, screenshot, tmp_path
):
    call_command("seed_demo", verbosity=0)
    police = ["KZ-E2E-101", "Captain", "Sadykova", "Dana", "F", "1990-04-02", "police", "MIA-FPU"]
    civilian = ["KZ-E2E-102", "Captain", "Omarov", "Timur", "M", "1985-09-30", "civilian", ""]
    wrong_gender = ["KZ-E2E-103", "CPT", "Bekova", "Aruzhan", "X", "1993-01-20", "military", ""]
    no_unit = ["KZ-E2E-104", "LT", "Ermekov", "Daulet", "M", "14.07.1994", "military", "KAZBAT-9"]
    upload = write_csv(
        tmp_path / "people-mixed.csv",
        [
            [*police, "", "+7 702 000 0101", ""],
            [*civilian, "", "", ""],
            [*wrong_gender, "", "+7 702 000 0103", "new"],
            [*no_unit, "", "", ""],
        ],
    )
    count = Person.objects.count()

    sign_in("registrar", "peacekeeper-2026")
    page.goto(f"{live_server.url}/personnel/import/")
    page.get_by_label("CSV or Excel file").set_input_files(upload)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("count-error")).to_have_text("2")
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("warning-rows")).to_contain_text(
        "“Captain” was left out: a civilian has no rank."
    )
    expect(page.get_by_test_id("new-rows")).to_contain_text("Captain of Police")
    expect(page.get_by_role("button", name="Apply to the register")).to_be_disabled()
    valid_only = page.get_by_role("button", name="Apply the 2 valid rows only")
    expect(valid_only).to_be_enabled()
    expect(page.get_by_test_id("valid-only-note")).to_be_visible()
    screenshot("import-valid-only-preview")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(valid_only).to_be_visible()
    screenshot("import-valid-only-preview-390")
    page.set_viewport_size({"width": 1280, "height": 720})

    valid_only.click()

    expect(page.get_by_role("alert").first).to_contain_text(
        "people-mixed.csv applied: 2 added, 0 updated, 0 unchanged."
    )
    refused = page.get_by_test_id("import-refused")
    expect(refused).to_contain_text("2 rows in error were left out.")
    screenshot("import-valid-only-applied")
    assert Person.objects.count() == count + 2
    dana = Person.objects.select_related("rank").get(service_number="KZ-E2E-101")
    assert dana.rank.code == "P-CPT"
    assert Person.objects.get(service_number="KZ-E2E-102").rank is None

    with page.expect_download() as download_info:
        refused.get_by_test_id("refused-rows-csv").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-refused-rows.csv")
    saved = tmp_path / "refused.csv"
    download.save_as(saved)
    with saved.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header == [*COLUMNS[:-1], "row", "reason"]  # notes is not an import column
    assert [row[header.index("row")] for row in rows[1:]] == ["4", "5"]
    assert rows[1][header.index("phone")] == "+7 702 000 0103"  # as written
    assert "gender" in rows[1][header.index("reason")]
    assert "KAZBAT-9" in rows[2][header.index("reason")]

    rows[1][header.index("gender")] = "F"
    rows[2][header.index("unit_code")] = "KAZBAT-1"
    with saved.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    page.goto(f"{live_server.url}/personnel/import/")
    page.get_by_label("CSV or Excel file").set_input_files(str(saved))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("count-error")).to_have_text("0")
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("ignored-columns")).to_have_count(0)
    page.get_by_role("button", name="Apply to the register").click()

    expect(page.get_by_role("alert").first).to_contain_text("2 added")
    assert Person.objects.count() == count + 4
