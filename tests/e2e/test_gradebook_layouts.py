"""The gradebook and the attendance register on a desktop and on a phone, in English, Russian
and Kazakh, in a real browser: on a desktop every column of the gradebook (Standing too) is
in view and its long headings wrap; on a phone (390 px) the gradebook shows one trainee at a
time and the register one day at a time, nothing is wider than the screen, every target is
at least 44 px, and what is entered there is saved through the same forms (a stale save is
still refused). Screenshots go to var/screenshots/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from courses.models import AssessmentComponent, AssessmentResult, Cohort
from tests import factories
from tests.courses import finalisation_support as fin
from tests.courses.gradebook_support import (
    days_so_far,
    enrolments,
    make_instructor,
    mark,
    stored_marks,
    stored_scores,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LANGUAGES = ["en", "ru", "kk"]
# The contingent course's components: long names, as the demo's pre-deployment training has.
COMPONENTS = [
    {"name": "Tactical skills: checkpoints, patrolling, convoys", "pass_score": 60},
    {"name": "Counter-IED", "pass_score": 70, "must_pass": True},
    {"name": "First aid and casualty evacuation", "pass_score": 70, "must_pass": True},
    {"name": "Rules for the use of force and IHL test", "pass_score": 60},
    {"name": "English for the mission"},
    {"name": "Base security exercise", "max_score": 20},
]
PEOPLE = [
    ("Абдрахманова", "Айгерим Серикқызы"),
    ("Bekov", "Daniyar"),
    ("Жұмабекова", "Салтанат"),
    ("Kuznetsov", "Aleksandr Vladimirovich"),
    ("Nurlanov", "Yerzhan"),
    ("Сейтқали", "Мадина"),
]


@pytest.fixture
def teacher():
    return make_instructor("aliya", first_name="Aliya", last_name="Seitkali")


@pytest.fixture
def cohort(teacher) -> Cohort:
    """A contingent cohort in progress (four weeks held, two to come) with six trainees,
    some scores and every day so far marked but today."""
    today = timezone.localdate()
    course = fin.make_course(code="PDTX", min_attendance="85", components=COMPONENTS)
    cohort = factories.CohortFactory(
        course=course,
        code="PDTX-2026-02",
        starts_on=today - dt.timedelta(days=28),
        ends_on=today + dt.timedelta(days=14),
        status=Cohort.Status.IN_PROGRESS,
        capacity=30,
        instructors=[teacher],
    )
    unit = factories.UnitFactory(code="KAZBAT-2", name="2nd Peacekeeping Company")
    for number, (last, first) in enumerate(PEOPLE, start=1):
        factories.EnrolmentFactory(
            cohort=cohort,
            person=factories.PersonFactory(
                last_name=last, first_name=first, service_number=f"KZ-{3300 + number}", unit=unit
            ),
        )
    components = list(AssessmentComponent.objects.filter(course=course).order_by("order"))
    for index, enrolment in enumerate(enrolments(cohort)):
        for day in days_so_far(cohort)[:-1]:
            mark(enrolment, day, "absent" if (index + day.day) % 7 == 0 else "present")
        AssessmentResult.objects.create(
            enrolment=enrolment, component=components[1], score=Decimal(60 + 5 * index)
        )
    return cohort


def set_language(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def open_page(page, live_server, sign_in, path: str, size: dict) -> None:
    page.set_viewport_size(size)
    sign_in("aliya", "correct-horse-battery")
    page.goto(f"{live_server.url}{path}")


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def wider_than_screen(page) -> list[str]:
    """Every visible element whose box reaches past the viewport's right edge, other than
    those inside a box of their own that scrolls within the screen (a wide table's)."""
    return page.evaluate(
        """() => {
          const limit = window.innerWidth + 0.5;
          function scrolledWithin(el) {
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
              const overflow = getComputedStyle(up).overflowX;
              if (overflow !== 'visible' && up.getBoundingClientRect().right <= limit) return true;
            }
            return false;
          }
          return Array.from(document.querySelectorAll('body *')).filter(el => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && box.right > limit
              && getComputedStyle(el).visibility !== 'hidden' && !scrolledWithin(el);
          }).map(el => el.tagName + '.' + el.className + ' ' + el.getBoundingClientRect().right);
        }"""
    )


def small_targets(locator) -> list[str]:
    """The visible elements of `locator` smaller than 44 x 44 px."""
    small = []
    for index in range(locator.count()):
        element = locator.nth(index)
        if not element.is_visible():
            continue
        box = element.bounding_box()
        if box["width"] < 44 or box["height"] < 44:
            small.append(f"{element.evaluate('e => e.outerHTML')[:80]}: {box}")
    return small


# -- the gradebook on a desktop ---------------------------------------------------------------


def inside(box: dict, frame: dict) -> bool:
    return (
        box["x"] >= frame["x"] - 0.5
        and box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5
    )


def visible_frame(page) -> dict:
    """The grid's scrolling box as it shows (without its scrollbar)."""
    return page.locator(".pc-gradebook").evaluate(
        """el => { const box = el.getBoundingClientRect();
                   return {x: box.x, y: box.y, width: el.clientWidth, height: el.clientHeight}; }"""
    )


def clipped_headings(page) -> list[str]:
    """Headings whose text does not fit their cell (cut rather than wrapped)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.pc-gradebook thead th'))
             .filter(th => th.scrollWidth > th.clientWidth + 1)
             .map(th => th.textContent.trim().slice(0, 40))"""
    )


