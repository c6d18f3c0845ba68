"""A commander opens the readiness matrix for their unit, follows a red cell to its reason,
and looks at the gender balance. Screenshots at a laptop's width (1366 px)."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "peacekeeper-2026"  # the demo users' (devtools/demo/reference.py)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def test_commander_follows_a_red_cell_to_its_reason(page, live_server, sign_in, screenshot):
    call_command("seed_demo", verbosity=0)
    sign_in("commander", PASSWORD)
    page.goto(f"{live_server.url}/personnel/readiness/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Readiness matrix")
    rows = page.get_by_test_id("matrix-row")
    expect(rows.first).to_be_visible()
    # Only the commander's battalion: every unit shown is KAZBAT or under it.
    units = page.locator("[data-testid=matrix-row] td:nth-child(3)").all_inner_texts()
    assert units
    assert all(unit.startswith("KAZBAT") for unit in units)
    screenshot("matrix-commander")

    # Those with the most gaps first.
    page.get_by_test_id("sort-readiness").click()
    expect(page).to_have_url(re.compile(r"sort=readiness"))
    red = page.locator("td[data-verdict=not_met] a").first
    reason = red.locator(".small").inner_text()
    assert reason
    red.click()
    expect(page).to_have_url(re.compile(r"/personnel/readiness/people/\d+/\?profile=\d+#req-"))
    anchor = page.url.split("#")[1]
    target = page.locator(f"#{anchor}")
    expect(target).to_have_attribute("data-verdict", "not_met")
    expect(target.get_by_test_id("reason")).not_to_be_empty()
    screenshot("matrix-person-readiness")

    page.goto(f"{live_server.url}/personnel/gender/")
    expect(page.get_by_test_id("gender-chart")).to_be_visible()
    expect(page.get_by_test_id("gender-row")).to_have_count(4)
    screenshot("gender-balance")
