"""An administrator changes a user's access in the admin and reads it back in the audit trail:
who did it, when, and the value before and after; then reads the trail in Kazakh."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def test_an_access_change_in_the_admin_shows_in_the_audit_trail(
    page, live_server, sign_in, screenshot, accessibility
):
    call_command("seed_demo", verbosity=0)
    instructor = User.objects.get(username="instructor")
    assert not instructor.is_staff
    sign_in("admin", "peacekeeper-2026")

    page.goto(f"{live_server.url}/admin/peacecentre/user/{instructor.pk}/change/")
    page.locator("#id_is_staff").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    instructor.refresh_from_db()
    assert instructor.is_staff

    page.goto(f"{live_server.url}/")
    page.get_by_test_id("nav-audit").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    # Users and roles only, as an administrator looking for an access change would filter.
    page.select_option("#id_kind", "role")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_test_id("audit-row").first  # newest first
    expect(row).to_have_attribute("data-object", str(instructor.pk))
    expect(row.get_by_test_id("audit-who")).to_contain_text("admin")
    expect(row.get_by_test_id("audit-what")).to_contain_text(instructor.username)
    change = row.get_by_test_id("audit-change").first
    expect(change).to_contain_text("→")
    screenshot("audit-trail")

    # The same page in Kazakh: the trail's headings and the change's labels are translated.
    page.get_by_test_id("language-menu").click()
    accessibility.check(page)  # the open menu
    page.get_by_test_id("language-kk").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Audit trail")
    expect(page.get_by_test_id("audit-row").first).to_have_attribute(
        "data-object", str(instructor.pk)
    )
    screenshot("audit-trail-kk")
