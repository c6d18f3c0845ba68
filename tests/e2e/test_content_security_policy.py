"""The browser enforces the Content-Security-Policy: an injected inline script does not run.
(Every other browser test fails on any refusal: see no_content_security_policy_violations.)"""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_injected_inline_script_is_refused(
    page, live_server, no_content_security_policy_violations
):
    page.goto(f"{live_server.url}/accounts/login/")
    with pytest.raises(Exception):  # noqa: B017, PT011 (Playwright raises a plain Error)
        page.add_script_tag(content="window.injected = true;")
    assert page.evaluate("typeof window.injected") == "undefined"
    refused = no_content_security_policy_violations
    assert any("inline script" in text for text in refused), refused
    refused.clear()
    # The page's own scripts, from static files, did run: Bootstrap is loaded.
    assert page.evaluate("typeof window.bootstrap") == "object"
