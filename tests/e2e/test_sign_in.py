"""The registrar demo user signs in through a real browser and sees their home page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_registrar_demo_user_signs_in_and_sees_home(page, live_server, sign_in, screenshot):
    call_command("seed_demo", verbosity=0)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    screenshot("login")

    sign_in("registrar", "peacekeeper-2026")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(page.get_by_test_id("registrar-home")).to_be_visible()
    expect(page.get_by_test_id("role-badge")).to_have_text("Registrar")
    active = int(page.get_by_test_id("active-people").inner_text())
    assert 250 <= active <= 320
    # Bootstrap came from this server, styled the page, and nothing came from elsewhere.
    assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "flex"
    screenshot("registrar-home")


def test_sign_out_returns_to_login(page, live_server, sign_in, registrar):
    sign_in("reg", "correct-horse-battery")
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_no_request_leaves_this_server(page, live_server, sign_in, registrar):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    sign_in("reg", "correct-horse-battery")
    page.wait_for_load_state("networkidle")
    assert hosts == {live_server.url.split("/")[2]}


def test_an_address_trying_many_user_names_is_told_to_wait(
    page, live_server, sign_in, registrar, screenshot, settings
):
    """The browser sees the refusal page (at phone width), and the right password waits too."""
    # django-ratelimit counts in fixed windows: the 20 tries of this slow test must not
    # straddle the end of one (15 minutes by default), so the window here is a day.
    settings.SIGNIN_ADDRESS_RATE = "20/d"
    page.set_viewport_size({"width": 390, "height": 844})
    for number in range(20):
        sign_in(f"guess{number}", "Password123!")
        expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    sign_in("reg", "correct-horse-battery")
    expect(page.get_by_test_id("address-throttled")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-ins")
    expect(page.get_by_test_id("address-throttled")).to_contain_text("Try again in")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("sign-in-address-throttled-390")
