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
    from tests.peacecentre import hostile_spreadsheets as hostile

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
