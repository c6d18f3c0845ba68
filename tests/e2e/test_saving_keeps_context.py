"""Scheduling, enrolling and printing keep their context, in a browser, on a desktop and at
390 px: the cohort form shows the course days before saving and asks before a weekend start,
a new cohort opens on its page, the refused of an enrolment are listed with their reasons
after saving, and an instructor prints the certificates of their finalised cohort from its
page. On the demo data."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from courses.models import Certification, Cohort
from personnel.models import Unit
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "peacekeeper-2026"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def next_saturday(after_days: int) -> dt.date:
    day = dt.date.today() + dt.timedelta(days=after_days)
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "390px"])
def test_a_weekend_start_shows_its_course_days_and_is_confirmed_before_saving(
    page, live_server, sign_in, screenshot, viewport
):
    call_command("seed_demo", verbosity=0)
    page.set_viewport_size(viewport)
    size = "desktop" if viewport is DESKTOP else "390"
    sign_in("registrar", PASSWORD)
    page.goto(f"{live_server.url}/courses/cohorts/new/")
    page.get_by_label("Course").select_option(label="GENDER — Gender in Peacekeeping")
    saturday = next_saturday(40)
    page.get_by_label("Starts on").fill(saturday.isoformat())
    page.get_by_label("Starts on").dispatch_event("change")

    # Live, before saving: a five-day course starting on a Saturday has three course days.
    days = page.get_by_test_id("course-days")
    expect(days.get_by_test_id("course-day-count")).to_have_text("3 course days")
    expect(days.get_by_test_id("weekend-warning")).to_contain_text("starts on a Saturday")
    expect(days.get_by_test_id("course-day-list").locator("li")).to_have_count(3)
    expect(page.get_by_label("Ends on")).to_have_value(
        (saturday + dt.timedelta(days=4)).isoformat()
    )
    screenshot(f"cohort-form-weekend-live-{size}")

    # Saving asks first: nothing is saved until the start is confirmed.
    page.get_by_role("button", name="Schedule cohort").click()
    expect(page.get_by_test_id("weekend-confirm")).to_contain_text("3 course days")
    assert not Cohort.objects.filter(starts_on=saturday, course__code="GENDER").exists()
    screenshot(f"cohort-form-weekend-confirm-{size}")

    # Moving the end shows the new course days at once.
    page.get_by_label("Ends on").fill((saturday + dt.timedelta(days=6)).isoformat())
    page.get_by_label("Ends on").dispatch_event("change")
    expect(days.get_by_test_id("course-day-count")).to_have_text("5 course days")

    page.get_by_label("Start on a weekend anyway").check()
    page.get_by_role("button", name="Schedule cohort").click()
    cohort = Cohort.objects.get(starts_on=saturday, course__code="GENDER")
    expect(page).to_have_url(re.compile(rf"/courses/cohorts/{cohort.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(cohort.code)
    screenshot(f"cohort-new-page-{size}")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "390px"])
def test_the_refused_and_their_reasons_stay_after_saving(
    page, live_server, sign_in, screenshot, viewport
):
    call_command("seed_demo", verbosity=0)
    page.set_viewport_size(viewport)
    size = "desktop" if viewport is DESKTOP else "390"
    cohort = Cohort.objects.filter(course__code="UNSOC", status=Cohort.Status.OPEN).get()
    battalion = Unit.objects.get(code="KAZBAT")
    sign_in("registrar", PASSWORD)
    page.goto(
        f"{live_server.url}/courses/cohorts/{cohort.pk}/enrol/unit/?unit={battalion.pk}"
        "&include_subunits=on"
    )
    refused = page.locator('[data-testid="preview-row"][data-outcome="refuse"]')
    count = refused.count()
    assert count > 0
    first_reason = refused.first.locator("li").first.inner_text().strip()
    page.get_by_role("button", name="Save enrolments").click()

    expect(page).to_have_url(re.compile(rf"/courses/cohorts/{cohort.pk}/#refused$"))
    panel = page.get_by_test_id("enrol-refused")
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("refused-row")).to_have_count(count)
    expect(panel.get_by_test_id("refused-reason").first).to_have_text(first_reason)
    expect(page.get_by_role("alert").filter(has_text="the reasons are below")).to_be_visible()
    screenshot(f"enrol-refused-after-saving-{size}")
    panel.scroll_into_view_if_needed()  # the panel itself, as the reader lands on it
    page.screenshot(path=str(SCREENSHOTS / f"enrol-refused-panel-{size}.png"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "390px"])
def test_an_instructor_prints_the_certificates_of_their_finalised_cohort(
    page, live_server, sign_in, screenshot, viewport
):
    call_command("seed_demo", verbosity=0)
    page.set_viewport_size(viewport)
    size = "desktop" if viewport is DESKTOP else "390"
    certification = (
        Certification.objects.filter(
            cohort__instructors__username="instructor",
            cohort__status=Cohort.Status.FINALISED,
            revoked_at__isnull=True,
        )
        .select_related("cohort")
        .order_by("-cohort__ends_on", "number")
        .first()
    )
    assert certification is not None, "the demo instructor finalised a cohort"
    not_hers = Certification.objects.exclude(cohort__instructors__username="instructor").first()
    sign_in("instructor", PASSWORD)
    # Every "Due soon" link on her home page opens for her.
    due = page.locator('[data-testid="home-reminder"] a')
    for href in [due.nth(n).get_attribute("href") for n in range(due.count())]:
        assert page.request.get(f"{live_server.url}{href}").status == 200, href
    page.goto(f"{live_server.url}/courses/cohorts/{certification.cohort_id}/")
    link = page.locator(
        f'[data-testid="roster"] a[href$="/certifications/{certification.pk}/certificate.pdf"]'
    )
    expect(link).to_be_visible()
    screenshot(f"instructor-finalised-cohort-{size}")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith(certification.number)

    # Another cohort's certificate is not hers to print.
    response = page.request.get(
        f"{live_server.url}/courses/certifications/{not_hers.pk}/certificate.pdf"
    )
    assert response.status == 404
