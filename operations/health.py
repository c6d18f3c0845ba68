"""The health check's readings: can we reach the database and the broker, has a worker
answered beat's heartbeat lately (peacecentre.health_ping, every 5 minutes:
accounts/migrations/0003_worker_heartbeat_schedule.py), does the task outbox drain (no
task waiting for the broker for long), and is no report stuck (running, heartbeat stopped)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_celery_results.models import TaskResult

from common.outbox.services import outbox_backlog
from reports.services import stalled_reports

HEARTBEAT_TASK = "peacecentre.health_ping"
# Two heartbeat periods: one late or lost heartbeat is not an outage.
HEARTBEAT_MAX_AGE = dt.timedelta(minutes=10)
BROKER_TIMEOUT_SECONDS = 2
# Tasks the broker refused wait in the outbox for the relay: a few seconds normally, longer
# only while the broker or the relay is down.
OUTBOX_MAX_AGE_SECONDS = 5 * 60


@dataclass(frozen=True)
class Reading:
    ok: bool
    ms: int | None = None  # how long the check took
    detail: str = ""  # why it failed (the exception's class, never a host or a password)


NOT_CHECKED = Reading(ok=True, detail="not checked")


@dataclass(frozen=True)
class Health:
    database: Reading
    broker: Reading
    worker: Reading
    last_heartbeat: dt.datetime | None
    outbox: Reading = NOT_CHECKED
    outbox_pending: int | None = None
    outbox_oldest_seconds: int | None = None
    stuck: Reading = NOT_CHECKED
    stuck_reports: int | None = None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in (self.database, self.broker, self.worker, self.outbox, self.stuck))

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.ok else "failing",
            "database": asdict(self.database),
            "broker": asdict(self.broker),
            "worker": {
                **asdict(self.worker),
                "last_heartbeat": self.last_heartbeat.isoformat() if self.last_heartbeat else None,
            },
            "outbox": {
                **asdict(self.outbox),
                "pending": self.outbox_pending,
                "oldest_pending_seconds": self.outbox_oldest_seconds,
            },
            "stuck": {**asdict(self.stuck), "reports": self.stuck_reports},
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
    from celery import current_app as app

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
        return Health(
            database=database, broker=NOT_CHECKED, worker=NOT_CHECKED, last_heartbeat=None
        )
    broker = _timed(_broker)
    heartbeat = last_heartbeat() if database.ok else None
    now = now or timezone.now()
    if heartbeat is None:
        worker = Reading(ok=False, detail="no heartbeat recorded")
    elif now - heartbeat > HEARTBEAT_MAX_AGE:
        worker = Reading(ok=False, detail="heartbeat older than 10 minutes")
    else:
        worker = Reading(ok=True)
    if not database.ok:
        unknown = Reading(ok=False, detail="database unavailable")
        return Health(database, broker, worker, heartbeat, outbox=unknown, stuck=unknown)
    backlog = outbox_backlog()
    oldest = backlog.age_seconds(now)
    max_age = int(getattr(settings, "OUTBOX_MAX_AGE_SECONDS", OUTBOX_MAX_AGE_SECONDS))
    if oldest is not None and oldest > max_age:
        outbox = Reading(ok=False, detail=f"a task has waited for the broker over {max_age} s")
    else:
        outbox = Reading(ok=True)
    stuck_count = stalled_reports(now=now).count()
    stuck = (
        Reading(ok=False, detail="reports running without a heartbeat")
        if stuck_count
        else Reading(ok=True)
    )
    return Health(
        database=database,
        broker=broker,
        worker=worker,
        last_heartbeat=heartbeat,
        outbox=outbox,
        outbox_pending=backlog.pending,
        outbox_oldest_seconds=oldest,
        stuck=stuck,
        stuck_reports=stuck_count,
    )
