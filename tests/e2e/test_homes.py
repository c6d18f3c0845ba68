"""Each demo user signs in through the browser and lands on their role's home; the
administrator finds every model of the project in the admin."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "peacekeeper-2026"


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize(
    ("username", "section"),
    [
        ("instructor", "instructor-home"),
        ("commander", "commander-home"),
        ("admin", "administrator-home"),
    ],
)
def test_demo_user_sees_their_home(demo, page, live_server, sign_in, screenshot, username, section):
    sign_in(username, PASSWORD)
    expect(page.get_by_test_id(section)).to_be_visible()
    for other in {"registrar-home", "instructor-home", "commander-home", "administrator-home"} - {
        section
    }:
        expect(page.get_by_test_id(other)).to_have_count(0)
    screenshot(f"home-{username}")


def test_commander_home_counts_the_battalion_only(demo, page, live_server, sign_in):
    from personnel.models import Person, Unit

    battalion = Unit.objects.get(code="KAZBAT")
    expected = Person.objects.filter(unit__path__startswith=battalion.path, is_active=True).count()
    sign_in("commander", PASSWORD)
    assert int(page.get_by_test_id("commander-people").inner_text()) == expected
    assert expected < Person.objects.filter(is_active=True).count()


def test_admin_lists_every_model(demo, page, live_server, sign_in, screenshot):
    sign_in("admin", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    ours = [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"peacecentre", "personnel", "courses"}
        and not model.__name__.startswith("Historical")
    ]
    missing = [model.__name__ for model in ours if not admin.site.is_registered(model)]
    assert missing == [], f"not in the admin: {missing}"
    for model in ours:
        link = page.locator(f'a[href="/admin/{model._meta.app_label}/{model._meta.model_name}/"]')
        expect(link.first).to_be_visible()
    screenshot("admin-index")
    page.goto(f"{live_server.url}/admin/personnel/person/")
    expect(page.locator("#result_list tbody tr")).to_have_count(100)  # the first page
    screenshot("admin-people")
