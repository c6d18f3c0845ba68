"""An instructor opens a trainee's page from their gradebook in a real browser: the training
record is there, the personal records are not; the registrar sees them on the same page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from courses.models import Cohort
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
PASSPORT = "N7731905"
PHONE = "+7 701 555 0199"


def user(username: str, role: Role):
    account = factories.UserFactory(username=username, roles=[role])
    account.set_password(PASSWORD)
    account.save()
    return account


@pytest.mark.parametrize("width", [390, 1280])
def test_an_instructor_sees_the_trainee_not_their_personal_records(
    page, live_server, sign_in, screenshot, width
):
    today = timezone.localdate()
    instructor = user("teacher", Role.INSTRUCTOR)
    user("keeper", Role.REGISTRAR)
    trainee = factories.PersonFactory(
        last_name="Abenova", first_name="Aigerim", service_number="KZ-T-100", phone=PHONE
    )
    factories.PassportFactory(person=trainee, document_number=PASSPORT)
    factories.MedicalClearanceFactory(person=trainee)
    cohort = factories.CohortFactory(
        code="UNPOC-X",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=3),
        status=Cohort.Status.IN_PROGRESS,
        instructors=[instructor],
    )
    factories.EnrolmentFactory(cohort=cohort, person=trainee)
    page.set_viewport_size({"width": width, "height": 900})

    sign_in("teacher", PASSWORD)
    page.goto(f"{live_server.url}/personnel/people/{trainee.pk}/")
    expect(page.get_by_test_id("person-name")).to_contain_text("Abenova Aigerim")
    expect(page.get_by_test_id("enrolments")).to_contain_text("UNPOC-X")
    expect(page.get_by_test_id("personal-records-withheld")).to_be_visible()
    expect(page.get_by_test_id("qualifications")).to_have_count(0)
    expect(page.get_by_test_id("person-readiness")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert PASSPORT not in body
    assert PHONE not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"person-as-instructor-{width}")

    page.context.clear_cookies()
    sign_in("keeper", PASSWORD)
    page.goto(f"{live_server.url}/personnel/people/{trainee.pk}/")
    expect(page.get_by_test_id("qualification-passport")).to_contain_text(PASSPORT)
    expect(page.get_by_test_id("phone")).to_have_text(PHONE)
    expect(page.get_by_test_id("personal-records-withheld")).to_have_count(0)
