"""The commander's journey in Russian: sign in, switch the interface to Russian
from the menu, open the readiness matrix for their battalion, follow a red cell to its reason,
and plan a deployment that is refused with the reasons, every step in Russian, with dates in
the Russian format. The expected words come from the catalogue (gettext under Russian), and
each is checked to differ from the English, so the test proves the pages were translated."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User
from personnel.models import Unit
from readiness.models import Deployment, Mission, RequirementProfile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CYRILLIC = re.compile("[\u0400-\u04ff]")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def russian(message: str) -> str:
    with translation.override("ru"):
        text = translation.gettext(message)
    assert text != message, f"{message!r} has no Russian translation"
    return text


def test_commander_walks_the_journey_in_russian(
    page, live_server, sign_in, screenshot, accessibility
):
    call_command("seed_demo", verbosity=0)
    kazbat = Unit.objects.get(code="KAZBAT")
    profile = RequirementProfile.objects.get(code="contingent-member")
    deployments_before = Deployment.objects.count()
    sign_in("commander", "peacekeeper-2026")

    # 0. The language menu: Russian, kept on the user.
    page.get_by_test_id("language-menu").click()
    accessibility.check(page)  # the open menu
    page.get_by_test_id("language-ru").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert User.objects.get(username="commander").language == "ru"
    nav = page.locator("#main-nav")
    expect(nav).to_contain_text(russian("Home"))
    expect(nav).to_contain_text(russian("Readiness"))
    for english in ("Home", "Readiness", "Missions", "Courses", "Reports", "Sign out"):
        expect(nav).not_to_contain_text(english)
    # Dates in the Russian format: the footer's day, month name in the genitive, year.
    expect(page.locator("footer")).to_contain_text(
        re.compile(
            r"\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|"
            r"октября|ноября|декабря) \d{4}"
        )
    )
    screenshot("commander-journey-ru-0-home")

    # 1. The matrix for their battalion and the contingent member's profile.
    page.get_by_test_id("nav-readiness").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(russian("Readiness matrix"))
    page.select_option("#id_profile", str(profile.pk))
    page.select_option("#id_unit", str(kazbat.pk))
    page.get_by_role("button", name=russian("Apply")).click()
    expect(page).to_have_url(re.compile(rf"unit={kazbat.pk}"))
    rows = page.get_by_test_id("matrix-row")
    expect(rows.first).to_be_visible()
    screenshot("commander-journey-ru-1-matrix")

    # 2. A red cell, its reason in Russian, followed to the person's readiness page.
    red = page.locator("td[data-verdict=not_met] a").first
    cell_reason = red.locator(".small").inner_text().strip()
    assert cell_reason
    assert CYRILLIC.search(cell_reason), cell_reason
    red.click()
    target = page.locator(f"#{page.url.split('#')[1]}")
    expect(target).to_have_attribute("data-verdict", "not_met")
    reason = target.get_by_test_id("reason").inner_text()
    assert CYRILLIC.search(reason), reason
    screenshot("commander-journey-ru-2-reason")

    # 3. Plan a tour for that person: refused, with the reasons, in Russian.
    person_pk = re.search(r"/readiness/people/(\d+)/", page.url).group(1)
    page.goto(f"{live_server.url}/personnel/people/{person_pk}/")
    page.get_by_test_id("plan-deployment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(russian("Plan a deployment"))
    page.select_option("#id_role", str(profile.pk))
    page.select_option("#id_mission", str(Mission.objects.get(acronym="UNDOF").pk))
    starts_on = dt.date.today() + dt.timedelta(days=3 * 365)
    page.fill("#id_starts_on", starts_on.isoformat())
    page.get_by_role("button", name=russian("Check and plan")).click()
    refusal = page.get_by_test_id("not-ready")
    expect(refusal).to_be_visible()
    expect(refusal).not_to_contain_text("is not ready to deploy")
    first_reason = refusal.locator("li").first.inner_text()
    assert CYRILLIC.search(first_reason), first_reason
    screenshot("commander-journey-ru-3-refused")
    assert Deployment.objects.count() == deployments_before