@pytest.mark.parametrize("width", [1400, 1920])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_column_of_the_gradebook_is_in_view_on_a_desktop(
    page, live_server, sign_in, screenshot, teacher, cohort, language, width
):
    set_language(teacher, language)
    path = f"/courses/cohorts/{cohort.pk}/gradebook/"
    open_page(page, live_server, sign_in, path, {"width": width, "height": 1000})
    expect(page.locator("html")).to_have_attribute("lang", language)

    frame = visible_frame(page)
    head = page.get_by_test_id("standing-head")
    assert inside(head.bounding_box(), frame)
    for cell in page.get_by_test_id("standing").all():
        assert inside(cell.bounding_box(), frame)
    assert clipped_headings(page) == []
    assert page_width(page) <= width
    # Every component's heading and input is there, side by side.
    assert page.get_by_test_id("component-head").count() == len(COMPONENTS)
    screenshot(f"gradebook-desktop-{language}-{width}")


def test_standing_stays_in_view_when_the_grid_scrolls(
    page, live_server, sign_in, screenshot, teacher, cohort
):
    # Twelve components do not fit 1400 px: the grid scrolls in its box, Standing stays.
    for order, name in enumerate(["Map reading", "Radio procedure", "Vehicle checks"] * 2):
        AssessmentComponent.objects.create(
            course=cohort.course, name=f"{name} {order}", weight=Decimal("1"), order=10 + order
        )
    set_language(teacher, "ru")
    path = f"/courses/cohorts/{cohort.pk}/gradebook/"
    open_page(page, live_server, sign_in, path, {"width": 1400, "height": 1000})

    grid = page.locator(".pc-gradebook")
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth")  # it does scroll
    # in its own box, no taller than the window: its scrollbar can be seen with the rows
    assert grid.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert grid.bounding_box()["height"] < 1000
    assert inside(page.get_by_test_id("standing-head").bounding_box(), visible_frame(page))
    grid.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert inside(page.get_by_test_id("standing").first.bounding_box(), visible_frame(page))
    assert page_width(page) <= 1400
    screenshot("gradebook-desktop-scrolled-ru-1400")


def test_the_language_switcher_leads_to_the_same_layout(
    page, live_server, sign_in, screenshot, teacher, cohort
):
    path = f"/courses/cohorts/{cohort.pk}/gradebook/"
    open_page(page, live_server, sign_in, path, {"width": 1400, "height": 1000})
    page.get_by_test_id("language-menu").click()
    page.get_by_test_id("language-kk").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page).to_have_url(f"{live_server.url}{path}")
    assert inside(page.get_by_test_id("standing-head").bounding_box(), visible_frame(page))
    assert clipped_headings(page) == []


# -- the gradebook on a phone -----------------------------------------------------------------


