"""The nightly readiness snapshot: for every unit (with every unit under it) and every active
requirement profile, how many active people there are, how many are ready, how many of those
have something lapsing soon, and how many lack each requirement (the most common gaps). The
unit readiness page draws its trend from these rows and reads a large unit's shares and gaps
from today's (readiness/selectors/units.py).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from personnel.models import Unit
from readiness.models import ReadinessSnapshot
from readiness.selectors.units import active_people_under, active_profiles, readiness_live


@transaction.atomic
def readiness_snapshots_take(*, on: dt.date | None = None) -> int:
    """Take the snapshots of day `on` (default: today) and return how many rows were written.

    Set-based: the engine runs once per active profile over all active people, and the counts
    are summed up the tree in Python from the units' paths. Idempotent per day: a second run
    on the same day updates that day's rows (the unique constraint on unit, profile and day
    makes a duplicate impossible), so a rerun after a correction shows the corrected counts.
    """
    on = on or timezone.localdate()
    units = list(Unit.objects.order_by("path"))
    profiles = active_profiles()
    roots = [unit for unit in units if unit.depth == 1]
    live = readiness_live(
        units=units,
        people=active_people_under(u.path for u in roots),
        profiles=profiles,
        on=on,
        gaps_for=[unit.pk for unit in units],
    )
    snapshots = [
        ReadinessSnapshot(
            unit=unit,
            profile=profile,
            taken_on=on,
            headcount=tally.headcount,
            ready=tally.ready,
            lapsing=tally.lapsing,
            gaps={
                requirement.key: count
                for requirement, count in live.gaps.get((unit.pk, profile.pk), {}).items()
            },
        )
        for unit in units
        for profile in profiles
        for tally in [live.tallies[unit.pk, profile.pk]]
    ]
    ReadinessSnapshot.objects.bulk_create(
        snapshots,
        batch_size=1_000,
        update_conflicts=True,
        unique_fields=["unit", "profile", "taken_on"],
        update_fields=["headcount", "ready", "lapsing", "gaps"],
    )
    return len(snapshots)
