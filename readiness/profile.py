"""What the person page shows of a person's deployments, and its links to their readiness and
to planning a tour (personnel/selectors/register.py's sections). Registered by
ReadinessConfig.ready()."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from personnel.models import Person
from personnel.selectors.register import ProfileSection

from .models import Deployment


def _prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "deployments",
            queryset=Deployment.objects.select_related("mission", "role", "contingent").order_by(
                "-starts_on", "-pk"
            ),
        )
    ]


def _deployments(person: Person, today: dt.date) -> list[Deployment]:
    return list(person.deployments.all())


DEPLOYMENTS = ProfileSection(
    name="deployments",
    order=30,
    template="readiness/_person_deployments.html",
    actions_template="readiness/_person_actions.html",
    prefetches=_prefetches,
    content=_deployments,
    personal=True,  # a person's tours are personal records (personnel/scope.py)
)
