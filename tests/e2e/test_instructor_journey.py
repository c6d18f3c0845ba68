"""The instructor's journey end to end in a browser: sign in, open my cohort, mark
attendance, enter scores, finalise; the certificate PDF downloads and holds the number; the
public verification page, opened without signing in, shows it valid."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from courses.grading import course_days
from courses.models import AssessmentComponent, Certification, Cohort, Enrolment
from tests import factories
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TRAINEES = [
    ("KZ-INS-001", "Abenov", "Arman"),
    ("KZ-INS-002", "Бекова", "Дана"),
    ("KZ-INS-003", "Sadykov", "Timur"),
]


def last_weekdays(count: int) -> tuple[dt.date, dt.date]:
    """The first and last of the `count` weekdays before today: a course that just ended."""
    day = timezone.localdate()
    days = []
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days[-1], days[0]


@pytest.fixture
def cohort() -> Cohort:
    call_command("seed_demo", verbosity=0)
    starts_on, ends_on = last_weekdays(3)
    course = factories.CourseFactory(
        code="POCJ",
        title="Protection of Civilians",
        duration_days=3,
        certification_type=factories.CertificationTypeFactory(code="POCJ", name="PoC"),
        validity_months=36,
        pass_mark=Decimal("60"),
        min_attendance_percent=Decimal("80"),
    )
    AssessmentComponent.objects.create(
        course=course, name="Written test", weight=Decimal("60"), pass_score=50, must_pass=True
    )
    AssessmentComponent.objects.create(
        course=course, name="Scenario exercise", weight=Decimal("40"), max_score=20, order=1
    )
    cohort = factories.CohortFactory(
        course=course,
        code="POCJ-2026-01",
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=10,
        status=Cohort.Status.IN_PROGRESS,
        instructors=[User.objects.get(username="instructor")],
    )
    for number, last, first in TRAINEES:
        person = factories.PersonFactory(service_number=number, last_name=last, first_name=first)
        factories.EnrolmentFactory(cohort=cohort, person=person)
    assert len(course_days(starts_on, ends_on)) == 3
    return cohort


def test_attendance_scores_finalise_certificate_and_verification(
    page, browser, live_server, sign_in, screenshot, cohort, accessibility
):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in("instructor", "peacekeeper-2026")

    # 1. My cohorts lists the cohort; open it.
    page.get_by_test_id("nav-cohorts").click()
    page.get_by_role("link", name="POCJ-2026-01").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("POCJ-2026-01")

    # 2. Attendance: each of the three course days, everyone present, saved in bulk.
    page.get_by_test_id("attendance-link").click()
    for day in course_days(cohort.starts_on, cohort.ends_on):
        page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/attendance/?day={day:%Y-%m-%d}")
        page.get_by_role("button", name="Mark everyone present").click()
        page.get_by_role("button", name="Save the day").first.click()
        expect(page.get_by_role("alert").first).to_contain_text(f"Attendance for {day:%Y-%m-%d}")
    expect(page.get_by_test_id("register-grid")).to_contain_text("100%")
    screenshot("instructor-journey-1-attendance")

    # 3. Gradebook: a score out of range is refused with the cell named, then corrected.
    page.get_by_role("link", name="Gradebook").first.click()
    page.wait_for_url("**/gradebook/")
    page.evaluate("document.getElementById('gradebook-form').noValidate = true")
    scores = {
        "Abenov Arman (KZ-INS-001)": ("88", "17"),
        "Бекова Дана (KZ-INS-002)": ("74", "25"),  # 25 is above the highest score 20
        "Sadykov Timur (KZ-INS-003)": ("41", "15"),  # fails the must-pass written test
    }
    for trainee, (written, scenario) in scores.items():
        page.get_by_label(f"{trainee}, Written test").fill(written)
        page.get_by_label(f"{trainee}, Scenario exercise").fill(scenario)
    page.get_by_role("button", name="Save scores").first.click()
    expect(page.get_by_test_id("grid-errors")).to_contain_text(
        "Бекова Дана (KZ-INS-002), Scenario exercise: 25 is above the highest score 20."
    )
    page.get_by_label("Бекова Дана (KZ-INS-002), Scenario exercise").fill("19")
    page.get_by_role("button", name="Save scores").first.click()
    expect(page.get_by_role("alert").first).to_contain_text("6 scores changed")
    rows = page.get_by_test_id("gradebook-row")
    abenov, sadykov = rows.filter(has_text="KZ-INS-001"), rows.filter(has_text="KZ-INS-003")
    expect(abenov.get_by_test_id("total")).to_have_text("86.80")  # 88% of 60 + 17/20 of 40
    expect(abenov.get_by_test_id("standing")).to_contain_text("passed")
    expect(sadykov.get_by_test_id("standing")).to_contain_text("Written test must be passed")
    screenshot("instructor-journey-2-gradebook")

    # 4. Finalise from the cohort page: two pass, one fails, two certificates.
    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/")
    page.get_by_test_id("finalise-link").click()
    expect(page.get_by_test_id("to-pass")).to_have_text("2")
    expect(page.get_by_test_id("to-fail")).to_have_text("1")
    screenshot("instructor-journey-3-finalise")
    page.get_by_test_id("finalise-button").click()
    expect(page.get_by_role("alert").first).to_contain_text("2 passed, 1 failed")
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINALISED
    assert Enrolment.objects.get(person__service_number="KZ-INS-003").status == "failed"
    certification = Certification.objects.get(person__service_number="KZ-INS-001")
    year = timezone.localdate().year
    assert certification.number.startswith(f"POCJ-{year}-")
    assert certification.issued_on == timezone.localdate()

    # 5. The trainee's results lead to the certificate; its PDF holds the number.
    enrolment = Enrolment.objects.get(cohort=cohort, person=certification.person)
    page.goto(f"{live_server.url}/courses/enrolments/{enrolment.pk}/results/")
    page.get_by_role("link", name=certification.number).first.click()
    expect(page.get_by_test_id("certification-number")).to_have_text(certification.number)
    screenshot("instructor-journey-4-certificate")
    with page.expect_download() as download_info:
        page.get_by_test_id("certificate-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"{certification.number}-en.pdf"  # in English
    with open(download.path(), "rb") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()
    assert certification.number in text
    assert "Abenov" in text

    # 6. Anyone, not signed in, opens the verification page from the QR code's address.
    visitor = browser.new_page()
    accessibility.watch(visitor)
    visitor.goto(f"{live_server.url}/verify/{certification.verification_code}/")
    expect(visitor.get_by_text("VALID", exact=True)).to_be_visible()
    expect(visitor.locator("body")).to_contain_text("Abenov Arman")
    expect(visitor.locator("body")).to_contain_text("Protection of Civilians")
    expect(visitor.locator("body")).not_to_contain_text("KZ-INS-001")
    visitor.screenshot(path=str(SCREENSHOTS / "instructor-journey-5-verify.png"), full_page=True)
    accessibility.check(visitor)
    visitor.close()
