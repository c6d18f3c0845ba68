"""The registrar's day, end to end in a browser: import a CSV of people,
schedule a cohort, enrol their unit, and see who was waitlisted."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from courses.models import Cohort, Enrolment
from personnel.models import Person, Unit
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    ("KZ-JRN-001", "SGT", "Omarova", "Aigerim", "F"),
    ("KZ-JRN-002", "CPL", "Нурланов", "Ерлан", "M"),
    ("KZ-JRN-003", "PTE", "Sadykov", "Timur", "M"),
    ("KZ-JRN-004", "PTE", "Iskakov", "Miras", "M"),
    ("KZ-JRN-005", "CPL", "Yessenov", "Daniyar", "M"),
    ("KZ-JRN-006", "SGT", "Tulegenov", "Arman", "M"),
]


def people_csv(tmp_path) -> str:
    lines = ["service_number;rank;last_name;first_name;gender;date_of_birth;category;unit_code"]
    lines += [
        f"{number};{rank};{last};{first};{gender};14.03.1996;military;KAZBAT-5"
        for number, rank, last, first, gender in PEOPLE
    ]
    path = tmp_path / "engineer-platoon.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return str(path)


def test_import_schedule_enrol_a_unit_and_see_the_waitlist(
    page, live_server, sign_in, screenshot, tmp_path
):
    call_command("seed_demo", verbosity=0)
    factories.UnitFactory(
        code="KAZBAT-5",
        name="Engineer Platoon",
        kind="platoon",
        parent=Unit.objects.get(code="KAZBAT"),
    )
    sign_in("registrar", "peacekeeper-2026")

    # 1. Import six people from a CSV.
    page.get_by_test_id("nav-import").click()
    page.get_by_label("CSV or Excel file").set_input_files(people_csv(tmp_path))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_test_id("count-new")).to_have_text("6")
    expect(page.get_by_test_id("count-error")).to_have_text("0")
    screenshot("journey-1-import-preview")
    page.get_by_role("button", name="Apply to the register").click()
    expect(page.get_by_role("alert").first).to_contain_text("6")
    assert Person.objects.filter(unit__code="KAZBAT-5").count() == 6

    # 2. Schedule a four-seat cohort of the gender course.
    page.get_by_test_id("nav-cohorts").click()
    page.get_by_role("link", name="Schedule a cohort").click()
    page.get_by_label("Course").select_option(label="GENDER — Gender in Peacekeeping")
    in_60_days = dt.date.today() + dt.timedelta(days=60)
    starts_on = in_60_days + dt.timedelta(days=-in_60_days.weekday() % 7)  # a Monday
    page.get_by_label("Starts on").fill(starts_on.isoformat())
    page.get_by_label("Starts on").dispatch_event("change")
    page.get_by_label("Location").fill("KAZCENT, Almaty region")
    page.get_by_label("Capacity").fill("4")
    page.get_by_role("button", name="Schedule cohort").click()
    cohort = Cohort.objects.get(course__code="GENDER", starts_on=starts_on)
    expect(page.get_by_text(f"Cohort {cohort.code} scheduled (planned).")).to_be_visible()

    # 3. Saving led to the new cohort's page: enrol the whole platoon from it.
    expect(page).to_have_url(re.compile(rf"/courses/cohorts/{cohort.pk}/$"))
    expect(page.get_by_test_id("seats-taken")).to_have_text("0 / 4")
    page.get_by_role("link", name="Enrol a unit").click()
    page.get_by_role("combobox", name="Unit").select_option(
        str(Unit.objects.get(code="KAZBAT-5").pk)
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_test_id("count-enrol")).to_have_text("4 to enrol")
    expect(page.get_by_test_id("count-waitlist")).to_have_text("2 to waitlist")
    screenshot("journey-2-enrol-preview")
    page.get_by_role("button", name="Save enrolments").click()

    # 4. The cohort page shows who got a seat and who waits, in order.
    expect(page.get_by_test_id("seats-taken")).to_have_text("4 / 4")
    expect(page.get_by_test_id("roster-row")).to_have_count(4)
    expect(page.get_by_test_id("waitlist-position")).to_have_text(["1", "2"])
    waiting = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    assert waiting.count() == 2
    for enrolment in waiting:
        expect(page.get_by_test_id("waitlist")).to_contain_text(enrolment.person.last_name)
    screenshot("journey-3-cohort-page")
