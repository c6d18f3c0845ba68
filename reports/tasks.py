"""Report tasks. Task names never change once released: queued messages carry them.

Tasks are thin: they take ids and call a service. With a Redis broker the visibility timeout
(CELERY_BROKER_TRANSPORT_OPTIONS) must exceed the longest of these limits and the longest retry
countdown, or Redis hands a message still being worked on to a second worker.
"""

from smtplib import SMTPException

from celery import shared_task
from django.db import transaction

from common.outbox.services import task_enqueue

from . import digests, services

# Measured on PostgreSQL (devtools/bench_reports.py): the whole 10,000-person register's
# readiness XLSX builds in 2 to 3.5 s (engine 0.8 s, writing 2 s). Five minutes stops a stuck
# build long before anyone waits for it; the hard limit leaves 30 s for the soft one to mark
# the request failed.
BUILD_SOFT_LIMIT = 5 * 60
BUILD_HARD_LIMIT = BUILD_SOFT_LIMIT + 30


@shared_task(
    bind=True,
    name="reports.build_report",
    acks_late=True,  # acknowledged after the build: a worker that dies leaves it queued
    reject_on_worker_lost=True,  # a pool child killed mid-build: requeue, not "failed"
    soft_time_limit=BUILD_SOFT_LIMIT,
    time_limit=BUILD_HARD_LIMIT,
)
def build_report(self, request_id: int) -> str:
    """Build report request `request_id` (services.report_build: safe to run twice)."""
    return services.report_build(request_id=request_id, task_id=self.request.id or "").status


# Deleting a few hundred files a day takes well under a second.
@shared_task(name="reports.remove_old_reports", time_limit=10 * 60, soft_time_limit=9 * 60)
def remove_old_reports() -> int:
    """Remove report files older than REPORT_RETENTION_DAYS (beat: daily, 03:30 Almaty)."""
    return services.reports_clean()


# Preparing the rows is one insert and one select, whatever the number of commanders.
@shared_task(
    name="reports.send_weekly_commander_digests", time_limit=5 * 60, soft_time_limit=4 * 60
)
def send_weekly_commander_digests() -> int:
    """Queue this week's readiness digest of every commander not sent yet (beat: Mondays,
    06:00 Almaty). Running it twice in a week sends nothing new."""
    with transaction.atomic():
        pending = digests.commander_digests_prepare()
        for digest_id in pending:
            task_enqueue(task="reports.send_commander_digest", args=[digest_id])
    return len(pending)


# One commander's digest runs the engine once per active profile over their subtree: a
# battalion of 1,000 people and five profiles takes a few seconds. The mail server may be down:
# retries at about 1, 2, 4, ... minutes (with jitter, at most 30 min apart), eight times.
@shared_task(
    name="reports.send_commander_digest",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=5 * 60,
    time_limit=5 * 60 + 30,
)
def send_commander_digest(digest_id: int) -> bool:
    """Send commander digest `digest_id` unless already sent (digests.commander_digest_send)."""
    return digests.commander_digest_send(digest_id=digest_id)
