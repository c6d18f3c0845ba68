"""Reads for a unit's PCRS page: its pledge, the level's history, its assessment visits with
their area results and findings. A fixed number of queries whatever the number of visits,
areas, findings or level changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import timezone

from personnel.models import Unit
from personnel.scope import units_for
from readiness.models import (
    AssessmentAreaResult,
    PCRSLevel,
    PCRSLevelChange,
    PCRSPledge,
    UnitReadinessAssessment,
    VisitFinding,
)
from readiness.models.pcrs import BACKED_LEVELS
from readiness.services.pcrs import can_manage, visit_backs_on, visit_valid_until

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class PledgeState:
    pledge: PCRSPledge
    on: dt.date

    @property
    def renewal_overdue(self) -> bool:
        return self.pledge.renewal_overdue(self.on)

    @property
    def backed(self) -> bool:
        """Level 1, or a higher level whose AAV is current today."""
        if self.pledge.level not in BACKED_LEVELS:
            return True
        visit = self.pledge.backing_visit
        return visit is not None and visit_backs_on(visit, self.on)

    @property
    def current(self) -> bool:
        return self.backed and not self.renewal_overdue

    @property
    def backing_valid_until(self) -> dt.date | None:
        visit = self.pledge.backing_visit
        return visit_valid_until(visit) if visit else None

    @property
    def rdl_deployed_by(self) -> dt.date | None:
        """Asked today, deployed by this day (the Rapid Deployment Level's promise)."""
        if self.pledge.level == PCRSLevel.RAPID and self.pledge.deploy_within_days:
            return self.on + dt.timedelta(days=self.pledge.deploy_within_days)
        return None


@dataclass
class UnitPCRS:
    unit: Unit
    state: PledgeState | None
    levels: list[PCRSLevelChange]
    visits: list[UnitReadinessAssessment]
    can_manage: bool
    on: dt.date

    @property
    def pledge(self) -> PCRSPledge | None:
        return self.state.pledge if self.state else None

    @property
    def open_findings(self) -> int:
        return sum(1 for v in self.visits for f in v.findings.all() if f.closed_on is None)


def visits_prefetched(queryset):
    """Visits with their area results (and areas) and findings (with areas and owners)."""
    return queryset.prefetch_related(
        Prefetch(
            "areas",
            queryset=AssessmentAreaResult.objects.select_related("area").order_by(
                "area__order", "area__name"
            ),
        ),
        Prefetch(
            "findings",
            queryset=VisitFinding.objects.select_related("area", "owner", "closed_by").order_by(
                "due_on", "pk"
            ),
        ),
    )


def unit_pcrs(*, user: User, pk: int, on: dt.date | None = None) -> UnitPCRS:
    """The PCRS page of unit `pk`. Raises Unit.DoesNotExist outside the user's scope. Six
    queries (seven with the manage check)."""
    on = on or timezone.localdate()
    unit = units_for(user).get(pk=pk)
    pledge = PCRSPledge.objects.filter(unit=unit).select_related("backing_visit").first()
    levels = (
        list(
            pledge.levels.select_related("backing_visit", "recorded_by").order_by(
                "-changed_on", "-pk"
            )
        )
        if pledge
        else []
    )
    visits = list(visits_prefetched(unit.readiness_assessments.order_by("-assessed_on", "-pk")))
    for visit in visits:
        visit.valid_through = visit_valid_until(visit)
        visit.backs_today = visit_backs_on(visit, on)
        for finding in visit.findings.all():
            finding.overdue = finding.is_overdue(on)
    return UnitPCRS(
        unit=unit,
        state=PledgeState(pledge=pledge, on=on) if pledge else None,
        levels=levels,
        visits=visits,
        can_manage=can_manage(user, unit),
        on=on,
    )


def pledge_levels(units) -> dict[int, str]:
    """Unit id -> its pledge's level, for the units that have a pledge. One query."""
    return dict(
        PCRSPledge.objects.filter(unit__in=[u.pk for u in units]).values_list("unit_id", "level")
    )
