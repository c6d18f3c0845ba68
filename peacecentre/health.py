"""The health check's readings: can we reach the database and the broker, and has a worker
answered beat's heartbeat lately (peacecentre.health_ping, every 5 minutes:
peacecentre/migrations/0003_worker_heartbeat_schedule.py)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_results.models import TaskResult

HEARTBEAT_TASK = "peacecentre.health_ping"
# Two heartbeat periods: one late or lost heartbeat is not an outage.
HEARTBEAT_MAX_AGE = dt.timedelta(minutes=10)
BROKER_TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class Reading:
    ok: bool
    ms: int | None = None  # how long the check took
    detail: str = ""  # why it failed (the exception's class, never a host or a password)


@dataclass(frozen=True)
class Health:
    database: Reading
    broker: Reading
    worker: Reading
    last_heartbeat: dt.datetime | None

    @property
    def ok(self) -> bool:
        return self.database.ok and self.broker.ok and self.worker.ok

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.ok else "failing",
            "database": asdict(self.database),
            "broker": asdict(self.broker),
            "worker": {
                **asdict(self.worker),
                "last_heartbeat": self.last_heartbeat.isoformat() if self.last_heartbeat else None,
            },
        }


def _timed(check) -> Reading:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:
        return Reading(ok=False, detail=type(error).__name__)
    return Reading(ok=True, ms=round((time.perf_counter() - started) * 1000))


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    from peacecentre.celery import app

    # The broker the settings name now (the app's configuration was read at start-up).
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


def last_heartbeat() -> dt.datetime | None:
    """When a worker last ran the heartbeat, or None."""
    return (
        TaskResult.objects.filter(task_name=HEARTBEAT_TASK, status="SUCCESS")
        .order_by("-date_done")
        .values_list("date_done", flat=True)
        .first()
    )


def health_read(*, now: dt.datetime | None = None, web_only: bool = False) -> Health:
    """Database, broker and worker, each checked now (the worker through its last heartbeat).
    The database check is one query; the worker's one more when the database answers.

    `web_only`: what this web machine needs to serve pages, the database alone, for a load
    balancer (which must not take every web machine out because the workers stopped); the
    broker and the worker are reported as not checked (ok)."""
    database = _timed(_database)
    if web_only:
        skipped = Reading(ok=True, detail="not checked")
        return Health(database=database, broker=skipped, worker=skipped, last_heartbeat=None)
    broker = _timed(_broker)
    heartbeat = last_heartbeat() if database.ok else None
    now = now or timezone.now()
    if heartbeat is None:
        worker = Reading(ok=False, detail="no heartbeat recorded")
    elif now - heartbeat > HEARTBEAT_MAX_AGE:
        worker = Reading(ok=False, detail="heartbeat older than 10 minutes")
    else:
        worker = Reading(ok=True)
    return Health(database=database, broker=broker, worker=worker, last_heartbeat=heartbeat)
