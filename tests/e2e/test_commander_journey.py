"""The commander's journey end to end in a browser: sign in, open the readiness
matrix for their unit, follow a red cell to its reason, and plan a deployment for that person,
which is refused with the reasons."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from personnel.models import Unit
from readiness.models import Deployment, Mission, RequirementProfile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def test_matrix_red_cell_reason_and_a_refused_deployment(page, live_server, sign_in, screenshot):
    call_command("seed_demo", verbosity=0)
    kazbat = Unit.objects.get(code="KAZBAT")
    profile = RequirementProfile.objects.get(code="contingent-member")
    deployments_before = Deployment.objects.count()
    sign_in("commander", "peacekeeper-2026")

    # 1. The matrix for their battalion and the contingent member's profile.
    page.get_by_test_id("nav-readiness").click()
    page.select_option("#id_profile", str(profile.pk))
    page.select_option("#id_unit", str(kazbat.pk))
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"unit={kazbat.pk}"))
    units = page.locator("[data-testid=matrix-row] td:nth-child(3)").all_inner_texts()
    assert units
    assert all(unit.startswith("KAZBAT") for unit in units)
    screenshot("commander-journey-1-matrix")

    # 2. A red cell, followed to its reason on the person's readiness page.
    red = page.locator("td[data-verdict=not_met] a").first
    cell_reason = red.locator(".small").inner_text().strip()
    assert cell_reason
    red.click()
    target = page.locator(f"#{page.url.split('#')[1]}")
    expect(target).to_have_attribute("data-verdict", "not_met")
    expect(target.get_by_test_id("reason")).not_to_be_empty()
    screenshot("commander-journey-2-reason")

    # 3. From the person's page, plan a tour (after any tour they serve now): refused, with
    # the reasons.
    person_pk = re.search(r"/readiness/people/(\d+)/", page.url).group(1)
    page.goto(f"{live_server.url}/personnel/people/{person_pk}/")
    page.get_by_test_id("plan-deployment").click()
    page.select_option("#id_role", str(profile.pk))
    page.select_option("#id_mission", str(Mission.objects.get(acronym="UNDOF").pk))
    starts_on = dt.date.today() + dt.timedelta(days=3 * 365)
    page.fill("#id_starts_on", starts_on.isoformat())
    page.get_by_role("button", name="Check and plan").click()
    refusal = page.get_by_test_id("not-ready")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("is not ready to deploy as Contingent member")
    expect(refusal.locator("li").first).to_be_visible()
    screenshot("commander-journey-3-refused")
    assert Deployment.objects.count() == deployments_before
