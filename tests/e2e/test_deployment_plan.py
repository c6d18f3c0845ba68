"""The demo commander plans a deployment for someone of their battalion who is not ready, in a
browser: the page refuses it with the reasons, keeps the input and offers no override."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from devtools.demo.reference import DEMO_PASSWORD
from personnel.models.dates import period_end
from personnel.scope import people_for
from readiness.deployability import deployability
from readiness.models import Deployment, Mission, RequirementProfile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plan():
    """seed_demo, and a KAZBAT soldier free over a tour 4 months ahead but not ready for it as
    a UN Military Observer."""
    call_command("seed_demo", verbosity=0)
    commander = User.objects.get(username="commander")
    role = RequirementProfile.objects.get(code="un-military-observer")
    starts_on = timezone.localdate() + dt.timedelta(days=120)
    ends_on = period_end(starts_on, months=role.default_tour_months)
    busy = Deployment.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on).values(
        "person"
    )
    people = people_for(commander).active().exclude(pk__in=busy).order_by("service_number")
    readiness = deployability(people=people, profile=role, on=starts_on, tour_ends_on=ends_on)
    person = next(r.person for r in readiness.values() if not r.ready)
    return {
        "person": person,
        "reasons": [check.reason for check in readiness[person.pk].gaps],
        "role": role,
        "mission": Mission.objects.get(acronym="MINURSO"),
        "starts_on": starts_on,
    }


def test_commander_is_refused_with_the_reasons(page, live_server, sign_in, screenshot, plan):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in("commander", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/personnel/missions/")
    expect(page.get_by_role("heading", name="Missions", exact=True)).to_be_visible()
    screenshot("deployment_missions_1366")
    page.get_by_test_id("plan-deployment").click()
    # Typed as without the picker's list: the page looks the service number up.
    page.get_by_role("combobox", name="Person").fill(plan["person"].service_number)
    page.select_option("#id_mission", str(plan["mission"].pk))
    page.select_option("#id_role", str(plan["role"].pk))
    page.fill("#id_starts_on", plan["starts_on"].isoformat())
    page.get_by_role("button", name="Check and plan").click()

    refusal = page.get_by_test_id("not-ready")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(plan["person"].full_name)
    reasons = page.get_by_test_id("reasons").locator("li")
    expect(reasons).to_have_count(len(plan["reasons"]))
    expect(reasons.first).to_contain_text(plan["reasons"][0][1:])
    # The input is kept; commanders are not offered an override.
    expect(page.locator("input[name=person]")).to_have_value(str(plan["person"].pk))
    expect(page.locator("#id_person")).to_have_value(re.compile(plan["person"].service_number))
    expect(page.locator("#id_starts_on")).to_have_value(plan["starts_on"].isoformat())
    expect(page.get_by_test_id("override-field")).to_have_count(0)
    screenshot("deployment_plan_refused_1366")
    assert not Deployment.objects.filter(person=plan["person"], mission=plan["mission"]).exists()
