"""The demo commander opens their battalion's readiness page in a browser: every section is
there and reads well at laptop width (the screenshot is in var/screenshots/)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devtools.demo import DEMO_PASSWORD, seed_demo
from devtools.demo.readiness import seed_readiness_snapshots
from personnel.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def test_commander_reads_the_battalions_readiness(page, live_server, sign_in, screenshot):
    today = timezone.localdate()
    seed_demo(today=today)
    seed_readiness_snapshots(today=today)
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in("commander", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/personnel/units/")
    page.get_by_test_id("unit-row-KAZBAT").get_by_role("link").click()

    expect(page.get_by_test_id("unit-name")).to_contain_text("KAZBAT")
    expect(page.get_by_test_id("headcount")).not_to_have_text("0")
    expect(page.get_by_test_id("trend-line").first).to_be_visible()
    expect(page.get_by_test_id("subunit-KAZBAT-1")).to_be_visible()
    page.get_by_test_id("trend-table").locator("summary").click()
    expect(page.get_by_test_id("trend-table").locator("table")).to_be_visible()
    screenshot("unit-readiness-kazbat")

    page.get_by_test_id("subunit-KAZBAT-1").get_by_role("link").click()
    expect(page.get_by_test_id("assessment").first).to_be_visible()
    expect(page.get_by_test_id("breadcrumb")).to_contain_text("KAZBAT")
    screenshot("unit-readiness-kazbat-1")
    # Outside the commander's battalion: not found.
    police = Unit.objects.get(code="MIA-PPD")
    response = page.goto(f"{live_server.url}/personnel/units/{police.pk}/")
    assert response.status == 404
