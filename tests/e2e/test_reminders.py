"""A commander finds their reminders in the app: the demo's morning sweeps recorded them,
the home page shows those due soonest, and the reminders page leads to the record."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from notifications.models import Reminder

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "peacekeeper-2026"  # the demo users' (devtools/demo/reference.py)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def test_commander_sees_their_reminders_and_follows_one(page, live_server, sign_in, screenshot):
    call_command("seed_demo", verbosity=0)
    mine = Reminder.objects.filter(recipient_user__username="commander")
    assert mine.exists(), "the demo's sweeps recorded reminders for the commander"

    sign_in("commander", PASSWORD)
    panel = page.get_by_test_id("home-reminders")
    expect(panel).to_be_visible()
    due = panel.get_by_test_id("home-reminder")
    expect(due.first).to_be_visible()
    assert 1 <= due.count() <= 5
    screenshot("reminders-home-commander")

    page.get_by_test_id("home-reminders-all").click()
    expect(page).to_have_url(re.compile(r"/reminders/$"))
    rows = page.locator("main li, main tr").filter(has=page.locator("a"))
    expect(rows.first).to_be_visible()
    text = page.locator("main").inner_text()
    # Every reminder on the page is the commander's own: none of another user's appears.
    others = Reminder.objects.exclude(recipient_user__username="commander")
    foreign = [r.recipient_email for r in others[:20]]
    assert all(email not in text for email in foreign)
    screenshot("reminders-list-commander")

    link = page.locator("main a[href*='/personnel/people/'], main a[href*='/courses/']").first
    href = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(href.split("#")[0])))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
