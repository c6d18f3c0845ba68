"""Reads for the missions pages: missions, one mission's contingents and roster, one
contingent's roster, and the people returning soon.

Missions and contingents are not personal: every role that sees personnel pages sees them
all. Rosters and the counts of people are: a commander's hold only the people of their unit
subtree (personnel/scope.py). Each read is a fixed number of queries, however many rows
(tests/readiness/test_missions_pages.py asserts it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.roles import sees_everything
from personnel.models import Gender
from personnel.scope import people_for
from readiness.models import Contingent, Deployment, Mission
from readiness.models.missions import ACTIVE

if TYPE_CHECKING:
    from accounts.models import User

RETURNING_WITHIN_DAYS = 60
# Tours that count towards a contingent's strength: every one but a cancelled plan.
SERVING = (
    Deployment.Status.PLANNED,
    Deployment.Status.CONFIRMED,
    Deployment.Status.DEPLOYED,
    Deployment.Status.RETURNED,
    Deployment.Status.REPATRIATED,
)


def deployments_for(user: User) -> QuerySet[Deployment]:
    """Deployments of the people `user` may see."""
    if sees_everything(user):
        return Deployment.objects.all()
    return Deployment.objects.filter(person__in=people_for(user))


def _count(rows: QuerySet, *, by: str) -> Coalesce:
    """A subquery counting `rows` per outer row, joined on `by` (0 when none)."""
    counted = (
        rows.filter(**{by: OuterRef("pk")})
        .order_by()
        .values(by)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _roster(deployments: QuerySet[Deployment]) -> QuerySet[Deployment]:
    return deployments.select_related(
        "person__rank", "person__unit", "mission", "contingent", "role", "override_by"
    ).order_by("-starts_on", "person__search_text", "pk")


def mission_list(*, user: User, today: dt.date) -> list[Mission]:
    """Every mission, open ones first (by acronym), then closed ones (most recently ended
    first), each with `contingent_count` and `deployed_now` (the user's people on a tour on
    `today`, from the lifecycle: Deployment.objects.deployed_on)."""
    deployed = deployments_for(user).deployed_on(today)
    missions = Mission.objects.annotate(
        contingent_count=_count(Contingent.objects.all(), by="mission"),
        deployed_now=_count(deployed, by="mission"),
    ).order_by("-ended_on", "acronym")
    rows = list(missions)
    # Open missions (no end) first: NULLS FIRST differs between databases, so sort here.
    return [m for m in rows if m.is_open] + [m for m in rows if not m.is_open]


@dataclass
class MissionPage:
    mission: Mission
    contingents: list[Contingent]  # each with `strength`: the user's people in it
    roster: list[Deployment]
    scoped: bool  # the roster holds only the user's units' people


def mission_page(*, user: User, pk: int) -> MissionPage:
    """A mission, its contingents (newest rotation first) and the roster of its deployments
    the user may see. Raises Mission.DoesNotExist."""
    mission = Mission.objects.get(pk=pk)
    visible = deployments_for(user)
    contingents = list(
        Contingent.objects.filter(mission=mission)
        .select_related("unit")
        .annotate(strength=_count(visible.filter(status__in=SERVING), by="contingent"))
        .order_by("-starts_on", "unit__code", "rotation")
    )
    roster = list(_roster(visible.filter(mission=mission)))
    return MissionPage(
        mission=mission, contingents=contingents, roster=roster, scoped=not sees_everything(user)
    )


@dataclass
class ContingentPage:
    contingent: Contingent
    roster: list[Deployment]
    strength: int  # tours not cancelled
    women: int
    scoped: bool

    @property
    def women_percent(self) -> Decimal | None:
        if not self.strength:
            return None
        share = Decimal(100 * self.women) / Decimal(self.strength)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def strength_percent(self) -> int | None:
        planned = self.contingent.planned_strength
        return round(100 * self.strength / planned) if planned else None


def contingent_page(*, user: User, pk: int) -> ContingentPage:
    """A contingent with the roster the user may see, its strength against the planned
    strength and the share of women (over tours not cancelled). Raises
    Contingent.DoesNotExist."""
    contingent = Contingent.objects.select_related("mission", "unit").get(pk=pk)
    roster = list(_roster(deployments_for(user).filter(contingent=contingent)))
    serving = [d for d in roster if d.status in SERVING]
    return ContingentPage(
        contingent=contingent,
        roster=roster,
        strength=len(serving),
        women=sum(1 for d in serving if d.person.gender == Gender.FEMALE),
        scoped=not sees_everything(user),
    )


def deployments_returning(
    *, user: User, today: dt.date, days: int = RETURNING_WITHIN_DAYS
) -> QuerySet[Deployment]:
    """Tours planned or under way whose planned end falls from `today` to `today + days`
    (both included), soonest first: the people coming home. Confirmed tours count with the
    planned ones; returned, repatriated and cancelled ones do not."""
    return _roster(
        deployments_for(user).filter(
            status__in=ACTIVE,
            ends_on__gte=today,
            ends_on__lte=today + dt.timedelta(days=days),
        )
    ).order_by("ends_on", "person__search_text", "pk")
