"""A signed-in registrar, the database gone: the browser shows the retry page (styled, at
390 px and on a desktop), and the next page once it is back. And the 400 page."""

import socket

import pytest
from django.db import connection
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cut_off(tmp_path) -> None:
    """Point every new connection where no database answers (the live server's thread reads
    the same settings), and end the connections open now."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The live server keeps its connection (CONN_MAX_AGE): end it as a restart would.
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        connection.close()
        connection.settings_dict["NAME"] = str(tmp_path / "missing-folder" / "db.sqlite3")


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_the_retry_page_in_a_browser(
    page, live_server, sign_in, registrar, screenshot, tmp_path, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    sign_in("reg", "correct-horse-battery")
    expect(page).to_have_url(f"{live_server.url}/")
    saved = dict(connection.settings_dict)
    try:
        _cut_off(tmp_path)
        response = page.goto(f"{live_server.url}/personnel/people/")
        assert response.status == 503
        assert response.headers["retry-after"] == "60"
        expect(page.get_by_test_id("unavailable")).to_have_text(
            "The service is briefly unavailable"
        )
        expect(page.get_by_text("Please retry in a minute")).to_be_visible()
        # Styled by this site's Bootstrap, and the page fits the screen.
        assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "flex"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(f"database-outage-{width}")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    page.get_by_role("link", name="Retry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personnel register")


def test_the_bad_request_page_in_a_browser(page, live_server, sign_in, registrar, screenshot):
    """A request past Django's field limit (DATA_UPLOAD_MAX_NUMBER_FIELDS) gets the 400 page,
    styled like the others."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("reg", "correct-horse-battery")
    query = "&".join(["f=1"] * 10_001)
    response = page.goto(f"{live_server.url}/courses/cohorts/?{query}")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The page could not read this request"
    )
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "flex"
    screenshot("bad-request-390")
    page.get_by_role("link", name="Back to the home page").click()
    expect(page).to_have_url(f"{live_server.url}/")
