"""Queueing Celery tasks from a write, so that a broker outage loses none.

`task_enqueue` records the task in the caller's transaction and publishes it once that
commits; a publish that fails (the broker is down) leaves the row pending for the relay
(`outbox_publish_due`, run in a loop by manage.py outbox_relay), and the request goes on: the
page tells the user that the work is saved and will start when the queue is back
(middleware.OutboxNoticeMiddleware).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone

from .models import OutboxTask

logger = logging.getLogger(__name__)

BATCH = 100  # rows the relay locks and publishes per transaction
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0  # a broker back after an outage is used within a minute
KEEP_SENT_DAYS = 7  # sent rows kept this long for the admin, then removed by the relay
CONNECT_TIMEOUT_SECONDS = 2  # one connection try to the broker, so a page never waits long

# The publishes that failed during the current web request (set by the middleware): the
# page then says that the work is saved and waits for the queue.
publish_failures: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "outbox_publish_failures", default=None
)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next try after `attempts` failed ones: 1, 2, 4 ... seconds, capped."""
    first = _setting("OUTBOX_BACKOFF_FIRST_SECONDS", BACKOFF_FIRST_SECONDS)
    cap = _setting("OUTBOX_BACKOFF_MAX_SECONDS", BACKOFF_MAX_SECONDS)
    return dt.timedelta(seconds=min(cap, first * 2 ** max(0, attempts - 1)))


def task_enqueue(
    *, task: str, args: Sequence[Any] = (), kwargs: dict[str, Any] | None = None
) -> OutboxTask:
    """Record Celery task `task` (its registered name) with JSON-able `args`/`kwargs` in the
    current transaction, and publish it once the transaction commits (at once outside one).
    Use instead of `transaction.on_commit(lambda: some_task.delay(...))`."""
    row = OutboxTask.objects.create(task_name=task, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: outbox_publish_now(pk=row.pk))
    return row


def _skip_locked() -> dict:
    # SQLite has no row locks (one writer at a time): a plain SELECT there.
    return {"skip_locked": connection.features.has_select_for_update_skip_locked}


def _publish(row: OutboxTask) -> None:
    """Hand `row` to the broker that the settings name now, without kombu's own retries: a
    refusal comes back at once and the relay tries again later."""
    from celery import current_app as app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        # One try, no wait: kombu would otherwise retry for seconds while a page waits.
        conn.ensure_connection(max_retries=0, interval_start=0, timeout=CONNECT_TIMEOUT_SECONDS)
        app.send_task(
            row.task_name,
            args=row.args,
            kwargs=row.kwargs,
            task_id=row.task_id,
            connection=conn,
            retry=False,
        )


def _mark_sent(row: OutboxTask, now: dt.datetime) -> None:
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=now, last_error="")


def _mark_failed(row: OutboxTask, error: Exception, now: dt.datetime) -> None:
    attempts = row.attempts + 1
    OutboxTask.objects.filter(pk=row.pk, sent_at__isnull=True).update(
        attempts=attempts,
        next_attempt_at=now + backoff(attempts),
        last_error=f"{type(error).__name__}: {error}"[:1000],
    )


def outbox_publish_now(*, pk: int) -> bool:
    """Publish outbox row `pk` unless sent or being sent by the relay. Never raises: a
    failure is recorded on the row for the relay. Returns whether the row is off our hands."""
    try:
        with transaction.atomic():
            row = (
                OutboxTask.objects.select_for_update(**_skip_locked())
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if row is None:
                return True  # sent already, or the relay holds it right now
            try:
                _publish(row)
            except Exception as error:
                logger.warning("Task %s queued for the relay: the broker refused it", row.task_name)
                _mark_failed(row, error, timezone.now())
                failed = publish_failures.get()
                if failed is not None:
                    failed.append(row.pk)
                return False
            _mark_sent(row, timezone.now())
            return True
    except Exception:
        # The database itself failed after the commit: the row stays pending for the relay.
        logger.exception("Outbox row %s left for the relay", pk)
        return False


@dataclass(frozen=True)
class RelayRound:
    sent: int
    failed: int


def outbox_publish_due(*, now: dt.datetime | None = None, limit: int = BATCH) -> RelayRound:
    """Publish up to `limit` pending rows that are due, oldest first, each marked sent once
    the broker took it. Rows that another relay holds are skipped (SKIP LOCKED on
    PostgreSQL). The first refusal ends the round: the broker is down, and the other rows
    keep their turn. One SELECT, then one UPDATE per row."""
    now = now or timezone.now()
    sent = failed = 0
    with transaction.atomic():
        rows = list(
            OutboxTask.objects.select_for_update(**_skip_locked())
            .filter(sent_at__isnull=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[:limit]
        )
        for row in rows:
            try:
                _publish(row)
            except Exception as error:
                logger.warning("The broker refused %s: %s", row.task_name, type(error).__name__)
                _mark_failed(row, error, timezone.now())
                failed += 1
                break
            _mark_sent(row, timezone.now())
            sent += 1
    return RelayRound(sent=sent, failed=failed)


def outbox_prune(*, now: dt.datetime | None = None) -> int:
    """Remove rows sent more than KEEP_SENT_DAYS ago. Returns how many."""
    now = now or timezone.now()
    keep = dt.timedelta(days=_setting("OUTBOX_KEEP_SENT_DAYS", KEEP_SENT_DAYS))
    deleted, _by_model = OutboxTask.objects.filter(sent_at__lt=now - keep).delete()
    return deleted


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest: dt.datetime | None

    def age_seconds(self, now: dt.datetime) -> int | None:
        return None if self.oldest is None else max(0, int((now - self.oldest).total_seconds()))


def outbox_backlog() -> Backlog:
    """How many rows wait for the broker, and since when the oldest. One query."""
    found = OutboxTask.objects.filter(sent_at__isnull=True).aggregate(
        pending=Count("pk"), oldest=Min("created_at")
    )
    return Backlog(pending=found["pending"], oldest=found["oldest"])
