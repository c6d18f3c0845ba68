"""What the person page shows of a person's deployments (with the forms of their moves), and
its links to their readiness and to planning a tour (personnel/selectors/register.py's
sections). Registered by ReadinessConfig.ready()."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from personnel.models import Person
from personnel.selectors.register import ProfileSection

from .forms.lifecycle import move_forms
from .models import Deployment
from .services.deployments import mandate_overriders


def _prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "deployments",
            queryset=Deployment.objects.select_related("mission", "role", "contingent").order_by(
                "-starts_on", "-pk"
            ),
        )
    ]


@dataclass
class PersonTours:
    tours: list[Deployment]  # each with `moves`: the forms of the moves its status allows
    mandate_overriders: str


def _deployments(person: Person, today: dt.date) -> PersonTours:
    """The person's tours, newest first, each with the forms of its moves (shown to those who
    may change deployments; the service checks the rest). No query beyond the prefetch."""
    tours = list(person.deployments.all())
    for tour in tours:
        tour.moves = move_forms(tour)
    return PersonTours(tours=tours, mandate_overriders=mandate_overriders())


DEPLOYMENTS = ProfileSection(
    name="deployments",
    order=30,
    template="readiness/_person_deployments.html",
    actions_template="readiness/_person_actions.html",
    prefetches=_prefetches,
    content=_deployments,
    personal=True,  # a person's tours are personal records (personnel/scope.py)
)
