"""Browser tests: Playwright (pytest-playwright) drives Debian's chromium at /usr/bin/chromium
against Django's live server. Screenshots go to var/screenshots/ for a human to look at.

Every page a browser test visits is also checked for accessibility by axe-core (WCAG 2.0, 2.1
and 2.2, levels A and AA): a serious or critical violation fails the test."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests import services
from tests.conftest import require
from tests.e2e.demo_snapshot import seeding_once

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# Test-only: never served by the product (vendor/README.md says where it comes from).
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Rules outside those tags that guard what was once broken here. axe marks label-in-name as
# experimental, so the tags alone leave it out.
AXE_EXTRA_RULES = ["label-content-name-mismatch", "page-has-heading-one", "landmark-one-main"]
AXE_FAILING_IMPACTS = ["serious", "critical"]
# Extra rules fail at any impact: a page without a heading is "moderate" to axe.
# axe runs one check at a time on a page: a check asked for while one runs waits its turn.
AXE_RUN = """async ([tags, extraRules, impacts]) => {
  // A transition under way (a button's hover colour fading in) is checked as it will end,
  // not at a blend of its two colours.
  const run = () => {
    document.getAnimations().forEach((animation) => {
      try { animation.finish(); } catch (error) { /* an endless animation: left running */ }
    });
    return axe.run(document, {
      runOnly: {type: "tag", values: tags},
      rules: Object.fromEntries(extraRules.map((id) => [id, {enabled: true}])),
      resultTypes: ["violations"],
    });
  };
  const turn = (window.pcAxeTurn || Promise.resolve()).then(run, run);
  window.pcAxeTurn = turn;
  const results = await turn;
  return results.violations
    .filter((v) => impacts.includes(v.impact) || extraRules.includes(v.id))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
      summary: v.nodes[0] ? v.nodes[0].failureSummary : "",
    }));
}"""
# Playwright's errors when the page moved on (or closed) while axe ran, or between axe's
# injection and its run: the page it left is no longer there to check; the next one is
# checked when it loads.
PAGE_GONE = ("Execution context was destroyed", "has been closed", "navigat", "axe is not defined")

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# database access from it (the live server fixture needs this too).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _demo_seeded_once(monkeypatch):
    """`call_command("seed_demo")` on the empty database a browser test starts with copies
    back what this process seeded there the first time (demo_snapshot.py says why that is
    the same data): seeding takes seconds, most browser tests start with it."""
    from devtools.management.commands import seed_demo as command

    monkeypatch.setattr(command, "seed_demo", seeding_once(command.seed_demo))


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


class AccessibilityChecks:
    """Runs axe on a page and keeps every serious or critical violation it finds.

    The check of a page that just loaded runs beside the test, which may move on to the next
    page first; a page left that way, if it was fetched by GET, is opened again at the end of
    the test (in the same browser context, so signed in alike) and checked then."""

    def __init__(self) -> None:
        self.script = AXE_SCRIPT.read_text(encoding="utf-8")
        self.violations: dict[tuple[str, str], str] = {}
        self.checked: list[str] = []
        self.missed: dict[str, object] = {}  # url: the browser context to open it again in
        self._fetched_by: dict[str, str] = {}  # url: the method that fetched the page
        self.running = 0

    def watch(self, page) -> None:
        """Check the page each time it finishes loading."""
        page.on("request", lambda request: self._note(page, request))
        page.on("load", self.check)

    def _note(self, page, request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            self._fetched_by[request.url] = request.method

    def check(self, page) -> None:
        """Check the page as it is now; call it after a change to the page that matters (a
        dialog opened, rows added by a script)."""
        url = page.url
        if page.is_closed() or not url.startswith("http"):
            return
        self.running += 1
        try:
            if not page.evaluate("typeof window.axe === 'object'"):
                # Evaluated through the browser's debugging protocol, which the page's CSP
                # does not govern: the CSP stays on for every test.
                page.evaluate(self.script)
            found = page.evaluate(AXE_RUN, [AXE_TAGS, AXE_EXTRA_RULES, AXE_FAILING_IMPACTS])
        except PlaywrightError as error:
            if not any(sign in str(error) for sign in PAGE_GONE):
                self.violations[("axe did not run", url)] = f"axe did not run on {url}: {error}"
            elif self._fetched_by.get(url) == "GET":
                self.missed[url] = page.context
            return
        finally:
            self.running -= 1
        self.checked.append(url)
        self.missed.pop(url, None)
        for violation in found:
            targets = "\n      ".join(violation["targets"][:10])
            more = len(violation["targets"]) - 10
            if more > 0:
                targets += f"\n      ... and {more} more"
            self.violations[(violation["id"], url.split("#")[0])] = (
                f"{violation['impact']} {violation['id']} ({violation['help']}) on {url}:\n"
                f"      {targets}\n    {violation['summary'].strip()}"
            )

    def settle(self, page) -> None:
        """Wait until the checks under way are done (each browser call lets them go on)."""
        while self.running:
            page.wait_for_timeout(50)

    def check_missed(self) -> None:
        """Open each page the test left before its check finished, and check it."""
        for url, context in list(self.missed.items()):
            try:
                page = context.new_page()
            except PlaywrightError:  # the test closed that context (a page of its own)
                continue
            try:
                page.goto(url)
                self.check(page)
            finally:
                page.close()


@pytest.fixture(autouse=True)
def accessibility(request):
    """Every page a browser test visits is checked by axe when it loads, and the page is
    checked once more as the test left it. A test that changes a page without loading
    another calls accessibility.check(page) where it matters."""
    if "page" not in request.fixturenames:
        yield None
        return
    page = request.getfixturevalue("page")
    checks = AccessibilityChecks()
    checks.watch(page)
    yield checks
    checks.settle(page)
    checks.check(page)
    checks.check_missed()
    assert not checks.violations, (
        "accessibility violations (axe-core):\n  "
        + "\n  ".join(checks.violations.values())
        + "\npages checked: "
        + ", ".join(checks.checked)
    )
