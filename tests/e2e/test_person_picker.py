"""The person picker in a real browser: a commander plans a tour for someone of their
battalion, and a registrar enrols one person, each by typing the name in Cyrillic (the
register holds it in Latin) and choosing with the keyboard, at 390 and 1366 px wide. Escape
closes the list; the page never holds the register."""

import pytest
from playwright.sync_api import expect

from readiness.models import Deployment
from tests import factories
from tests.courses.enrolment_support import make_cohort
from tests.readiness.deployment_support import START, make_ready, plain_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1366]


def choose_by_keyboard(page, typed: str, expected_label: str, shot=None) -> None:
    """Type into the picker, check the combobox's states, and choose the first match."""
    box = page.get_by_role("combobox", name="Person").or_(
        page.get_by_role("combobox", name="Name or service number")
    )
    box.click()
    box.press_sequentially(typed, delay=40)
    listbox = page.get_by_role("listbox", name="Matching people")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(1)
    # Escape closes the list and keeps the text; typing on opens it again.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value(typed)
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    option = options.first
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    if shot:
        shot()
    box.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value(expected_label)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_commander_plans_by_typing_a_name_in_cyrillic(
    page, live_server, sign_in, screenshot, commander, width
):
    page.set_viewport_size({"width": width, "height": 900})
    battalion = factories.UnitFactory(code="KAZBAT", commander=commander)
    person = make_ready(
        factories.PersonFactory(
            last_name="Zhumabayev", first_name="Arman", service_number="KZ-7001", unit=battalion
        )
    )
    factories.PersonFactory(last_name="Seitkali", unit=battalion)
    # Someone of another unit with the same name: not the commander's to find.
    factories.PersonFactory(last_name="Zhumabayev", unit=factories.UnitFactory(code="MIA"))
    mission = factories.MissionFactory()
    role = plain_role()

    sign_in("cmdr", "correct-horse-battery")
    page.goto(f"{live_server.url}/personnel/deployments/plan/")
    assert page.locator("option", has_text="Seitkali").count() == 0  # no list of people
    choose_by_keyboard(
        page,
        "Жумабаев",
        f"{person.rank} Zhumabayev Arman (KZ-7001) · KAZBAT",
        shot=lambda: screenshot(f"person_picker_plan_open_{width}"),
    )
    screenshot(f"person_picker_plan_{width}")
    page.select_option("#id_mission", str(mission.pk))
    page.select_option("#id_role", str(role.pk))
    page.fill("#id_starts_on", START.isoformat())
    page.get_by_role("button", name="Check and plan").click()

    expect(page.get_by_role("alert").first).to_contain_text("Planned")
    expect(page.get_by_role("alert").first).to_contain_text("Zhumabayev Arman")
    assert Deployment.objects.get().person == person


@pytest.mark.parametrize("width", WIDTHS)
def test_a_registrar_enrols_one_person_by_typing_a_name_in_cyrillic(
    page, live_server, sign_in, screenshot, registrar, width
):
    page.set_viewport_size({"width": width, "height": 900})
    cohort = make_cohort(capacity=3, code="UNSOC-2027-05")
    person = factories.PersonFactory(
        last_name="Zhumabayev", first_name="Arman", service_number="KZ-7001",
        unit=factories.UnitFactory(code="KAZBAT"),
    )  # fmt: skip
    factories.PersonFactory(last_name="Seitkali")

    sign_in("reg", "correct-horse-battery")
    page.goto(f"{live_server.url}/courses/cohorts/{cohort.pk}/enrol/person/")
    choose_by_keyboard(page, "Жумабаев Арман", f"{person.rank} Zhumabayev Arman (KZ-7001) · KAZBAT")
    screenshot(f"person_picker_enrol_{width}")
    page.get_by_role("button", name="Preview").click()

    rows = page.get_by_test_id("enrol-preview").get_by_test_id("preview-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Zhumabayev")
    page.get_by_role("button", name="Save enrolments").click()
    expect(page.get_by_role("alert").first).to_contain_text("Saved: 1 enrolled.")
