"""An outsider checks a certificate in a real browser, without signing in: types its code,
sees it VALID with only the name, course and dates; a revoked one and an unknown code too.
Screenshots: var/screenshots/verify-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from courses.models import Certification
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def certification() -> Certification:
    course = factories.CourseFactory(code="UNSOC", title="United Nations Staff Officer Course")
    person = factories.PersonFactory(
        last_name="Жұмабаев",
        first_name="Ерлан",
        middle_name="Қайратұлы",
        service_number="KZ-004217",
    )
    today = timezone.localdate()
    return factories.CertificationFactory(
        person=person,
        course=course,
        number="UNSOC-2026-0007",
        issued_on=today - dt.timedelta(days=60),
        valid_until=today + dt.timedelta(days=1400),
    )


def test_an_outsider_types_a_code_and_sees_the_certificate_valid(
    page, live_server, screenshot, certification
):
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.set_viewport_size({"width": 1366, "height": 768})  # a laptop
    page.goto(f"{live_server.url}/verify/")
    expect(page.get_by_role("heading", name="Check a certificate")).to_be_visible()
    screenshot("verify-lookup")

    page.get_by_label("Verification code").fill(certification.verification_code)
    page.get_by_role("button", name="Check").click()

    expect(page).to_have_url(f"{live_server.url}/verify/{certification.verification_code}/")
    expect(page.get_by_test_id("state")).to_have_text("VALID")
    card = page.get_by_test_id("verification")
    expect(card).to_contain_text("Жұмабаев Ерлан Қайратұлы")
    expect(card).to_contain_text("United Nations Staff Officer Course")
    expect(card).to_contain_text("UNSOC-2026-0007")
    expect(card).not_to_contain_text("KZ-004217")
    # Styled by the vendored Bootstrap (the status band is green), nothing from elsewhere.
    band = page.locator(".card-header").first
    assert band.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(25, 135, 84)"
    page.wait_for_load_state("networkidle")
    assert hosts == {live_server.url.split("/")[2]}
    screenshot("verify-valid")


def test_a_revoked_certificate_an_unknown_code_and_too_many(
    page, live_server, screenshot, certification, settings
):
    settings.VERIFY_RATE = "1/10m"
    Certification.objects.filter(pk=certification.pk).update(
        revoked_at=timezone.now(),
        revoked_by=factories.UserFactory(roles=[Role.REGISTRAR]),
        revocation_reason="Issued in error",
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/verify/{certification.verification_code}/")
    expect(page.get_by_test_id("state")).to_have_text("REVOKED")
    screenshot("verify-revoked")

    response = page.goto(f"{live_server.url}/verify/NoSuchCode123/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("No certificate has this code")
    screenshot("verify-not-found")

    response = page.goto(f"{live_server.url}/verify/NoSuchCode456/")
    assert response.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    screenshot("verify-throttled")


def test_the_phone_layout_reads_too(page, live_server, screenshot, certification):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/verify/{certification.verification_code}/")
    expect(page.get_by_test_id("state")).to_have_text("VALID")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("verify-valid-phone")
