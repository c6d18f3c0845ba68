"""Partner countries' nominations: approval into a seat or the waitlist, or decline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from courses.models import Enrolment
from courses.services.enrolment.eligibility import Eligibility
from courses.services.enrolment.rules import (
    changed_meanwhile,
    enrolment_lock,
    ensure_enrolling,
    reason_required,
    seat_counts,
)
from courses.services.enrolment.waitlist import waitlist_serve

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def nomination_approve(*, enrolment: Enrolment, by: User | None) -> Enrolment:
    """Accept a partner country's nomination: enrolled when a seat is free (after the
    waitlist is served), else waitlisted at the end. The candidate must still meet every
    rule `enrolment_plan` checks. Raises ValidationError (no longer nominated, not eligible,
    cohort closed). Returns the enrolment."""
    cohort, enrolment = enrolment_lock(enrolment)
    ensure_enrolling(cohort)
    if enrolment.status != Enrolment.Status.NOMINATED:
        raise changed_meanwhile(enrolment)
    person = enrolment.person
    if reasons := Eligibility(cohort, [person.pk]).reasons(person):
        raise ValidationError(
            _("%(person)s cannot be enrolled: %(reasons)s. Decline the nomination instead.")
            % {"person": person.full_name, "reasons": "; ".join(reasons)},
            code="ineligible",
        )
    waitlist_serve(cohort, by=by)
    seated, waitlisted = seat_counts(cohort)
    if seated < cohort.capacity:  # after the service above nobody waits for a free seat
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.waitlist_position = None
    else:
        enrolment.status = Enrolment.Status.WAITLISTED
        enrolment.waitlist_position = waitlisted + 1
    enrolment.status_reason = ""
    enrolment._history_user = by
    enrolment.save()
    return enrolment


@transaction.atomic
def nomination_decline(*, enrolment: Enrolment, reason: str, by: User | None) -> Enrolment:
    """Decline a partner country's nomination, keeping `reason`. Raises ValidationError (no
    reason, no longer nominated, cohort closed)."""
    reason = reason_required(reason)
    cohort, enrolment = enrolment_lock(enrolment)
    ensure_enrolling(cohort)
    if enrolment.status != Enrolment.Status.NOMINATED:
        raise changed_meanwhile(enrolment)
    enrolment.status = Enrolment.Status.DECLINED
    enrolment.status_reason = reason
    enrolment._history_user = by
    enrolment.save()
    return enrolment
