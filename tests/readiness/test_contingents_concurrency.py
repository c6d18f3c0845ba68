"""Two commanders filling the last post of a role at the same moment: one wins, the other is
told the posts are filled. Each commander is a thread with its own database connection; a
barrier starts them together. PostgreSQL only (SQLite serialises every write)."""

import pytest
from django.core.exceptions import ValidationError

from readiness.models import Deployment
from readiness.services.contingents import post_fill
from tests import services
from tests.conftest import require
from tests.courses.conftest import _race
from tests.readiness.contingent_support import build_world, ready_person

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


def test_two_commanders_filling_the_last_post_of_a_role_at_once_one_wins(commander):
    require(*services.postgresql())
    world = build_world(commander)
    for round_ in range(ROUNDS):
        Deployment.objects.filter(contingent=world.contingent).delete()
        mine = ready_person(world.company, f"Mine{round_}")
        theirs = ready_person(world.company, f"Theirs{round_}")
        results = _race(
            lambda mine=mine: post_fill(
                contingent=world.contingent, person=mine, role=world.officer, by=world.commander
            ),
            lambda theirs=theirs: post_fill(
                contingent=world.contingent,
                person=theirs,
                role=world.officer,
                by=world.ministry_commander,
            ),
        )
        planned = [r for r in results if isinstance(r, Deployment)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(planned) == 1, results
        assert len(refused) == 1, results
        assert refused[0].message_dict["role"] == ["The 1 A officer post of KAZCOY is filled."]
        tours = Deployment.objects.filter(contingent=world.contingent, role=world.officer)
        assert list(tours.values_list("person", flat=True)) == [planned[0].person_id]


def test_one_person_filled_into_two_posts_at_once_gets_one_tour(commander):
    require(*services.postgresql())
    world = build_world(commander)
    person = ready_person(world.company, "Twice")
    results = _race(
        lambda: post_fill(
            contingent=world.contingent, person=person, role=world.staff, by=world.commander
        ),
        lambda: post_fill(
            contingent=world.contingent,
            person=person,
            role=world.member,
            by=world.ministry_commander,
        ),
    )
    planned = [r for r in results if isinstance(r, Deployment)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(planned) == 1, results
    assert len(refused) == 1, results
    assert "already has a tour" in refused[0].message_dict["starts_on"][0]
    assert Deployment.objects.filter(person=person).count() == 1
