"""The readiness app's Celery tasks: thin, calling a service. Task names never change once
released: queued messages and beat's schedule carry them (this one was named when the task
lived in the personnel app)."""

import datetime as dt

from celery import shared_task

from readiness.services.snapshots import readiness_snapshots_take


# Measured: 10,000 people and five profiles take a few seconds; the limits only stop a stuck run
# before the next night's.
@shared_task(name="personnel.take_readiness_snapshots", time_limit=30 * 60, soft_time_limit=25 * 60)
def take_readiness_snapshots(on: str | None = None) -> int:
    """Take the readiness snapshots of day `on` (ISO date; default today): beat runs it nightly
    (personnel/migrations/0007_readiness_snapshot_schedule.py). Returns the rows written."""
    return readiness_snapshots_take(on=dt.date.fromisoformat(on) if on else None)