def visible_rows(page):
    return page.locator("[data-testid=gradebook-row]:visible")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_enters_scores_one_trainee_at_a_time(
    page, live_server, sign_in, screenshot, teacher, cohort, language
):
    set_language(teacher, language)
    trainees = enrolments(cohort)
    components = list(AssessmentComponent.objects.filter(course=cohort.course).order_by("order"))
    open_page(page, live_server, sign_in, f"/courses/cohorts/{cohort.pk}/gradebook/", PHONE)

    expect(visible_rows(page)).to_have_count(1)
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(trainees[0].pk))
    assert page_width(page) <= PHONE["width"]
    assert wider_than_screen(page) == []
    card = visible_rows(page).first
    assert small_targets(card.locator("input.pc-score")) == []
    assert small_targets(page.locator("[data-trainee-nav] button, #trainee-jump")) == []
    assert small_targets(page.locator("#gradebook-form button[type=submit]")) == []
    # Each input is named by what it shows (the component), within the trainee's name.
    for component in components:
        label = card.locator("label", has_text=component.name)
        expect(label).to_be_visible()
        field = card.get_by_label(component.name)
        expect(field).to_have_attribute(
            "aria-label",
            f"{trainees[0].person.full_name} "
            f"({trainees[0].person.service_number}), {component.name}",
        )
    screenshot(f"gradebook-phone-{language}-1")

    # Next, then a jump with the list, to the fourth trainee; enter two scores there.
    page.get_by_test_id("next-trainee").click()
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(trainees[1].pk))
    page.get_by_test_id("trainee-jump").select_option(index=3)
    fourth = trainees[3]
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(fourth.pk))
    card = visible_rows(page).first
    card.locator(f"#s-{fourth.pk}-{components[0].pk}").fill("77")
    card.locator(f"#s-{fourth.pk}-{components[5].pk}").fill("18.5")
    expect(page.get_by_test_id("unsaved")).to_contain_text("2")
    assert wider_than_screen(page) == []
    screenshot(f"gradebook-phone-{language}-2")
    page.locator(".pc-save-bar button[type=submit]").click()

    # Saved through the grid's form; back on the same trainee, and again after a reload.
    expect(page.locator(".alert-success")).to_be_visible()
    scores = stored_scores(cohort)
    assert scores[fourth.pk, components[0].pk] == Decimal("77")
    assert scores[fourth.pk, components[5].pk] == Decimal("18.5")
    assert len(scores) == len(trainees) + 2
    page.reload()
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(fourth.pk))
    expect(page.locator(f"#s-{fourth.pk}-{components[0].pk}")).to_have_value("77")
    expect(page.locator(f"#s-{fourth.pk}-{components[5].pk}")).to_have_value("18.5")
    assert page_width(page) <= PHONE["width"]
    screenshot(f"gradebook-phone-{language}-3")


def test_a_phone_save_that_went_stale_is_refused_and_shows_the_trainee(
    page, live_server, sign_in, screenshot, teacher, cohort
):
    trainees = enrolments(cohort)
    counter_ied = AssessmentComponent.objects.get(course=cohort.course, name="Counter-IED")
    open_page(page, live_server, sign_in, f"/courses/cohorts/{cohort.pk}/gradebook/", PHONE)
    page.get_by_test_id("trainee-jump").select_option(index=2)
    third = trainees[2]
    # Someone else saves this trainee's score after the page was drawn.
    AssessmentResult.objects.filter(enrolment=third, component=counter_ied).update(
        score=Decimal("99"),
        recorded_by=make_instructor("marat", first_name="Marat", last_name="Ospanov"),
    )
    page.locator(f"#s-{third.pk}-{counter_ied.pk}").fill("71")
    page.locator(".pc-save-bar button[type=submit]").click()

    expect(page.get_by_test_id("stale-warning")).to_contain_text("Marat Ospanov")
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(third.pk))
    expect(visible_rows(page).get_by_test_id("conflict-note")).to_have_text("saved now: 99")
    expect(page.locator(f"#s-{third.pk}-{counter_ied.pk}")).to_have_value("71")
    assert stored_scores(cohort)[third.pk, counter_ied.pk] == Decimal("99")
    assert wider_than_screen(page) == []
    screenshot("gradebook-phone-stale")


def test_a_phone_score_out_of_range_opens_its_trainee(page, live_server, sign_in, teacher, cohort):
    # The browser's own range check on a trainee not on screen shows that trainee.
    trainees = enrolments(cohort)
    exercise = AssessmentComponent.objects.get(course=cohort.course, name="Base security exercise")
    open_page(page, live_server, sign_in, f"/courses/cohorts/{cohort.pk}/gradebook/", PHONE)
    page.get_by_test_id("trainee-jump").select_option(index=1)
    page.locator(f"#s-{trainees[1].pk}-{exercise.pk}").fill("25")  # above 20
    page.get_by_test_id("previous-trainee").click()
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(trainees[0].pk))
    page.locator(".pc-save-bar button[type=submit]").click()
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(trainees[1].pk))
    assert stored_scores(cohort).get((trainees[1].pk, exercise.pk)) is None


