"""Helpers of the lifecycle tests: a commander's battalion, a ready person in it and tours in
each status."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from readiness.models import Deployment
from tests import factories
from tests.readiness.deployment_support import DeploymentFactory, make_ready, plain_role

Status = Deployment.Status


def today() -> dt.date:
    return timezone.localdate()


def ready_person(unit, **fields):
    return make_ready(factories.PersonFactory(unit=unit, **fields))


def planned_tour(person, *, status=Status.PLANNED, role=None, mission=None, **fields):
    """A tour from 10 days ago to 200 days ahead (departed 10 days ago when departed)."""
    values = {
        "person": person,
        "mission": mission or factories.MissionFactory(),
        "role": role or plain_role(),
        "starts_on": today() - dt.timedelta(days=10),
        "ends_on": today() + dt.timedelta(days=200),
        "status": status,
    }
    values.update(fields)
    return DeploymentFactory(**values)
