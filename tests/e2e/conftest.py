"""Browser tests: Playwright (pytest-playwright) drives Debian's chromium at /usr/bin/chromium
against Django's live server. Screenshots go to var/screenshots/ for a human to look at."""

import os
from pathlib import Path

import pytest

from tests import services
from tests.conftest import require

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from it (the live server fixture needs this too).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(*services.chromium())
    return {
        **browser_type_launch_args,
        "executable_path": services.CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under var/screenshots/<name>.png and return its path."""

    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the real login form."""

    def do(username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()

    return do


@pytest.fixture(autouse=True)
def no_content_security_policy_violations(request):
    """Every browser test also proves the Content-Security-Policy holds: the page ran no
    inline script and loaded nothing the policy refuses (chromium reports each refusal on the
    console)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused: list[str] = []

    def listen(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    yield refused  # a test that provokes a refusal on purpose takes it off the list
    assert refused == [], "\n".join(refused)
