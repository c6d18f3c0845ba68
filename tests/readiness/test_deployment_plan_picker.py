"""The planning page holds no list of the register: its size and queries stay the same
however many people there are (the person picker searches as the user types)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personnel.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

PLAN = reverse("readiness:deployment_plan")


def _grow(unit, n: int) -> None:
    start = Person.objects.count()
    Person.objects.bulk_create(
        factories.PersonFactory.build(
            unit=unit, rank=None, service_number=f"GROW-{start + i:06d}", last_name="Seitkali"
        )
        for i in range(n)
    )


def _measure(client, url) -> tuple[int, int]:
    client.get(url)  # the session and permissions read alike on both sides
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.content), len(queries)


@pytest.mark.parametrize("who", ["administrator", "commander"])
def test_the_planning_page_does_not_grow_with_the_register(client, request, commander, who):
    unit = factories.UnitFactory(code="KAZBAT", commander=commander)
    factories.PersonFactory.create_batch(3, unit=unit)
    client.force_login(request.getfixturevalue(who))
    size, queries = _measure(client, PLAN)
    _grow(unit, 400)
    grown_size, grown_queries = _measure(client, PLAN)
    assert grown_queries == queries
    assert abs(grown_size - size) < 64  # the CSRF token's length aside, the same page
    assert size < 40_000
    assert b"GROW-" not in client.get(PLAN).content
