"""A commander creates the next rotation of their contingent and fills it from the proposed
roster, in a browser, on a phone (390 px): every page fits the screen's width (tables
scroll inside their own box), and the contingent page then shows its posts filled."""

import pytest
from playwright.sync_api import expect

from readiness.models import Contingent, Deployment
from tests.readiness.contingent_support import build_world, ready_person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_commander_fills_the_next_rotation_from_the_proposal_on_a_phone(
    page, live_server, sign_in, screenshot, commander
):
    world = build_world(commander)
    people = [
        ready_person(world.company, f"Kuanyshbekovamukhametzhanova{i}", first_name="Aigerim")
        for i in range(6)
    ]
    page.set_viewport_size(PHONE)
    sign_in(commander.username, PASSWORD)
    page.goto(f"{live_server.url}/personnel/contingents/{world.contingent.pk}/")
    expect(page.get_by_test_id("posts")).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    page.get_by_test_id("next-rotation").click()
    assert page_width(page) <= PHONE["width"]
    page.get_by_role("button", name="Create the next rotation").click()

    expect(page.get_by_role("heading", name="Proposed roster")).to_be_visible()
    expect(page.get_by_test_id("candidate")).to_have_count(6)
    assert page_width(page) <= PHONE["width"]
    screenshot("contingent_proposal_390")
    page.get_by_test_id("accept").click()

    following = Contingent.objects.get(rotation=2)
    expect(page.get_by_test_id("posts")).to_be_visible()
    expect(page.get_by_test_id("post-row").locator("[data-testid=open]")).to_have_text(
        ["0", "0", "0"]
    )
    assert page_width(page) <= PHONE["width"]
    screenshot("contingent_posts_390")
    tours = Deployment.objects.filter(contingent=following)
    assert sorted(tours.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
