"""A registrar finds a person in the register, opens their page and corrects a field."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "peacekeeper-2026"  # the demo users' (devtools/demo/reference.py)


def unit_value(page, code: str) -> str:
    return page.locator("#id_unit option", has_text=f"{code} ·").first.get_attribute("value")


def test_registrar_searches_filters_opens_and_edits(page, live_server, sign_in, screenshot):
    call_command("seed_demo", verbosity=0)
    sign_in("registrar", PASSWORD)
    page.goto(f"{live_server.url}/personnel/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnel register")
    expect(page.get_by_test_id("person-row")).to_have_count(50)
    screenshot("register-list")

    # Search in Cyrillic finds the names written in Latin.
    page.get_by_label("Name or service number").fill("Абенов")
    page.get_by_role("button", name="Apply").click()
    rows = page.get_by_test_id("person-row")
    expect(rows.first).to_contain_text("Abenov")
    found = rows.count()
    assert 1 <= found < 50

    # Narrow to the battalion: its companies' people stay, the search too.
    page.select_option("#id_unit", unit_value(page, "KAZBAT"))
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"unit=\d+"))
    expect(page.get_by_label("Name or service number")).to_have_value("Абенов")
    units = page.locator("[data-testid=person-row] td:nth-child(5)").all_inner_texts()
    assert units
    assert all(unit.startswith("KAZBAT") for unit in units)
    assert len(units) <= found

    # Sort by rank, most senior first: the filters stay.
    page.get_by_test_id("sort-rank").click()
    page.get_by_test_id("sort-rank").click()
    expect(page).to_have_url(re.compile(r"sort=-rank"))
    expect(page).to_have_url(re.compile(r"q=%D0%90%D0%B1%D0%B5%D0%BD%D0%BE%D0%B2"))
    expect(page).to_have_url(re.compile(r"unit=\d+"))
    people = f"{len(units)} people" if len(units) != 1 else "1 person"
    expect(page.get_by_test_id("person-count")).to_have_text(people)
    screenshot("register-list-filtered")

    # Open the most senior Abenov: the commander of KAZBAT in the demo data.
    rows.first.get_by_role("link").click()
    expect(page.get_by_test_id("person-name")).to_contain_text("Abenov")
    expect(page.get_by_test_id("unit-path")).to_contain_text("MOD \u203a KAZBAT")
    expect(page.get_by_test_id("qualifications")).to_be_visible()
    expect(page.get_by_test_id("certifications")).to_be_visible()
    screenshot("register-person")

    # Correct the phone number.
    page.get_by_test_id("edit-person").click()
    # The form's script (at the end of the page) must be running before the category changes.
    expect(page).to_have_url(re.compile(r"/people/\d+/edit/$"))
    page.wait_for_load_state()
    # The rank select offers only the ranks of the chosen category, and keeps the choice.
    rank = page.locator("#id_rank").input_value()
    page.select_option("#id_category", "police")
    assert page.locator("#id_rank option[data-category=military]").first.is_disabled()
    expect(page.locator("#id_rank")).to_have_value("")
    page.select_option("#id_category", "military")
    expect(page.locator("#id_rank")).to_have_value(rank)
    page.get_by_label("Phone").fill("+7 701 555 01 02")
    screenshot("register-person-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Saved")
    expect(page.get_by_test_id("identity")).to_contain_text("+7 701 555 01 02")
