"""A commander on a phone asks for a report while the task queue is down: the report's page
opens and says the request is saved and will start when the queue is back; once the broker
answers again the relay hands the build over, a real worker builds it and the same page
shows it done without a reload."""

import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from common.outbox.models import OutboxTask
from personnel.models import Unit
from readiness.models import RequirementProfile
from reports.models import ReportRequest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "peacekeeper-2026"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def test_a_report_asked_for_during_a_broker_outage_is_built_when_it_is_back(
    page, live_server, sign_in, screenshot, celery_worker, settings
):
    call_command("seed_demo", verbosity=0)
    kazbat = Unit.objects.get(code="KAZBAT")
    profile = RequirementProfile.objects.get(code="contingent-member")
    sign_in("commander", PASSWORD)
    working_broker = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # the queue is down

    page.goto(f"{live_server.url}/personnel/readiness/?profile={profile.pk}&unit={kazbat.pk}")
    page.get_by_test_id("request-xlsx-report").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    notice = page.get_by_text("Saved. The task queue is not answering")
    expect(notice).to_be_visible()
    waiting = page.get_by_test_id("report-waiting-for-queue")
    expect(waiting).to_be_visible()
    page.evaluate("window.__samePage = true")
    screenshot("report-outage-1-saved-390")
    report = ReportRequest.objects.get()
    assert report.status == "queued"
    assert OutboxTask.objects.get().sent_at is None
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone

    settings.CELERY_BROKER_URL = working_broker  # the queue is back
    deadline = time.monotonic() + 30
    while OutboxTask.objects.filter(sent_at__isnull=True).exists():
        assert time.monotonic() < deadline, "the relay did not hand the task over"
        OutboxTask.objects.update(next_attempt_at=report.created_at)  # due now
        call_command("outbox_relay", once=True)
    card = page.get_by_test_id("report-card")
    expect(card).to_have_attribute("data-status", "done", timeout=60_000)
    assert page.evaluate("window.__samePage") is True  # no reload
    expect(waiting).to_be_hidden()
    screenshot("report-outage-2-done-390")
