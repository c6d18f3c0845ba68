"""The reminders' writes: the daily sweeps that record reminders (sweeps.py) and the digests
that mail them (digests.py)."""

from .digests import DigestOutcome, digest_send, digests_send
from .pcrs import sweep_pcrs_actions_overdue, sweep_pcrs_renewals
from .sweeps import (
    LAPSING_THRESHOLDS,
    STARTING_THRESHOLDS,
    reminders_record,
    sweep_cohorts_starting,
    sweep_deployments_due,
    sweep_lapsing,
    sweep_recognition_lapsing,
    sweep_results_missing,
)

__all__ = [
    "LAPSING_THRESHOLDS",
    "STARTING_THRESHOLDS",
    "DigestOutcome",
    "digest_send",
    "digests_send",
    "reminders_record",
    "sweep_cohorts_starting",
    "sweep_deployments_due",
    "sweep_lapsing",
    "sweep_pcrs_actions_overdue",
    "sweep_pcrs_renewals",
    "sweep_recognition_lapsing",
    "sweep_results_missing",
]
