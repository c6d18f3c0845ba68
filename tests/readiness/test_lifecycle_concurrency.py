"""Two commanders moving the same tour at the same moment: one wins, the other is told the
tour changed. Each is a thread with its own connection, released together. PostgreSQL only
(SQLite serialises every write transaction anyway)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import Role
from readiness.models import Deployment
from readiness.services import lifecycle
from tests import factories, services
from tests.conftest import require
from tests.courses.conftest import _race as race
from tests.readiness.lifecycle_support import Status, planned_tour, ready_person, today

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


@pytest.fixture
def commanders():
    first = factories.UserFactory(username="cmdr-a", roles=[Role.COMMANDER])
    second = factories.UserFactory(username="cmdr-b", roles=[Role.COMMANDER])
    brigade = factories.UnitFactory(code="KAZBRIG", commander=first)
    battalion = factories.UnitFactory(code="KAZBAT", parent=brigade, commander=second)
    return first, second, battalion


def test_two_commanders_departing_and_cancelling_one_tour_one_wins(commanders):
    require(*services.postgresql())
    first, second, battalion = commanders
    for _round in range(ROUNDS):
        tour = planned_tour(ready_person(battalion), status=Status.CONFIRMED)
        seen = tour.lifecycle_token
        results = race(
            lambda tour=tour, seen=seen: lifecycle.deployment_depart(
                deployment=tour, departed_on=today() - dt.timedelta(days=1), seen=seen, by=first
            ),
            lambda tour=tour, seen=seen: lifecycle.deployment_cancel(
                deployment=tour, reason="Post withdrawn.", seen=seen, by=second
            ),
        )
        won = [r for r in results if isinstance(r, Deployment)]
        lost = [r for r in results if isinstance(r, ValidationError)]
        assert len(won) == 1, results
        assert len(lost) == 1, results
        assert lost[0].error_dict["__all__"][0].code == "stale"
        assert "changed since you opened the page" in lost[0].messages[0]
        tour.refresh_from_db()
        assert tour.status == won[0].status
        assert tour.history.count() == 2  # the plan and one move


def test_two_commanders_extending_one_tour_one_wins(commanders):
    require(*services.postgresql())
    first, second, battalion = commanders
    tour = planned_tour(ready_person(battalion), status=Status.DEPLOYED)
    seen = tour.lifecycle_token
    ends = [tour.ends_on + dt.timedelta(days=n) for n in (30, 60)]
    results = race(
        *(
            lambda by=by, end=end: lifecycle.deployment_extend(
                deployment=tour, ends_on=end, seen=seen, by=by
            )
            for by, end in zip((first, second), ends, strict=True)
        )
    )
    won = [r for r in results if isinstance(r, Deployment)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1, results
    assert len(lost) == 1, results
    tour.refresh_from_db()
    assert tour.ends_on == won[0].ends_on
