"""The accessibility check that every browser test runs (conftest.py, axe-core) finds what it
is there to find, on a page it loaded itself, under the site's Content-Security-Policy."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BROKEN = """() => {
  const main = document.querySelector("main");
  main.insertAdjacentHTML("beforeend",
    '<p id="faint" style="color: #aaa">Faint text</p>' +
    '<a id="mismatch" href="#" aria-label="Open the register">Mark Friday</a>');
}"""


def test_each_loaded_page_is_checked_and_a_violation_fails_the_test(
    page, live_server, accessibility
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/verify/")
    login, verify = f"{live_server.url}/accounts/login/", f"{live_server.url}/verify/"
    accessibility.settle(page)
    assert verify in accessibility.checked  # on load, nothing to report
    # The sign-in page was left at once: checked, or to be opened again at the end.
    assert login in accessibility.checked or login in accessibility.missed
    assert accessibility.violations == {}

    page.evaluate(BROKEN)
    accessibility.check(page)
    found = accessibility.violations
    assert set(found) == {("color-contrast", verify), ("label-content-name-mismatch", verify)}
    assert "#faint" in found[("color-contrast", verify)]
    assert verify in found[("color-contrast", verify)]
    assert "#mismatch" in found[("label-content-name-mismatch", verify)]

    # A page without a level-one heading fails too, though axe rates it moderate.
    page.evaluate("() => document.querySelector('h1').remove()")
    accessibility.check(page)
    assert ("page-has-heading-one", verify) in accessibility.violations

    # Provoked on purpose: the page is loaded afresh (the end of the test checks it again) and
    # the test passes.
    page.reload()
    accessibility.settle(page)
    accessibility.violations.clear()


def test_main_pages_on_a_desktop_and_a_phone(page, live_server, sign_in, screenshot, accessibility):
    """Home, the register and the readiness matrix at 1366 and 390 px wide, the phone's menu
    open too: each is checked (the pages as they load, the menu by hand), no wider than the
    screen, and photographed."""
    call_command("seed_demo", verbosity=0)
    sign_in("registrar", "peacekeeper-2026")
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        for name, path in (
            ("home", "/"),
            ("people", "/personnel/people/"),
            ("matrix", "/personnel/readiness/"),
        ):
            page.goto(f"{live_server.url}{path}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            accessibility.settle(page)  # the check of this page is done before the next
            # Wide tables scroll inside their own box: the page itself never scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            screenshot(f"a11y-{name}-{width}")
        if width < 992:  # Bootstrap's collapsed navigation
            page.get_by_role("button", name="Toggle navigation").click()
            expect(page.locator("#main-nav")).to_be_visible()
            accessibility.check(page)
            screenshot(f"a11y-menu-{width}")
