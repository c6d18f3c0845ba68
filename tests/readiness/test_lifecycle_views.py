"""A tour's page and its moves, from the person page and from the tour's own page: what the
commander sees, errors on the field that is wrong, stale pages, and flat query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from readiness.models import Deployment
from readiness.selectors.gender import gender_balance
from tests import factories
from tests.readiness.lifecycle_support import Status, planned_tour, ready_person, today

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def battalion(commander):
    return factories.UnitFactory(code="KAZBAT", kind="battalion", commander=commander)


@pytest.fixture
def person(battalion):
    return ready_person(battalion)


def person_url(person) -> str:
    return reverse("personnel:person_detail", args=[person.pk])


def move_url(tour: Deployment, move: str) -> str:
    return reverse("readiness:deployment_move", args=[tour.pk, move])


def post_move(client, tour: Deployment, move: str, *, next_url: str = "", **fields):
    prefix = f"d{tour.pk}-{move}"
    data = {f"{prefix}-seen": tour.lifecycle_token}
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    if next_url:
        data["next"] = next_url
    return client.post(move_url(tour, move), data)


def test_a_commander_marks_a_departure_from_the_person_page(client, commander, person):
    tour = planned_tour(person, status=Status.CONFIRMED)
    client.force_login(commander)
    page = client.get(person_url(person)).content.decode()
    assert move_url(tour, "depart") in page
    assert f'name="d{tour.pk}-depart-seen" value="{tour.lifecycle_token}"' in page
    deployed_before = sum(row.deployed.total for row in _balance(commander))
    response = post_move(
        client,
        tour,
        "depart",
        next_url=person_url(person),
        departed_on=(today() - DAY).isoformat(),
    )
    assert response.status_code == 302
    assert response.url == person_url(person)
    tour.refresh_from_db()
    assert (tour.status, tour.departed_on) == (Status.DEPLOYED, today() - DAY)
    page = client.get(person_url(person)).content.decode()
    assert "Recorded the departure" in page
    assert move_url(tour, "return") in page
    assert move_url(tour, "depart") not in page
    assert sum(row.deployed.total for row in _balance(commander)) == deployed_before + 1


def _balance(user):
    return gender_balance(user=user, today=today()).rows


def test_a_wrong_date_is_shown_on_its_field_and_nothing_is_saved(client, commander, person):
    tour = planned_tour(person)
    client.force_login(commander)
    response = post_move(client, tour, "depart", departed_on=(today() + DAY).isoformat())
    assert response.status_code == 200
    [form] = [f for f in response.context["moves"] if f.move == "depart"]
    assert "still ahead" in form.errors["departed_on"][0]
    page = response.content.decode()
    assert "still ahead" in page
    tour.refresh_from_db()
    assert tour.status == Status.PLANNED


def test_a_missing_reason_is_asked_for_on_its_field(client, registrar, person):
    tour = planned_tour(person)
    client.force_login(registrar)
    response = post_move(client, tour, "cancel", reason="")
    [form] = [f for f in response.context["moves"] if f.move == "cancel"]
    assert form.errors["reason"]
    tour.refresh_from_db()
    assert tour.status == Status.PLANNED


def test_a_stale_page_says_what_changed(client, commander, registrar, person):
    tour = planned_tour(person)
    seen = tour.lifecycle_token
    client.force_login(registrar)
    assert post_move(client, tour, "confirm").status_code == 302
    client.force_login(commander)
    response = client.post(
        move_url(tour, "cancel"),
        {f"d{tour.pk}-cancel-seen": seen, f"d{tour.pk}-cancel-reason": "Withdrawn."},
    )
    assert response.status_code == 200
    assert "changed since you opened the page" in response.content.decode()
    tour.refresh_from_db()
    assert tour.status == Status.CONFIRMED


def test_an_unknown_move_is_a_404_and_an_outside_next_is_ignored(client, registrar, person):
    tour = planned_tour(person)
    client.force_login(registrar)
    assert client.post(move_url(tour, "teleport"), {}).status_code == 404
    response = post_move(client, tour, "confirm", next_url="https://evil.example/")
    assert response.url == reverse("readiness:deployment_detail", args=[tour.pk])


def test_the_tour_page_shows_its_dates_moves_and_history(client, commander, registrar, person):
    tour = planned_tour(person)
    client.force_login(registrar)
    post_move(client, tour, "confirm")
    tour.refresh_from_db()
    post_move(client, tour, "depart", departed_on=today().isoformat())
    client.force_login(commander)
    response = client.get(reverse("readiness:deployment_detail", args=[tour.pk]))
    assert response.status_code == 200
    assert [f.move for f in response.context["moves"]] == ["return", "repatriate", "extend"]
    statuses = [r.status for r in response.context["history"]]
    assert statuses == [Status.DEPLOYED, Status.CONFIRMED, Status.PLANNED]
    assert response.context["history"][0].history_user == registrar


def test_an_instructor_and_another_commander_cannot_move_a_tour(client, instructor, person):
    tour = planned_tour(person)
    client.force_login(instructor)
    assert post_move(client, tour, "confirm").status_code == 403
    other = factories.UserFactory(username="cmdr-b", roles=[Role.COMMANDER])
    factories.UnitFactory(code="MIA-FPU", commander=other)
    client.force_login(other)
    assert post_move(client, tour, "confirm").status_code == 404
    tour.refresh_from_db()
    assert tour.status == Status.PLANNED


def test_pages_take_the_same_number_of_queries_at_2_and_12_tours(client, commander, battalion):
    person = ready_person(battalion)
    client.force_login(commander)
    first = planned_tour(person, starts_on=today() - 400 * DAY, ends_on=today() - 300 * DAY)

    def add(n: int) -> None:
        start = today() + 300 * DAY + Deployment.objects.count() * 40 * DAY
        for i in range(n):
            planned_tour(
                person, starts_on=start + i * 40 * DAY, ends_on=start + i * 40 * DAY + 30 * DAY
            )

    add(1)
    urls = [person_url(person), reverse("readiness:deployment_detail", args=[first.pk])]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    add(10)
    for _ in range(5):  # history rows of the first tour
        first.refresh_from_db()
        first.override_reason = f"reason {_}"
        first.override_by = commander
        first.save()
    for url, count in zip(urls, counts, strict=True):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) == count, url
