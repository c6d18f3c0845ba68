"""The reminders' Celery tasks: thin, calling a service. Task names never change once
released: queued messages carry them.

Beat runs the five sweeps at 05:30-05:50 and send_digests at 06:00 (Almaty; migration
0002_reminder_schedules): the sweeps only record, and the one digest run after them mails
everything recorded, so each recipient gets one mail a day however many sweeps found
something. A sweep does not queue the digests itself: five sweeps would mean five digest
runs, the first of which would mail before the others had recorded anything.
"""

import datetime as dt
from smtplib import SMTPException

from celery import shared_task

from notifications.services import (
    digests_send,
    sweep_cohorts_starting,
    sweep_deployments_due,
    sweep_lapsing,
    sweep_pcrs_actions_overdue,
    sweep_pcrs_renewals,
    sweep_recognition_lapsing,
    sweep_results_missing,
)


def _day(on: str | None) -> dt.date | None:
    return dt.date.fromisoformat(on) if on else None


# Measured: the lapsing sweep over 100,000 certifications takes about half a second on PostgreSQL
# (devtools/bench_notifications.py); the limits only stop a stuck run.
@shared_task(name="notifications.sweep_lapsing", time_limit=10 * 60, soft_time_limit=9 * 60)
def sweep_lapsing_task(on: str | None = None) -> int:
    """Record reminders of certifications and qualification records lapsing. Returns how
    many this run inserted (another sweep at the same time counts its own)."""
    return sweep_lapsing(on=_day(on))


@shared_task(name="notifications.sweep_cohorts_starting", time_limit=5 * 60, soft_time_limit=4 * 60)
def sweep_cohorts_starting_task(on: str | None = None) -> int:
    """Record reminders of cohorts starting in 7 days and tomorrow."""
    return sweep_cohorts_starting(on=_day(on))


@shared_task(name="notifications.sweep_results_missing", time_limit=5 * 60, soft_time_limit=4 * 60)
def sweep_results_missing_task(on: str | None = None) -> int:
    """Record reminders of ended cohorts whose scores or attendance are missing."""
    return sweep_results_missing(on=_day(on))


@shared_task(
    name="notifications.sweep_recognition_lapsing", time_limit=5 * 60, soft_time_limit=4 * 60
)
def sweep_recognition_lapsing_task(on: str | None = None) -> int:
    """Record reminders of courses whose UN recognition lapses within six months."""
    return sweep_recognition_lapsing(on=_day(on))


@shared_task(name="notifications.sweep_pcrs_renewals", time_limit=5 * 60, soft_time_limit=4 * 60)
def sweep_pcrs_renewals_task(on: str | None = None) -> int:
    """Record reminders of PCRS pledges whose renewal falls due or is overdue."""
    return sweep_pcrs_renewals(on=_day(on))


@shared_task(
    name="notifications.sweep_pcrs_actions_overdue", time_limit=5 * 60, soft_time_limit=4 * 60
)
def sweep_pcrs_actions_overdue_task(on: str | None = None) -> int:
    """Record reminders of assessment visits' corrective actions past their due day."""
    return sweep_pcrs_actions_overdue(on=_day(on))


# A failing mail server: retried with exponential backoff (1, 2, 4, ... minutes with jitter,
# at most 10 minutes apart), eight times, i.e. for about an hour; each retry mails only the
# recipients not mailed yet today.
@shared_task(
    name="notifications.send_digests",
    time_limit=20 * 60,
    soft_time_limit=18 * 60,
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=60,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=8,
)
def send_digests_task(on: str | None = None) -> dict:
    """Mail each recipient their reminders not mailed yet, one digest a day. Returns the
    counts."""
    outcome = digests_send(on=_day(on))
    return {
        "mailed": len(outcome.mailed),
        "deferred": len(outcome.deferred),
        "reminders": outcome.reminders,
    }


@shared_task(name="notifications.sweep_deployments_due", time_limit=5 * 60, soft_time_limit=4 * 60)
def sweep_deployments_due_task(on: str | None = None) -> int:
    """Record the reminders of departures and returns due and not recorded."""
    return sweep_deployments_due(on=_day(on))
