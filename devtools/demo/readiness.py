"""Demo readiness snapshots: about six months of weekly points, so the unit readiness page's
trend chart has a history on the day the demo is seeded.

Each point is the real nightly snapshot taken for that past day (the engine judges the
records as they stood then: certificates not yet issued, clearances since renewed), so the
trend is the register's own: it climbs as cohorts finish and dips where records lapsed.
Deterministic: the same register and "demo today" give the same points.
"""

import datetime as dt

from readiness.services.snapshots import readiness_snapshots_take

WEEKS = 26


def seed_readiness_snapshots(*, today: dt.date, weeks: int = WEEKS) -> int:
    """Snapshots of every unit and active profile for today and each of the `weeks` - 1 weeks
    before it, oldest first. Returns the rows written; a rerun rewrites the same rows."""
    return sum(
        readiness_snapshots_take(on=today - dt.timedelta(weeks=back))
        for back in range(weeks - 1, -1, -1)
    )
