"""Finalising in a real browser: the instructor reads the confirm page (one trainee fails,
with the reason), finalises, and a registrar opens the certificate issued and reissues it.
Screenshots in var/screenshots/ (finalise-confirm, certification-page, certification-list)."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests import factories
from tests.courses.finalisation_support import attend, make_course, make_running_cohort, score
from tests.courses.finalisation_support import seated as seated_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_instructor_finalises_and_registrar_reissues_a_certificate(
    page, live_server, sign_in, screenshot, registrar
):
    instructor = factories.UserFactory(
        username="aliya", first_name="Aliya", last_name="Seitkali", roles=[Role.INSTRUCTOR]
    )
    course = make_course(
        code="UNSOC",
        components=[
            {"name": "Written exam", "must_pass": True, "pass_score": Decimal("50")},
            {"name": "Staff planning exercise"},
            {"name": "Mission briefing"},
        ],
    )
    course.title = "UN Staff Officer Course"
    course.save()
    company = factories.UnitFactory(code="KAZBAT-1", name="1st Peacekeeping Company")
    names = [("Abenov", "Arman"), ("Dzhaksybekov", "Nurlan"), ("Omarova", "Dana")]
    people = [
        factories.PersonFactory(unit=company, last_name=last, first_name=first)
        for last, first in names
    ]
    cohort = make_running_cohort(
        course=course, people=people, instructors=[instructor], code="UNSOC-2026-02"
    )
    for enrolment, scores in zip(
        seated_in(cohort), (["78", "84", "90"], ["45", "88", "80"], ["92", "75", "81"]), strict=True
    ):
        score(enrolment, scores)
        attend(enrolment)

    sign_in("aliya", "correct-horse-battery")
    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/finalise/")
    expect(page.get_by_test_id("outcome-row")).to_have_count(3)
    expect(page.get_by_test_id("to-pass")).to_have_text("2")
    expect(page.get_by_test_id("outcome-row").nth(1)).to_contain_text(
        "Written exam must be passed: 45.00 is below 50.00."
    )
    screenshot("finalise-confirm")

    page.get_by_test_id("finalise-button").click()

    expect(page).to_have_url(f"{live_server.url}/courses/cohorts/{cohort.pk}/")
    expect(page.get_by_role("alert").first).to_contain_text(
        "Cohort UNSOC-2026-02 finalised: 2 passed, 1 failed, 2 certificates issued."
    )
    screenshot("cohort-finalised")
    page.context.clear_cookies()  # sign out

    sign_in("reg", "correct-horse-battery")
    page.goto(f"{live_server.url}/courses/certifications/?q=abenov")
    rows = page.get_by_test_id("certification-row")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_test_id("certification-number")).to_contain_text("UNSOC-")
    expect(page.get_by_test_id("verify-url")).to_have_text(
        re.compile(rf"^{re.escape(live_server.url)}/verify/[\w-]{{20,}}/$")
    )
    screenshot("certification-page")

    page.get_by_test_id("reissue-link").click()
    page.get_by_label("Reason").fill("Name misspelt on the printed certificate")
    page.get_by_role("button", name="Reissue").click()
    expect(page.get_by_role("alert").first).to_contain_text("is reissued as")
    expect(page.get_by_test_id("supersedes")).to_be_visible()

    page.goto(f"{live_server.url}/courses/certifications/")
    expect(page.get_by_test_id("certification-row")).to_have_count(3)
    screenshot("certification-list")

    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/reopen/")
    page.get_by_label("Why are the results reopened?").fill(
        "The written exam of Dzhaksybekov was marked against the wrong answer key."
    )
    screenshot("cohort-reopen")
    page.get_by_role("button", name="Reopen results").click()
    expect(page.get_by_role("alert").first).to_contain_text("Cohort UNSOC-2026-02 is reopened")
