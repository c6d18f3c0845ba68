"""An administrator revokes a certification from the admin: the action asks why on its own
page, the service revokes it, and the certification's page shows every field read-only."""

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Certification
from readiness.models import Deployment

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 900}}


def test_revoke_from_the_admin(page, live_server, sign_in, screenshot):
    call_command("seed_demo", verbosity=0)
    certification = (
        Certification.objects.filter(revoked_at__isnull=True, valid_until__gte=timezone.localdate())
        .order_by("number")
        .first()
    )
    sign_in("admin", "peacekeeper-2026")

    page.goto(f"{live_server.url}/admin/courses/certification/?q={certification.number}")
    page.locator(f"input[name=_selected_action][value='{certification.pk}']").check()
    page.select_option("select[name=action]", "revoke")
    page.locator("button[name=index]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke certifications")
    expect(page.get_by_text(certification.number)).to_be_visible()
    # The browser asks for a reason before sending (the service refuses none as well).
    expect(page.get_by_label("Reason")).to_have_attribute("required", "")
    screenshot("admin-revoke-confirmation")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("admin-revoke-confirmation-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_label("Reason").fill("Issued to the wrong person")
    page.get_by_role("button", name="Revoke").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        f"Certification {certification.number} revoked."
    )
    certification.refresh_from_db()
    assert certification.revocation_reason == "Issued to the wrong person"
    assert certification.revoked_by.username == "admin"

    page.goto(f"{live_server.url}/admin/courses/certification/{certification.pk}/change/")
    expect(page.locator(".field-number .readonly")).to_have_text(certification.number)
    expect(page.locator(".field-revocation_reason .readonly")).to_have_text(
        "Issued to the wrong person"
    )
    assert page.locator("form#certification_form input[name=number]").count() == 0
    assert page.locator("input[name=_save]").count() == 0
    screenshot("admin-certification-read-only")

    # A deployment: every field read-only, the lifecycle included (its moves are services).
    deployment = Deployment.objects.order_by("pk").first()
    page.goto(f"{live_server.url}/admin/readiness/deployment/{deployment.pk}/change/")
    expect(page.locator(".field-starts_on .readonly")).to_be_visible()
    expect(page.locator(".field-status .readonly")).to_be_visible()
    assert page.locator("input[name=starts_on]").count() == 0
    assert page.locator("select[name=status]").count() == 0
    assert page.locator("input[name=returned_on]").count() == 0
    screenshot("admin-deployment-read-only")
