"""The deployment planning page: who may use it, the refusal page (reasons, input kept, the
override field for those who may override), a plan, and form-level scope."""

import datetime as dt

import pytest
from django.urls import reverse

from readiness.models import Deployment
from tests import factories
from tests.readiness.deployment_support import START, ContingentFactory, make_ready, plain_role

pytestmark = pytest.mark.django_db

URL = reverse("readiness:deployment_plan")


@pytest.fixture
def setting(commander):
    battalion = factories.UnitFactory(code="KAZBAT", kind="battalion", commander=commander)
    return {
        "unit": battalion,
        "mission": factories.MissionFactory(),
        "role": plain_role(),
        "person": factories.PersonFactory(unit=battalion, service_number="KZ-1"),
    }


def post(client, setting, **extra):
    data = {
        "person": setting["person"].pk,
        "mission": setting["mission"].pk,
        "role": setting["role"].pk,
        "starts_on": START.isoformat(),
        "months": "",
        **extra,
    }
    return client.post(URL, data)


def test_the_form_offers_only_the_commanders_people_and_open_missions(client, setting, commander):
    outsider = factories.PersonFactory(
        unit=factories.UnitFactory(code="MIA"), service_number="KZ-OUT"
    )
    factories.MissionFactory(acronym="MINUSMA", host="Mali", ended_on=dt.date(2023, 12, 31))
    client.force_login(commander)
    # The page lists nobody: the picker searches as the user types.
    response = client.get(URL, {"mission": setting["mission"].pk})
    html = response.content.decode()
    assert "KZ-1" not in html
    assert 'role="combobox"' in html
    # A link's person is shown when they are the commander's, and not otherwise.
    assert "(KZ-1)" in client.get(URL, {"person": setting["person"].pk}).content.decode()
    assert "KZ-OUT" not in client.get(URL, {"person": outsider.pk}).content.decode()
    assert "UNIFIL · Lebanon" in html
    assert "MINUSMA" not in html
    assert response.context["form"]["mission"].value() == str(setting["mission"].pk)
    assert "override_reason" not in response.context["form"].fields


def test_a_commander_plans_for_their_person_and_lands_on_the_roster(client, setting, commander):
    make_ready(setting["person"])
    client.force_login(commander)
    response = post(client, setting)
    deployment = Deployment.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#deployment-{deployment.pk}")
    # Months left blank: the role's default tour (12 months).
    assert deployment.ends_on == dt.date(2027, 12, 22)
    assert deployment.history.get().history_user == commander


def test_a_person_not_ready_is_refused_with_the_reasons_and_the_input_kept(
    client, setting, commander
):
    client.force_login(commander)
    response = post(client, setting, months="18")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="not-ready"' in html
    assert "<li>No medical clearance</li>" in html
    assert "<li>No passport</li>" in html
    form = response.context["form"]
    assert form["months"].value() == "18"
    assert form["starts_on"].value() == START.isoformat()
    assert 'data-testid="override-field"' not in html  # commanders may not override
    assert not Deployment.objects.exists()


def test_an_administrator_is_offered_the_override_and_it_is_recorded(
    client, setting, administrator
):
    client.force_login(administrator)
    response = post(client, setting)
    assert 'data-testid="override-field"' in response.content.decode()
    assert not Deployment.objects.exists()
    response = post(client, setting, override_reason="Passport renewal under way.")
    assert response.status_code == 302
    deployment = Deployment.objects.get()
    assert deployment.override_reason == "Passport renewal under way."
    assert deployment.override_by == administrator


def test_a_commander_posting_an_override_reason_changes_nothing(client, setting, commander):
    client.force_login(commander)
    response = post(client, setting, override_reason="Needed.")
    assert 'data-testid="not-ready"' in response.content.decode()
    assert not Deployment.objects.exists()


def test_a_person_outside_the_commanders_units_is_refused_on_the_form(client, setting, commander):
    outsider = make_ready(factories.PersonFactory(unit=factories.UnitFactory(code="MIA")))
    client.force_login(commander)
    response = post(client, setting, person=outsider.pk)
    assert response.context["form"].errors["person"] == [
        "Choose a person of your units from the list."
    ]
    assert not Deployment.objects.exists()


def test_service_refusals_land_on_their_fields(client, setting, registrar):
    make_ready(setting["person"])
    closed = factories.MissionFactory(
        acronym="MINUSMA", host="Mali", ended_on=dt.date(2023, 12, 31)
    )
    undof = factories.MissionFactory(acronym="UNDOF", host="Golan Heights")
    contingent = ContingentFactory(mission=undof, name="KAZCOY UNDOF")
    client.force_login(registrar)
    errors = post(client, setting, mission=closed.pk).context["form"].errors
    assert errors["mission"] == ["MINUSMA closed on 2023-12-31: plan tours only in open missions."]
    errors = post(client, setting, contingent=contingent.pk).context["form"].errors
    assert errors["contingent"][0].startswith("KAZCOY UNDOF serves in UNDOF, not in UNIFIL")
    assert not Deployment.objects.exists()


def test_an_overlap_is_shown_on_the_start_date(client, setting, registrar):
    make_ready(setting["person"])
    client.force_login(registrar)
    assert post(client, setting).status_code == 302
    response = post(client, setting, starts_on=(START + dt.timedelta(days=40)).isoformat())
    [message] = response.context["form"].errors["starts_on"]
    assert "UNIFIL as Plain role from 2026-12-23 to 2027-12-22 (planned)" in message
    assert Deployment.objects.count() == 1


def test_a_tour_past_the_mandate_is_refused_on_its_length_saying_who_may(
    client, setting, registrar, administrator
):
    make_ready(setting["person"])
    mission = setting["mission"]
    mission.mandate_until = START + dt.timedelta(days=100)
    mission.save()
    client.force_login(registrar)
    response = post(client, setting)
    [message] = response.context["form"].errors["months"]
    assert "mandate runs until" in message
    assert "only Administrator may" in message
    assert 'data-testid="mandate-override-field"' not in response.content.decode()
    client.force_login(administrator)
    response = post(client, setting)
    assert 'data-testid="mandate-override-field"' in response.content.decode()
    response = post(client, setting, mandate_override_reason="The Council renews in June.")
    assert response.status_code == 302
    tour = Deployment.objects.get()
    assert (tour.mandate_override_reason, tour.mandate_override_by) == (
        "The Council renews in June.",
        administrator,
    )
