"""A registrar imports certification history in a real browser: an error in the file stops
them, the fixed file is previewed (with a validity worked out and a supersede link) and
confirmed."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from playwright.sync_api import expect

from courses.models import Certification
from personnel.models import Person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COLUMNS = ["service_number", "course_code", "number", "issued_on", "valid_until", "remarks"]


def write_csv(path, rows) -> str:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return str(path)


def test_registrar_fixes_a_file_and_imports_certification_history(
    page, live_server, sign_in, screenshot, tmp_path
):
    call_command("seed_demo", verbosity=0)
    # Someone whose newest UNSOC certificate came from a cohort, and someone with none.
    holder = (
        Certification.objects.filter(course__code="UNSOC", supersedes__isnull=True)
        .annotate(
            held=Count(
                "person__certifications", filter=Q(person__certifications__course__code="UNSOC")
            )
        )
        .filter(held=1)
        .order_by("issued_on", "pk")
        .select_related("person")
        .first()
    )
    assert holder is not None
    trained = holder.person
    newcomer = Person.objects.exclude(certifications__isnull=False).order_by("pk").first()
    older = holder.issued_on - dt.timedelta(days=4 * 365)
    history = [trained.service_number, "unsoc", "UNSOC-HIST-0001", older.strftime("%d.%m.%Y"), ""]
    poc = [newcomer.service_number, "POC", "POC-HIST-0002", "2018-09-12", "2020-09-12"]
    first = write_csv(
        tmp_path / "history.csv",
        [
            [*history, "from the 2016 ledger"],
            [newcomer.service_number, "POC", "POC-HIST-0002", "31.02.2019", "", ""],
        ],
    )
    fixed = write_csv(tmp_path / "history-fixed.csv", [[*history, ""], [*poc, "scan on file"]])
    count = Certification.objects.count()

    sign_in("registrar", "peacekeeper-2026")
    page.goto(f"{live_server.url}/courses/certifications/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import certification history")
    expect(page.get_by_test_id("import-courses")).to_contain_text("UNSOC")
    screenshot("certification-import-upload")

    page.get_by_label("CSV or Excel file").set_input_files(first)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("count-error")).to_have_text("1")
    expect(page.get_by_test_id("count-new")).to_have_text("1")
    errors = page.get_by_test_id("error-rows")
    expect(errors.locator("tbody td").first).to_have_text("3")
    expect(errors).to_contain_text("issued_on")
    expect(errors).to_contain_text("“31.02.2019” is not a date written YYYY-MM-DD or DD.MM.YYYY.")
    expect(page.get_by_test_id("ignored-columns")).to_contain_text("remarks")
    expect(page.get_by_role("button", name="Add the certifications")).to_be_disabled()
    screenshot("certification-import-preview-errors")
    assert Certification.objects.count() == count

    page.get_by_role("link", name="Upload another file").click()
    page.get_by_label("CSV or Excel file").set_input_files(fixed)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_test_id("count-error")).to_have_text("0")
    expect(page.get_by_test_id("count-new")).to_have_text("2")
    expect(page.get_by_test_id("count-computed")).to_have_text("1")
    expect(page.get_by_test_id("count-linked")).to_have_text("1")
    new = page.get_by_test_id("new-rows")
    expect(new).to_contain_text(trained.full_name)
    expect(new).to_contain_text("worked out: issue date + 48 months")
    expect(new).to_contain_text(f"superseded by {holder.number}")
    apply = page.get_by_role("button", name="Add the certifications")
    expect(apply).to_be_enabled()
    screenshot("certification-import-preview-clean")
    assert Certification.objects.count() == count

    apply.click()

    expect(page).to_have_url(f"{live_server.url}/courses/certifications/import/")
    expect(page.get_by_role("alert")).to_contain_text(
        "history-fixed.csv applied: 2 certifications added (1 with the validity worked out "
        "from the course), 1 supersede link made."
    )
    expect(page.get_by_test_id("recent-imports")).to_contain_text("applied")
    screenshot("certification-import-applied")
    assert Certification.objects.count() == count + 2
    imported = Certification.objects.get(number="UNSOC-HIST-0001")
    assert (imported.source, imported.cohort, imported.issued_on) == ("import", None, older)
    holder.refresh_from_db()
    assert holder.supersedes == imported
