"""One person's readiness: every requirement with its verdict, reason and the date its record
lapses; the person page's scope."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests import factories
from tests.readiness.matrix_support import (
    contingent_profile,
    make_person,
    today,
)

pytestmark = pytest.mark.django_db


def url(person, **query) -> str:
    base = reverse("readiness:person_readiness", args=[person.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def lapsing(tree, profile):
    return make_person("lapsing", unit=tree["KAZBAT-1"], service_number="KZ-2")


def test_every_requirement_with_verdict_reason_and_lapse_date(client, registrar, profile, lapsing):
    client.force_login(registrar)
    response = client.get(url(lapsing, profile=profile.pk))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["requirement"].key for row in rows] == ["category", "medical", "passport"]
    medical = rows[1]
    assert medical["check"].verdict == "lapsing"
    assert medical["check"].lapses_on == today() + dt.timedelta(days=30)
    html = response.content.decode()
    assert 'id="req-medical"' in html  # the matrix's red and amber cells link here
    assert (today() + dt.timedelta(days=30)).isoformat() in html
    assert medical["check"].reason in html
    assert f"{reverse('personnel:person_detail', args=[lapsing.pk])}#medical" in html
    assert 'data-testid="overall"' in html


def test_not_ready_person_shows_the_gap(client, registrar, tree, profile):
    person = make_person("not_ready", unit=tree["KAZBAT"], service_number="KZ-3")
    client.force_login(registrar)
    response = client.get(url(person))  # the first active profile by default
    assert response.context["page"].profile == profile
    assert not response.context["page"].readiness.ready
    assert "Not ready: 1 gap" in response.content.decode()


def test_profile_choice_changes_the_requirements(client, registrar, profile, lapsing):
    other = contingent_profile(code="test-observer", name="Test observer", min_age=25)
    client.force_login(registrar)
    response = client.get(url(lapsing, profile=other.pk))
    assert "age" in [row["requirement"].key for row in response.context["rows"]]


def test_a_tour_window_is_applied(client, registrar, profile, lapsing):
    client.force_login(registrar)
    starts = today() + dt.timedelta(days=60)
    response = client.get(url(lapsing, tour_starts_on=starts.isoformat(), tour_months=12))
    assert response.context["tour"].starts_on == starts
    medical = response.context["rows"][1]["check"]
    assert medical.verdict == "not_met"  # lapses before the tour starts


def test_anonymous_is_sent_to_login(client, lapsing):
    response = client.get(url(lapsing))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_commander_of_another_unit_gets_404(client, tree, profile, lapsing):
    other = factories.UserFactory(username="cmdr2", roles=[Role.COMMANDER])
    tree["MIA"].commander = other
    tree["MIA"].save()
    client.force_login(other)
    assert client.get(url(lapsing)).status_code == 404


def test_commander_of_the_unit_sees_it(client, commander, lapsing):
    client.force_login(commander)
    assert client.get(url(lapsing)).status_code == 200


def test_an_instructor_never_sees_a_readiness_not_even_of_a_trainee(client, instructor, lapsing):
    """Readiness rests on personal records (medical clearance, passport, age): registrars and
    commanders read it, an instructor does not, even of someone they teach."""
    client.force_login(instructor)
    assert client.get(url(lapsing)).status_code == 404
    factories.EnrolmentFactory(
        person=lapsing, cohort=factories.CohortFactory(instructors=[instructor])
    )
    assert client.get(url(lapsing)).status_code == 404


def test_unknown_person_is_404(client, registrar, profile):
    client.force_login(registrar)
    assert client.get(reverse("readiness:person_readiness", args=[999999])).status_code == 404
