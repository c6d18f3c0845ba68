"""The gender balance: the share of women per UN category among the deployed and the ready,
against the year's UN target (or the nearest earlier year's), coloured met / some / none,
drawn as a server-side SVG chart; the commander's scope; a fixed number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.roles import Role
from personnel.models import Category, GenderCategory
from readiness.models import Deployment, GenderTarget
from tests import factories
from tests.readiness.matrix_support import (
    FEMALE,
    contingent_profile,
    make_person,
    only_active,
    today,
)

pytestmark = pytest.mark.django_db

URL = reverse("readiness:gender_balance")


@pytest.fixture
def profiles():
    contingent = contingent_profile()
    observer = contingent_profile(
        code="test-observer",
        name="Test observer",
        gender_category=GenderCategory.OBSERVERS_STAFF,
    )
    police = contingent_profile(
        code="test-fpu",
        name="Test FPU",
        gender_category=GenderCategory.FORMED_POLICE,
        categories=[Category.POLICE],
    )
    only_active(contingent, observer, police)
    return {"contingent": contingent, "observer": observer, "police": police}


@pytest.fixture
def targets():
    year = today().year
    GenderTarget.objects.filter(year__gte=year - 3).delete()
    for category, target_year, percent in (
        (GenderCategory.CONTINGENT, year - 1, "12"),
        (GenderCategory.CONTINGENT, year, "15"),
        (GenderCategory.CONTINGENT, year + 1, "90"),  # a later year's target is not used
        (GenderCategory.OBSERVERS_STAFF, year - 2, "25"),  # the nearest earlier year
        (GenderCategory.FORMED_POLICE, year, "20"),
    ):
        GenderTarget.objects.create(category=category, year=target_year, percent=percent)
    GenderTarget.objects.filter(category=GenderCategory.INDIVIDUAL_POLICE).delete()


def deploy(person, profile, status=Deployment.Status.DEPLOYED):
    mission = factories.MissionFactory()
    return Deployment.objects.create(
        person=person,
        mission=mission,
        role=profile,
        starts_on=today() - dt.timedelta(days=30),
        ends_on=today() + dt.timedelta(days=300),
        status=status,
        departed_on=today() - dt.timedelta(days=30)
        if status == Deployment.Status.DEPLOYED
        else None,
    )


@pytest.fixture
def world(tree, profiles, targets):
    """In KAZBAT (the commander's): 5 deployed in the contingent, 1 a woman (20% >= 15%);
    10 deployed as observers, 1 a woman (10% < 25%). In MIA-FPU: 2 men deployed in the FPU
    (none), and a woman deployed as an observer (outside the commander's scope)."""
    n = 0

    def person(unit, state="ready", **values):
        nonlocal n
        n += 1
        return make_person(state, unit=tree[unit], service_number=f"KZ-{n:03d}", **values)

    deploy(person("KAZBAT-1", gender=FEMALE), profiles["contingent"])
    for _ in range(4):
        deploy(person("KAZBAT-1"), profiles["contingent"])
    deploy(person("KAZBAT", "not_ready", gender=FEMALE), profiles["observer"])
    for _ in range(9):
        deploy(person("KAZBAT", "not_ready"), profiles["observer"])
    deploy(person("KAZBAT", gender=FEMALE), profiles["observer"], Deployment.Status.PLANNED)
    police = factories.RankFactory(
        code="P-LT", name="Lieutenant of Police", category=Category.POLICE, seniority=3
    )
    for _ in range(2):
        deploy(person("MIA-FPU", category=Category.POLICE, rank=police), profiles["police"])
    deploy(person("MIA-FPU", "not_ready", gender=FEMALE), profiles["observer"])


def rows(response) -> dict[str, object]:
    return {row.category: row for row in response.context["balance"].rows}


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_instructor_is_refused(client, instructor):
    client.force_login(instructor)
    assert client.get(URL).status_code == 403


def test_registrar_sees_every_category_deployed_and_ready(client, registrar, world):
    client.force_login(registrar)
    response = client.get(URL)
    assert response.status_code == 200
    by = rows(response)
    contingent = by[GenderCategory.CONTINGENT]
    assert (contingent.deployed.women, contingent.deployed.total) == (1, 5)
    assert contingent.deployed.percent == Decimal("20.0")
    assert contingent.deployed.status == "met"
    observers = by[GenderCategory.OBSERVERS_STAFF]
    assert (observers.deployed.women, observers.deployed.total) == (2, 11)
    assert observers.deployed.status == "some"
    police = by[GenderCategory.FORMED_POLICE]
    assert (police.deployed.women, police.deployed.total) == (0, 2)
    assert police.deployed.status == "none"
    assert by[GenderCategory.INDIVIDUAL_POLICE].deployed.status == "empty"
    # Ready: the contingent profile admits military people with medical and passport valid:
    # the 5 contingent members and the planned observer (a woman).
    assert (contingent.ready.women, contingent.ready.total) == (2, 6)
    # The police profile admits police only: the two FPU men are ready.
    assert (police.ready.women, police.ready.total) == (0, 2)


def test_target_is_the_years_else_the_nearest_earlier_years(client, registrar, world):
    client.force_login(registrar)
    by = rows(client.get(URL))
    assert by[GenderCategory.CONTINGENT].target.year == today().year
    assert by[GenderCategory.CONTINGENT].target.percent == Decimal("15")
    assert by[GenderCategory.OBSERVERS_STAFF].target.year == today().year - 2
    assert by[GenderCategory.INDIVIDUAL_POLICE].target is None


def test_met_needs_the_target_reached(client, registrar, world):
    GenderTarget.objects.filter(category=GenderCategory.CONTINGENT, year=today().year).update(
        percent=Decimal("20.01")
    )
    client.force_login(registrar)
    assert rows(client.get(URL))[GenderCategory.CONTINGENT].deployed.status == "some"


def test_colours_in_the_table_and_the_chart(client, registrar, world):
    client.force_login(registrar)
    html = client.get(URL).content.decode()
    for category, status in (
        ("contingent", "met"),
        ("observers_staff", "some"),
        ("formed_police", "none"),
    ):
        row = html[html.index(f'data-category="{category}"') :]
        row = row[: row.index("</tr>")]
        assert f'data-testid="deployed-share" data-status="{status}"' in row
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'class="pc-bar-met"' in svg
    assert 'class="pc-bar-some"' in svg
    assert 'class="pc-bar-none"' in svg
    assert svg.count('data-testid="target-marker"') == 3  # no target for individual police
    assert "UN target 15%" in svg
    assert "<script" not in html.split("</footer>")[0]  # drawn on the server
    assert not re.search(r'(src|href)="https?://', html)  # nothing from another host


def test_commander_counts_only_their_subtree(client, commander, world):
    client.force_login(commander)
    by = rows(client.get(URL))
    observers = by[GenderCategory.OBSERVERS_STAFF]
    assert (observers.deployed.women, observers.deployed.total) == (1, 10)
    assert by[GenderCategory.FORMED_POLICE].deployed.total == 0
    assert by[GenderCategory.FORMED_POLICE].ready.total == 0


def test_unit_filter_and_a_unit_outside_the_scope(client, commander, tree, world):
    client.force_login(commander)
    by = rows(client.get(URL, {"unit": tree["KAZBAT-1"].pk}))
    assert by[GenderCategory.CONTINGENT].deployed.total == 5
    assert by[GenderCategory.OBSERVERS_STAFF].deployed.total == 0
    response = client.get(URL, {"unit": tree["MIA-FPU"].pk})
    assert "unit" in response.context["form"].errors
    assert rows(response)[GenderCategory.FORMED_POLICE].deployed.total == 0


def test_commander_without_units_sees_nothing(client, world):
    client.force_login(factories.UserFactory(roles=[Role.COMMANDER]))
    response = client.get(URL)
    assert all(row.deployed.total == 0 for row in response.context["balance"].rows)


def test_queries_do_not_grow_with_the_people(
    client, registrar, tree, profiles, targets, django_assert_num_queries
):
    client.force_login(registrar)
    # session, user, roles, unit choices, targets, deployed counts, active profiles, and per
    # active profile the people it admits, then (when there are any: not for the police
    # profile here) its requirements and the medical and passport records: 7 + 4 + 4 + 1.
    for size in (3, 30):
        for n in range(size - (3 if size == 30 else 0)):
            person = make_person(
                "ready", unit=tree["KAZBAT-1"], service_number=f"KZ-{size}-{n}", gender=FEMALE
            )
            deploy(person, profiles["contingent"])
        with django_assert_num_queries(16):
            response = client.get(URL)
        assert rows(response)[GenderCategory.CONTINGENT].deployed.total == size
