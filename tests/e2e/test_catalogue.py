"""A registrar builds a course in a real browser: three components, an error when the weights
add up to 90, the fix, the course page, then a cohort scheduled and opened for enrolment."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Cohort, Course
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_component(page, index: int, name: str, weight: str, pass_score: str = "") -> None:
    page.locator(f"input[name='components-{index}-name']").fill(name)
    page.locator(f"input[name='components-{index}-weight']").fill(weight)
    if pass_score:
        page.locator(f"input[name='components-{index}-pass_score']").fill(pass_score)


def test_registrar_creates_a_course_and_schedules_a_cohort(
    page, live_server, sign_in, screenshot, registrar, instructor
):
    factories.CertificationTypeFactory(code="POC", name="Protection of Civilians")
    factories.CertificationTypeFactory(code="ENG", name="English for peacekeepers")
    instructor.first_name, instructor.last_name = "Aliya", "Seitkali"
    instructor.save()
    today = timezone.localdate()
    recognition_ends = today + relativedelta(months=3)  # within six months: flagged
    starts_on = today + dt.timedelta(days=60)
    starts_on += dt.timedelta(days=-starts_on.weekday() % 7)  # a Monday: no weekend warning
    ends_on = starts_on + dt.timedelta(days=11)
    code = f"POC-{starts_on.year}-01"
    sign_in("reg", "correct-horse-battery")

    page.goto(f"{live_server.url}/courses/catalogue/")
    page.get_by_role("link", name="New course").click()
    page.get_by_label("Code").fill("POC")
    page.get_by_label("Title").fill("Protection of Civilians Course")
    page.get_by_label("Kind").select_option("un_recognised")
    page.get_by_label("Duration (days)").fill("12")
    page.get_by_label("Pass mark (%)").fill("65")
    page.get_by_label("military").check()
    page.get_by_label("police").check()
    page.get_by_label("ENG", exact=True).check()
    page.get_by_label("Grants certification").select_option(label="POC")
    page.get_by_label("Certification valid for (months)").fill("24")
    page.get_by_label("UN-recognised", exact=True).check()
    page.get_by_label("UN recognition on").fill("2019-01-15")
    page.get_by_label("UN recognition valid until").fill(recognition_ends.isoformat())
    fill_component(page, 0, "Written test", "40", pass_score="60")
    page.locator("input[name='components-0-must_pass']").check()
    fill_component(page, 1, "Field exercise", "30")
    fill_component(page, 2, "Mission briefing", "20")
    expect(page.get_by_test_id("weight-total")).to_have_text("90")  # the live total warns
    page.get_by_role("button", name="Save course").click()

    expect(page.get_by_test_id("components-error")).to_have_text(
        "The component weights add up to 90; they must add up to exactly 100."
    )
    expect(page.get_by_test_id("form-error-summary")).to_be_visible()
    # Everything typed is still there.
    expect(page.get_by_label("Title")).to_have_value("Protection of Civilians Course")
    expect(page.locator("input[name='components-2-name']")).to_have_value("Mission briefing")
    assert not Course.objects.exists()
    screenshot("catalogue-course-form-error")

    page.locator("input[name='components-2-weight']").fill("30")
    expect(page.get_by_test_id("weight-total")).to_have_text("100")
    # A row added and marked for removal is not saved.
    page.get_by_role("button", name="Add a component").click()
    fill_component(page, 3, "Dropped", "10")
    expect(page.get_by_test_id("weight-total")).to_have_text("110")
    page.locator("input[name='components-3-DELETE']").check()
    expect(page.get_by_test_id("weight-total")).to_have_text("100")
    page.get_by_role("button", name="Save course").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Protection of Civilians Course")
    expect(page.get_by_text("Course POC created.")).to_be_visible()
    expect(page.get_by_test_id("component-row")).to_have_count(3)
    expect(page.get_by_test_id("admitted-categories")).to_have_text("military, police")
    expect(page.get_by_test_id("recognition").first).to_have_attribute("data-state", "lapsing")
    screenshot("catalogue-course-detail")

    page.get_by_role("link", name="Schedule a cohort").click()
    expect(page.get_by_label("Course")).to_have_value(str(Course.objects.get().pk))
    page.get_by_label("Starts on").fill(starts_on.isoformat())
    page.get_by_label("Starts on").dispatch_event("change")
    # The end follows from the course's 12 days and the code from the next free number.
    expect(page.get_by_label("Ends on")).to_have_value(ends_on.isoformat())
    expect(page.get_by_label("Code")).to_have_attribute("placeholder", code)
    page.get_by_label("Location").fill("KAZCENT, Almaty region")
    page.get_by_label("Aliya Seitkali").check()
    page.get_by_role("button", name="Schedule cohort").click()

    expect(page.get_by_text(f"Cohort {code} scheduled (planned).")).to_be_visible()
    # Saving leads to the new cohort's own page; the list shows it among the others.
    cohort = Cohort.objects.get(code=code)
    assert page.url == f"{live_server.url}/courses/cohorts/{cohort.pk}/"
    page.goto(f"{live_server.url}/courses/cohorts/")
    row = page.locator(f"[data-testid=cohort-row][data-code='{code}']")
    expect(row.get_by_test_id("status")).to_have_text("planned")
    expect(row.get_by_test_id("seats")).to_have_text("0 / 30")
    row.get_by_test_id("status-menu").click()
    row.get_by_role("button", name="Open for enrolment").click()
    expect(page.get_by_text(f"Cohort {code} is now open for enrolment.")).to_be_visible()
    row = page.locator(f"[data-testid=cohort-row][data-code='{code}']")
    expect(row.get_by_test_id("status")).to_have_text("open for enrolment")
    expect(row).to_contain_text("Aliya Seitkali")
    cohort = Cohort.objects.get(code=code)
    assert cohort.status == Cohort.Status.OPEN
    screenshot("catalogue-cohort-list")