# -- the attendance register on a phone -------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_marks_one_day(page, live_server, sign_in, screenshot, teacher, cohort, language):
    set_language(teacher, language)
    trainees = enrolments(cohort)
    today = days_so_far(cohort)[-1]
    open_page(page, live_server, sign_in, f"/courses/cohorts/{cohort.pk}/attendance/", PHONE)

    assert page_width(page) <= PHONE["width"]
    assert wider_than_screen(page) == []
    day_form = page.locator("#attendance-form")
    marks = day_form.locator("[role=radiogroup] label")
    assert marks.count() == 3 * len(trainees)
    assert small_targets(marks) == []
    assert small_targets(day_form.get_by_test_id("select-target")) == []
    assert small_targets(day_form.locator("button[type=submit]")) == []
    assert small_targets(page.locator(".pc-day-picker a, .pc-day-picker button")) == []
    # The register below scrolls its days in its own box; the pinned names leave room.
    register = page.get_by_test_id("register-grid")
    name = register.locator("tbody th").first.bounding_box()
    assert name["width"] <= 0.4 * PHONE["width"]
    screenshot(f"attendance-phone-{language}-1")

    # Everyone present, then the second absent and the third excused; saved.
    day_form.locator("[data-bulk=all_present]").click()
    day_form.locator(f"label[for=m-{trainees[1].pk}-absent]").click()
    day_form.locator(f"label[for=m-{trainees[2].pk}-excused]").click()
    expect(page.get_by_test_id("unsaved")).to_contain_text(str(len(trainees)))
    screenshot(f"attendance-phone-{language}-2")
    day_form.locator(".pc-save-bar button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    stored = stored_marks(cohort, today)
    assert stored[trainees[1].pk] == "absent"
    assert stored[trainees[2].pk] == "excused"
    assert sum(1 for status in stored.values() if status == "present") == len(trainees) - 2

    page.reload()
    expect(page.locator(f"#m-{trainees[1].pk}-absent")).to_be_checked()
    expect(page.locator(f"#m-{trainees[2].pk}-excused")).to_be_checked()
    expect(page.locator(f"#m-{trainees[0].pk}-present")).to_be_checked()

    # The day before, through the day picker: one change, saved.
    page.locator(".pc-day-picker .pc-previous").click()
    before = days_so_far(cohort)[-2]
    expect(page).to_have_url(
        f"{live_server.url}/courses/cohorts/{cohort.pk}/attendance/"
        f"?day={before.isoformat()}#mark-day"
    )
    was = stored_marks(cohort, before)[trainees[0].pk]
    other = "excused" if was != "excused" else "present"
    page.locator(f"label[for=m-{trainees[0].pk}-{other}]").click()
    page.locator("#attendance-form .pc-save-bar button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert stored_marks(cohort, before)[trainees[0].pk] == other
    assert page_width(page) <= PHONE["width"]
    screenshot(f"attendance-phone-{language}-3")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_register_fits_a_desktop(
    page, live_server, sign_in, screenshot, teacher, cohort, language
):
    set_language(teacher, language)
    path = f"/courses/cohorts/{cohort.pk}/attendance/"
    open_page(page, live_server, sign_in, path, {"width": 1400, "height": 1000})
    assert page_width(page) <= 1400
    # The register's days scroll in their box, the trainee's name pinned on the left.
    assert page.get_by_test_id("register-grid").is_visible()
    expect(page.get_by_test_id("days-left")).to_be_visible()
    screenshot(f"attendance-desktop-{language}-1400")


def test_a_registrar_reads_the_gradebook_one_trainee_at_a_time_on_a_phone(
    page, live_server, sign_in, screenshot, cohort
):
    factories.UserFactory(username="dana", roles=[Role.REGISTRAR])
    trainees = enrolments(cohort)
    page.set_viewport_size(PHONE)
    sign_in("dana", "correct-horse-battery")
    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/gradebook/")

    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.locator("input.pc-score")).to_have_count(0)
    expect(visible_rows(page)).to_have_count(1)
    page.get_by_test_id("next-trainee").click()
    expect(visible_rows(page)).to_have_attribute("data-enrolment", str(trainees[1].pk))
    assert page_width(page) <= PHONE["width"]
    assert wider_than_screen(page) == []
    screenshot("gradebook-phone-read-only")
