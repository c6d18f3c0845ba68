"""Withdrawing trainees, one at a time or a whole cohort being cancelled."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from courses.models import Cohort, Enrolment
from courses.services.enrolment.rules import (
    WITHDRAWABLE,
    changed_meanwhile,
    enrolment_lock,
    ensure_enrolling,
    reason_required,
)
from courses.services.enrolment.waitlist import waitlist_serve

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def enrolments_withdraw_all(*, cohort: Cohort, reason: str, by: User | None) -> list[Enrolment]:
    """Withdraw everyone nominated, enrolled or waitlisted in `cohort` (it is being
    cancelled), keeping `reason` on each enrolment and in its history. Returns them."""
    max_length = Enrolment._meta.get_field("status_reason").max_length
    status_reason = (_("Cohort cancelled: %(reason)s") % {"reason": reason})[:max_length]
    withdrawn = list(cohort.enrolments.filter(status__in=WITHDRAWABLE))
    now = timezone.now()
    for enrolment in withdrawn:
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.waitlist_position = None
        enrolment.status_reason = status_reason
        enrolment.updated_at = now
    bulk_update_with_history(
        withdrawn,
        Enrolment,
        ["status", "waitlist_position", "status_reason", "updated_at"],
        default_user=by,
        default_change_reason="cohort cancelled",
    )
    return withdrawn


@transaction.atomic
def enrolment_withdraw(
    *,
    enrolment: Enrolment,
    reason: str,
    by: User | None,
    expected_status: str | None = None,
) -> list[Enrolment]:
    """Withdraw an enrolled, waitlisted or nominated trainee, keeping `reason`. A seat freed
    goes at once (same transaction) to the head of the waitlist, who is e-mailed after the
    commit; the waitlist is renumbered 1..n. Returns the promoted enrolments.

    `expected_status` is the status the registrar saw: if it changed meanwhile nothing is
    written. Raises ValidationError (no reason, wrong status, stale page, cohort closed).
    """
    reason = reason_required(reason)
    cohort, enrolment = enrolment_lock(enrolment)
    ensure_enrolling(cohort)
    if expected_status is not None and enrolment.status != expected_status:
        raise changed_meanwhile(enrolment)
    if enrolment.status not in WITHDRAWABLE:
        raise ValidationError(
            _("%(person)s is %(status)s: only enrolled, waitlisted or nominated people withdraw.")
            % {"person": enrolment.person.full_name, "status": enrolment.get_status_display()},
            code="not_withdrawable",
        )
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.waitlist_position = None
    enrolment.status_reason = reason
    enrolment._history_user = by
    enrolment.save()
    return waitlist_serve(cohort, by=by)
