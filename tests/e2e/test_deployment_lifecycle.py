"""A commander records a departure on the person page, in a browser, and the gender balance's
deployed count follows (the lifecycle is what every "deployed" count reads). Also at 390 px:
the move's form opens and submits on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from personnel.models import Gender
from readiness.models import Deployment
from tests import factories
from tests.readiness.deployment_support import DeploymentFactory, make_ready
from tests.readiness.matrix_support import contingent_profile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def tour():
    commander = factories.UserFactory(username="cmdr-e2e", roles=[Role.COMMANDER])
    unit = factories.UnitFactory(code="KAZBAT", commander=commander)
    person = make_ready(
        factories.PersonFactory(unit=unit, gender=Gender.FEMALE, last_name="Nurlanova")
    )
    today = timezone.localdate()
    return DeploymentFactory(
        person=person,
        role=contingent_profile(),
        starts_on=today - dt.timedelta(days=2),
        ends_on=today + dt.timedelta(days=300),
        status=Deployment.Status.CONFIRMED,
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_a_commander_marks_a_departure_and_the_deployed_count_follows(
    page, live_server, sign_in, screenshot, tour, width
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("cmdr-e2e", PASSWORD)
    contingents = page.get_by_test_id("gender-row").and_(
        page.locator('[data-category="contingent"]')
    )
    page.goto(f"{live_server.url}/personnel/gender/")
    expect(contingents.get_by_test_id("deployed-total")).to_have_text("0")

    page.goto(f"{live_server.url}/personnel/people/{tour.person.pk}/")
    move = page.get_by_test_id("move-depart")
    move.locator("summary").click()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    move.get_by_label("Departed on").fill(yesterday.isoformat())
    screenshot(f"deployment_depart_form_{width}")
    move.get_by_test_id("submit-depart").click()
    expect(page.get_by_text("Recorded the departure")).to_be_visible()
    expect(
        page.get_by_test_id("person-deployment").get_by_test_id("deployment-status")
    ).to_have_text("deployed")
    expect(page.get_by_test_id("move-return")).to_be_visible()
    screenshot(f"deployment_departed_{width}")

    page.goto(f"{live_server.url}/personnel/gender/")
    expect(contingents.get_by_test_id("deployed-total")).to_have_text("1")
    expect(contingents.get_by_test_id("deployed-women")).to_have_text("1")
    tour.refresh_from_db()
    assert (tour.status, tour.departed_on) == (Deployment.Status.DEPLOYED, yesterday)
