"""A registrar enrols a unit into a cohort that is too small for it, in a real browser: the
preview shows who gets a seat and who waits, the cohort page shows the waitlist, and a
withdrawal gives the seat to waitlist #1."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registrar_enrols_a_unit_then_a_withdrawal_promotes_the_waitlist(
    page, live_server, sign_in, screenshot, registrar
):
    cohort = make_cohort(capacity=3, code="UNSOC-2027-01", location="Almaty, KAZCENT")
    cohort.instructors.add(factories.UserFactory(first_name="Aliya", last_name="Seitkali"))
    company = factories.UnitFactory(code="KAZBAT-1", name="1st Peacekeeping Company")
    people = make_people(5, unit=company)

    sign_in("reg", "correct-horse-battery")
    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/")
    expect(page.get_by_test_id("seats-taken")).to_have_text("0 / 3")
    page.get_by_role("link", name="Enrol a unit").click()

    page.get_by_role("combobox", name="Unit").select_option(str(company.pk))
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_test_id("enrol-preview")
    expect(preview).to_be_visible()
    expect(page.get_by_test_id("count-enrol")).to_have_text("3 to enrol")
    expect(page.get_by_test_id("count-waitlist")).to_have_text("2 to waitlist")
    rows = preview.get_by_test_id("preview-row")
    expect(rows).to_have_count(5)
    expect(rows.nth(3)).to_contain_text("waitlist #1")
    expect(rows.nth(4)).to_contain_text("waitlist #2")
    screenshot("enrol-preview")

    page.get_by_role("button", name="Save enrolments").click()

    expect(page).to_have_url(f"{live_server.url}/courses/cohorts/{cohort.pk}/")
    expect(page.get_by_role("alert").first).to_contain_text(
        "Saved: 3 enrolled, 2 waitlisted (positions 1 to 2)."
    )
    expect(page.get_by_test_id("seats-taken")).to_have_text("3 / 3")
    expect(page.get_by_test_id("roster-row")).to_have_count(3)
    expect(page.get_by_test_id("waitlist-position")).to_have_text(["1", "2"])
    waitlist = page.get_by_test_id("waitlist")
    expect(waitlist.get_by_test_id("waitlist-row").nth(0)).to_contain_text(people[3].full_name)
    screenshot("cohort-page")

    page.get_by_role("link", name=f"Withdraw {people[0].full_name}").click()
    page.get_by_label("Reason").fill("Posted to UNIFIL ahead of the rotation")
    screenshot("enrolment-withdraw")
    page.get_by_role("button", name="Withdraw").click()

    expect(page.get_by_role("alert").nth(1)).to_contain_text(
        f"{people[3].full_name} moved from the waitlist into the free seat"
    )
    roster = page.get_by_test_id("roster")
    expect(roster).to_contain_text(people[3].full_name)
    expect(roster).not_to_contain_text(people[0].full_name)
    expect(page.get_by_test_id("waitlist-position")).to_have_text(["1"])
    expect(waitlist.get_by_test_id("waitlist-row")).to_contain_text(people[4].full_name)
    page.locator("#departed summary").click()
    expect(page.get_by_test_id("departed")).to_contain_text("Posted to UNIFIL")
    screenshot("cohort-page-after-withdrawal")


def test_demo_cohort_page_and_a_unit_preview_with_refusals(page, live_server, sign_in, screenshot):
    """The demo data's staff officer course (full, with a waitlist and partner nominations):
    the page and a battalion's preview, where most are refused with their reasons."""
    from django.core.management import call_command

    from courses.models import Cohort
    from personnel.models import Unit

    call_command("seed_demo", verbosity=0)
    cohort = Cohort.objects.filter(course__code="UNSOC", status=Cohort.Status.OPEN).get()
    battalion = Unit.objects.get(code="KAZBAT")

    sign_in("registrar", "peacekeeper-2026")
    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/")
    positions = page.get_by_test_id("waitlist-position")
    count = positions.count()
    assert count > 0
    expect(positions).to_have_text([str(n) for n in range(1, count + 1)])
    screenshot("demo-cohort-page")

    page.goto(
        f"{live_server.url}/courses/cohorts/{cohort.pk}/enrol/unit/?unit={battalion.pk}"
        "&include_subunits=on"
    )
    refused = page.locator('[data-testid="preview-row"][data-outcome="refuse"]')
    assert refused.count() > 0
    expect(refused.first.locator("li").first).to_be_visible()
    screenshot("demo-unit-preview")
    # The full page is very long: keep the top of the preview in view on its own.
    page.locator("#preview").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "demo-unit-preview-top.png"))

    # One person: search in another script, preview the first match.
    page.get_by_role("link", name="One person").click()
    # Typed and sent without choosing from the picker's list: the page lists the matches.
    page.get_by_label("Name or service number").fill("Ахметов")
    page.get_by_role("button", name="Preview").click()
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("Akhmetov")
    results.get_by_role("link", name="Preview").first.click()
    expect(page.get_by_test_id("enrol-preview").get_by_test_id("preview-row")).to_have_count(1)
    screenshot("demo-person-preview")

    # A list: a CSV with an unknown service number among known ones.
    page.get_by_role("link", name="A list (CSV or Excel)").click()
    known = list(battalion.people.values_list("service_number", flat=True)[:2])
    page.get_by_label("CSV or Excel file").set_input_files(
        files=[
            {
                "name": "nominees.csv",
                "mimeType": "text/csv",
                "buffer": "\n".join(["service_number", known[0], "KZ-M-000000", known[1]]).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Preview").click()
    rows = page.get_by_test_id("preview-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("unknown service number")
    expect(rows.nth(1)).to_contain_text("row 3")
    screenshot("demo-file-preview")

    # A planned cohort's nominations wait for a registrar's decision.
    planned = Cohort.objects.filter(status=Cohort.Status.PLANNED).order_by("starts_on").first()
    page.goto(f"{live_server.url}/courses/cohorts/{planned.pk}/")
    nominations = page.get_by_test_id("nomination-row")
    assert nominations.count() > 0
    expect(nominations.first.get_by_role("button", name="Approve")).to_be_visible()
    screenshot("demo-planned-cohort")
