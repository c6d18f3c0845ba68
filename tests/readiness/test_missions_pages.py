"""The missions pages: who may open them, rosters' scope per role, the contingent's strength
and women's share, people returning within 60 days, and fixed query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from personnel.models import Gender
from readiness.models import Deployment
from tests import factories
from tests.readiness.deployment_support import ContingentFactory, DeploymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(commander):
    """KAZBAT (commanded) > KAZBAT-1, and MIA beside it; UNIFIL with a joint contingent,
    MINUSMA closed."""
    battalion = factories.UnitFactory(code="KAZBAT", kind="battalion", commander=commander)
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    mia = factories.UnitFactory(code="MIA", kind="headquarters")
    unifil = factories.MissionFactory()
    minusma = factories.MissionFactory(
        acronym="MINUSMA",
        name="MINUSMA",
        host="Mali",
        started_on=dt.date(2013, 4, 25),
        ended_on=dt.date(2023, 12, 31),
    )
    contingent = ContingentFactory(
        mission=unifil,
        unit=company,
        partner_country="IN",
        partner_unit="INDBATT",
        planned_strength=4,
    )
    mine = DeploymentFactory(
        mission=unifil,
        contingent=contingent,
        person__unit=company,
        person__gender=Gender.FEMALE,
        person__service_number="KZ-MINE",
    )
    theirs = DeploymentFactory(
        mission=unifil, contingent=contingent, person__unit=mia, person__service_number="KZ-MIA"
    )
    DeploymentFactory(
        mission=unifil,
        contingent=contingent,
        person__unit=company,
        person__service_number="KZ-OFF",
        status=Deployment.Status.CANCELLED,
    )
    history = DeploymentFactory(
        mission=minusma,
        person=mine.person,
        starts_on=dt.date(2018, 5, 15),
        ends_on=dt.date(2019, 5, 14),
        status=Deployment.Status.RETURNED,
    )
    return {
        "company": company,
        "mia": mia,
        "unifil": unifil,
        "minusma": minusma,
        "contingent": contingent,
        "mine": mine,
        "theirs": theirs,
        "history": history,
    }


def roster_numbers(response) -> set[str]:
    rows = response.context["page"].roster
    return {d.person.service_number for d in rows}


PAGES = [
    ("readiness:mission_list", False),
    ("readiness:mission_detail", "unifil"),
    ("readiness:contingent_detail", "contingent"),
    ("readiness:deployments_returning", False),
    ("readiness:deployment_plan", False),
]


def url_of(name, key, world):
    return reverse(name, args=[world[key].pk]) if key else reverse(name)


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_anonymous_users_are_sent_to_login(client, world, name, key):
    response = client.get(url_of(name, key, world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_instructors_are_refused(client, world, instructor, name, key):
    client.force_login(instructor)
    assert client.get(url_of(name, key, world)).status_code == 403


def test_unknown_mission_and_contingent_answer_404(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("readiness:mission_detail", args=[999])).status_code == 404
    assert client.get(reverse("readiness:contingent_detail", args=[999])).status_code == 404


def test_mission_list_shows_open_and_closed_missions_with_counts_in_scope(
    client, world, commander, registrar
):
    client.force_login(registrar)
    response = client.get(reverse("readiness:mission_list"))
    [unifil] = response.context["open_missions"]
    [minusma] = response.context["closed_missions"]
    assert (unifil.contingent_count, unifil.deployed_now) == (1, 2)
    assert minusma.acronym == "MINUSMA"
    assert minusma.deployed_now == 0
    assert "2023-12-31" in response.content.decode()
    client.force_login(commander)
    response = client.get(reverse("readiness:mission_list"))
    [unifil] = response.context["open_missions"]
    assert (unifil.contingent_count, unifil.deployed_now) == (1, 1)  # only their person


def test_mission_roster_per_role(client, world, commander, registrar, administrator):
    url = reverse("readiness:mission_detail", args=[world["unifil"].pk])
    for user in (registrar, administrator):
        client.force_login(user)
        assert roster_numbers(client.get(url)) == {"KZ-MINE", "KZ-MIA", "KZ-OFF"}
    client.force_login(commander)
    response = client.get(url)
    assert roster_numbers(response) == {"KZ-MINE", "KZ-OFF"}
    html = response.content.decode()
    assert "KZ-MIA" not in html
    assert "INDBATT" in html
    assert "India" in html
    [contingent] = response.context["page"].contingents
    assert contingent.strength == 1  # their people, cancelled tours left out


def test_a_closed_mission_keeps_its_history(client, world, registrar):
    client.force_login(registrar)
    response = client.get(reverse("readiness:mission_detail", args=[world["minusma"].pk]))
    assert roster_numbers(response) == {"KZ-MINE"}
    assert 'data-testid="closed-badge"' in response.content.decode()
    assert 'data-testid="plan-deployment"' not in response.content.decode()


def test_contingent_strength_and_women_share(client, world, commander, registrar):
    url = reverse("readiness:contingent_detail", args=[world["contingent"].pk])
    client.force_login(registrar)
    page = client.get(url).context["page"]
    assert (page.strength, page.women, str(page.women_percent)) == (2, 1, "50.0")
    assert page.strength_percent == 50  # 2 of 4 planned
    client.force_login(commander)
    response = client.get(url)
    page = response.context["page"]
    assert roster_numbers(response) == {"KZ-MINE", "KZ-OFF"}
    assert (page.strength, page.women, str(page.women_percent)) == (1, 1, "100.0")


@pytest.mark.parametrize(
    ("days", "listed"),
    [(0, True), (60, True), (61, False), (-1, False)],
    ids=["today", "day-60", "day-61", "yesterday"],
)
def test_returning_within_60_days_boundaries(client, registrar, days, listed):
    today = timezone.localdate()
    DeploymentFactory(
        person__service_number="KZ-1",
        starts_on=today - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=days),
    )
    client.force_login(registrar)
    response = client.get(reverse("readiness:deployments_returning"))
    shown = [d.person.service_number for d in response.context["deployments"]]
    assert shown == (["KZ-1"] if listed else [])


def test_returning_is_soonest_first_scoped_and_leaves_out_finished_tours(
    client, world, commander, registrar
):
    today = timezone.localdate()
    start = today - dt.timedelta(days=300)
    company, mia = world["company"], world["mia"]
    for number, unit, days, status in [
        ("KZ-LATE", company, 50, Deployment.Status.DEPLOYED),
        ("KZ-SOON", company, 5, Deployment.Status.DEPLOYED),
        ("KZ-MIA2", mia, 10, Deployment.Status.DEPLOYED),
        ("KZ-DONE", company, 3, Deployment.Status.RETURNED),
        ("KZ-CANC", company, 3, Deployment.Status.CANCELLED),
    ]:
        DeploymentFactory(
            person__service_number=number,
            person__unit=unit,
            starts_on=start,
            ends_on=today + dt.timedelta(days=days),
            status=status,
        )
    url = reverse("readiness:deployments_returning")
    client.force_login(registrar)
    shown = [d.person.service_number for d in client.get(url).context["deployments"]]
    assert shown == ["KZ-SOON", "KZ-MIA2", "KZ-LATE"]
    client.force_login(commander)
    shown = [d.person.service_number for d in client.get(url).context["deployments"]]
    assert shown == ["KZ-SOON", "KZ-LATE"]


# --- fixed number of queries -------------------------------------------------------------


# Session, user, roles, permissions, a commander's unit paths, then the page's reads (the
# contingent page adds its posts by role, whether the user manages the contingent, and
# whether the nominal roll may be offered).
MAX_QUERIES = 14


def grow(world, n: int) -> None:
    """n more tours in the contingent (people of the commander's company) and n missions."""
    today = timezone.localdate()
    for i in range(n):
        DeploymentFactory(
            mission=world["unifil"],
            contingent=world["contingent"],
            person__unit=world["company"],
            starts_on=today - dt.timedelta(days=300),
            ends_on=today + dt.timedelta(days=10 + i),
        )
        factories.MissionFactory(acronym=f"M{i}", name=f"Mission {i}", host="Somewhere")


@pytest.mark.parametrize("user", ["registrar", "commander"])
@pytest.mark.parametrize(("name", "key"), PAGES[:4])
def test_pages_take_the_same_number_of_queries_at_3_and_30_rows(
    client, world, request, django_assert_num_queries, user, name, key
):
    client.force_login(request.getfixturevalue(user))
    url = url_of(name, key, world)
    grow(world, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert len(small) <= MAX_QUERIES
    grow(world, 27)
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
