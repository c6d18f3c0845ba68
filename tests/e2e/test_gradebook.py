"""The instructor's register and gradebook in a real browser on a laptop-sized window:
mark a day in bulk (everyone present, then one trainee absent), enter scores with the
keyboard, and see the totals the server computed. Screenshots go to var/screenshots/."""

import pytest
from playwright.sync_api import expect

from courses.models import AssessmentComponent, AssessmentResult
from tests import factories
from tests.courses.gradebook_support import (
    D,
    days_so_far,
    enrolments,
    make_instructor,
    mark,
    running_cohort,
    stored_marks,
    stored_scores,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAMES = [
    ("Abenov", "Arman"),
    ("Bekova", "Dana"),
    ("Chernov", "Ilya"),
    ("Dauletov", "Nurlan"),
    ("Yessenova", "Aigerim"),
    ("Karimov", "Timur"),
    ("Omarova", "Saule"),
    ("Sadykov", "Ruslan"),
    ("Tulegenov", "Erlan"),
    ("Zhakupova", "Madina"),
]


@pytest.fixture
def cohort():
    teacher = make_instructor("aliya", first_name="Aliya", last_name="Seitkali")
    cohort = running_cohort(trainees=0, instructors=[teacher], code="UNSOC-2026-03")
    cohort.course.title = "UN Staff Officer Course"
    cohort.course.save()
    AssessmentComponent.objects.create(
        course=cohort.course, name="Staff planning exercise", weight=D("1"), order=3
    )
    AssessmentComponent.objects.filter(course=cohort.course, name="Written exam").update(
        weight=D("59")
    )
    unit = factories.UnitFactory(code="KAZBAT-1", name="1st Peacekeeping Company")
    for number, (last, first) in enumerate(NAMES, start=1):
        factories.EnrolmentFactory(
            cohort=cohort,
            person=factories.PersonFactory(
                last_name=last, first_name=first, service_number=f"KZ-{1200 + number}", unit=unit
            ),
        )
    for day in days_so_far(cohort)[:-1]:
        for index, enrolment in enumerate(enrolments(cohort)):
            mark(enrolment, day, "absent" if (index + day.day) % 9 == 0 else "present")
    return cohort


def test_instructor_marks_a_day_in_bulk_and_fills_the_gradebook(
    page, live_server, sign_in, screenshot, cohort
):
    page.set_viewport_size({"width": 1366, "height": 768})  # a laptop
    today = days_so_far(cohort)[-1]
    trainees = enrolments(cohort)
    sign_in("aliya", "correct-horse-battery")

    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/")
    page.get_by_test_id("attendance-link").click()
    expect(page.get_by_test_id("attendance-day")).to_contain_text("Mark attendance for")

    # Everyone present, then Bekova absent: set on the page, saved with one button.
    page.get_by_role("button", name="Mark everyone present").click()
    expect(page.get_by_test_id("unsaved")).to_have_text("Unsaved changes: 10")
    page.get_by_role("radiogroup", name="Attendance of Bekova Dana").get_by_text("Absent").click()
    screenshot("attendance-day")
    page.get_by_role("button", name="Save the day").first.click()

    expect(page.get_by_role("alert").first).to_contain_text(
        f"Attendance for {today.isoformat()} saved: 10 marks changed."
    )
    marks = stored_marks(cohort, today)
    assert marks[trainees[1].pk] == "absent"
    assert sum(1 for status in marks.values() if status == "present") == 9
    page.get_by_test_id("register-grid").scroll_into_view_if_needed()
    screenshot("attendance-register")

    # The gradebook: type along the first row with Tab, down the first column with Enter.
    page.get_by_role("link", name="Gradebook").first.click()
    first = page.get_by_label("Abenov Arman (KZ-1201), Written exam")
    first.fill("82")
    page.keyboard.press("Tab")
    page.keyboard.type("17")
    page.keyboard.press("Tab")
    page.keyboard.type("90")
    first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Bekova Dana (KZ-1202), Written exam")).to_be_focused()
    page.keyboard.type("45")
    expect(page.get_by_test_id("unsaved")).to_have_text("Unsaved changes: 4")
    page.get_by_role("button", name="Save scores").first.click()

    expect(page.get_by_role("alert").first).to_contain_text("saved: 4 scores changed.")
    assert len(stored_scores(cohort)) == 4
    rows = page.get_by_test_id("gradebook-row")
    # 82/100*59 + 17/20*40 + 90/100*1 = 48.38 + 34 + 0.9
    expect(rows.nth(0).get_by_test_id("total")).to_have_text("83.28")
    expect(rows.nth(1).get_by_test_id("standing")).to_contain_text(
        "Written exam must be passed: 45.00 is below 50.00."
    )
    screenshot("gradebook")

    # A wrong value reaches the server when the browser's own check is bypassed: the cell is
    # named at the top and on the cell, and nothing is saved.
    page.evaluate("document.getElementById('gradebook-form').noValidate = true")
    page.get_by_label("Chernov Ilya (KZ-1203), Written exam").fill("105")
    page.get_by_label("Chernov Ilya (KZ-1203), Field exercise").fill("18")
    page.get_by_role("button", name="Save scores").first.click()
    message = "Chernov Ilya (KZ-1203), Written exam: 105 is above the highest score 100."
    expect(page.get_by_test_id("grid-errors")).to_contain_text(message)
    enrolment_id, component_id = cell_of(cohort, 2, "Written exam")
    expect(page.locator(f"#s-{enrolment_id}-{component_id}-error")).to_have_text(
        "105 is above the highest score 100."
    )
    expect(page.get_by_label("Chernov Ilya (KZ-1203), Field exercise")).to_have_value("18")
    assert len(stored_scores(cohort)) == 4
    screenshot("gradebook-errors")

    # Someone else saves a score after this page was loaded: the save is refused and says so.
    page.get_by_role("link", name="Cohort page").click()
    page.get_by_test_id("gradebook-link").click()
    written = AssessmentComponent.objects.get(course=cohort.course, name="Written exam")
    AssessmentResult.objects.filter(enrolment=trainees[0], component=written).update(
        score=D("79"), recorded_by=make_instructor("marat", first_name="Marat", last_name="Ospanov")
    )
    page.get_by_label("Abenov Arman (KZ-1201), Written exam").fill("84")
    page.get_by_role("button", name="Save scores").first.click()
    expect(page.get_by_test_id("stale-warning")).to_contain_text("Marat Ospanov")
    expect(page.get_by_test_id("conflict-note")).to_have_text("saved now: 79")
    expect(page.get_by_label("Abenov Arman (KZ-1201), Written exam")).to_have_value("84")
    screenshot("gradebook-stale")

    # A trainee's results with the change history.
    page.get_by_role("link", name="Abenov Arman").click()
    expect(page.get_by_test_id("change")).to_have_count(3)
    expect(page.get_by_test_id("scores")).to_contain_text("Aliya Seitkali")
    screenshot("enrolment-results")


def cell_of(cohort, row: int, component: str) -> tuple[int, int]:
    """(enrolment id, component id) of the row-th trainee (by name) and a component."""
    enrolment = enrolments(cohort)[row]
    return enrolment.pk, AssessmentComponent.objects.get(course=cohort.course, name=component).pk
