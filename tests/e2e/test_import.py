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
