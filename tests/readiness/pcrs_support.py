"""Shared makers for the PCRS tests: visits and pledges written straight to the database
(the services' own tests write through them)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from readiness.models import PCRSPledge, UnitReadinessAssessment
from readiness.services import pcrs as services


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def ahead(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def visit(unit, *, on=None, kind="aav", outcome="passed", valid_until=None, **values):
    return UnitReadinessAssessment.objects.create(
        unit=unit,
        assessed_on=on or ago(30),
        kind=kind,
        outcome=outcome,
        assessed_by=values.pop("assessed_by", "UN DPO AAV team"),
        valid_until=valid_until,
        **values,
    )


def pledge(unit, *, registered_on=None, level="1", backing_visit=None, **values) -> PCRSPledge:
    registered_on = registered_on or ago(100)
    return PCRSPledge.objects.create(
        unit=unit,
        registered_on=registered_on,
        capability=values.pop("capability", "Infantry company (120)"),
        level=level,
        level_since=values.pop("level_since", registered_on),
        backing_visit=backing_visit,
        renewal_due_on=values.pop("renewal_due_on", services.first_renewal_due(registered_on)),
        **values,
    )
