"""A commander asks for the readiness matrix as an XLSX report from the matrix page, watches
its progress bar move to done without a reload (a real Celery worker builds it: the
`celery_worker` fixture, a thread of this process beside the live server), downloads it and
finds in it the rows the page shows."""

import io
import re
import time

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from personnel.models import Unit
from readiness.models import RequirementProfile
from reports.models import ReportRequest
from reports.services import PROGRESS_DELAY_ENV

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "peacekeeper-2026"  # the demo users' (devtools/demo/reference.py)
STATES = {"Ready": "ready", "Ready, lapsing soon": "lapsing", "Not ready": "not_ready"}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 900},
        "accept_downloads": True,
    }


def test_commander_requests_watches_and_downloads_the_readiness_report(
    page, live_server, sign_in, screenshot, celery_worker, monkeypatch
):
    # Test only: the worker's build sleeps 20 ms at each progress call (one per row), so the
    # bar has a few seconds to move where a person can see it (services.PROGRESS_DELAY_ENV).
    monkeypatch.setenv(PROGRESS_DELAY_ENV, "0.02")
    call_command("seed_demo", verbosity=0)
    kazbat = Unit.objects.get(code="KAZBAT")
    profile = RequirementProfile.objects.get(code="contingent-member")
    sign_in("commander", PASSWORD)

    # 1. The matrix for their battalion, the people with the most gaps first.
    page.goto(
        f"{live_server.url}/personnel/readiness/?profile={profile.pk}&unit={kazbat.pk}&sort=readiness"
    )
    rows = page.get_by_test_id("matrix-row")
    expect(rows.first).to_be_visible()
    shown = [
        (row.get_attribute("data-service-number"), row.get_attribute("data-state"),
         row.locator("th a").inner_text())
        for row in rows.all()
    ]  # fmt: skip
    total = int(
        re.search(r"of ([\d,]+)", page.get_by_test_id("page-summary").inner_text())[1].replace(
            ",", ""
        )
    )
    screenshot("reports-1-matrix")

    # 2. Request the XLSX report: its page opens and the bar moves without a reload.
    page.get_by_test_id("request-xlsx-report").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/$"))
    page.evaluate("window.__samePage = true")
    expect(page.get_by_test_id("report-title")).to_contain_text("KAZBAT")
    bar = page.get_by_test_id("report-progress")
    seen = set()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        value = int(bar.get_attribute("aria-valuenow"))
        if 0 < value < 100 and not any(0 < v < 100 for v in seen):
            screenshot("reports-2-progress")
        seen.add(value)
        if page.get_by_test_id("report-card").get_attribute("data-status") in ("done", "failed"):
            break
        time.sleep(0.1)
    report = ReportRequest.objects.get()
    assert report.status == "done", report.error
    assert any(0 < value < 100 for value in seen), seen  # it moved through the middle
    expect(page.get_by_test_id("report-status")).to_have_text("done")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    download_button = page.get_by_test_id("report-download")
    expect(download_button).to_be_visible()
    assert page.evaluate("window.__samePage") is True  # no reload
    screenshot("reports-3-done")

    # 3. Download it and open it: the page's rows, in the page's order.
    with page.expect_download() as download_info:
        download_button.click()
    download = download_info.value
    assert download.suggested_filename == report.filename
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()), read_only=True)
    [sheet] = workbook.worksheets
    header, *data = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Service number"
    assert header[7] == "Readiness"
    assert len(data) == total
    in_file = [(row[0], STATES[row[7]], f"{row[2]} {row[3]}") for row in data[: len(shown)]]
    assert [(number, state) for number, state, _name in in_file] == [
        (number, state) for number, state, _name in shown
    ]
    # The page writes the full name (last, first, patronymic); the file has the first two.
    for (_n, _s, in_the_file), (_n2, _s2, on_the_page) in zip(in_file, shown, strict=True):
        assert on_the_page.startswith(in_the_file), (in_the_file, on_the_page)

    # 4. The list of my reports has it, done.
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_test_id("report-row")).to_have_count(1)
    expect(page.get_by_test_id("report-row").get_by_test_id("report-status")).to_have_text("done")
    screenshot("reports-4-list")
