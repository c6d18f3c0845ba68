"""What every enrolment write shares: which cohorts take enrolments, the statuses that
hold a place, and the row locks that serialise the last seat."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort, Enrolment

HOME_COUNTRY = getattr(settings, "PEACECENTRE_HOME_COUNTRY", "KZ")
# One go enrols at most this many people: a battalion fits, and the id lists stay far below
# SQLite's limit of 32,766 query parameters.
MAX_CANDIDATES = 1000
ENROLLING_STATUSES = (Cohort.Status.PLANNED, Cohort.Status.OPEN, Cohort.Status.IN_PROGRESS)
# Who can be withdrawn: everyone who holds or waits for a seat, or awaits a decision.
WITHDRAWABLE = (Enrolment.Status.NOMINATED, Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED)

ACTIVE_STATUSES = (
    Enrolment.Status.NOMINATED,
    Enrolment.Status.ENROLLED,
    Enrolment.Status.WAITLISTED,
    Enrolment.Status.PASSED,
    Enrolment.Status.FAILED,
)


def ensure_enrolling(cohort: Cohort) -> None:
    if cohort.status not in ENROLLING_STATUSES:
        raise ValidationError(
            _("Cohort %(cohort)s is %(status)s: it takes no enrolments and its waitlist is closed.")
            % {"cohort": cohort.code, "status": cohort.get_status_display()},
            code="cohort_closed",
        )


def seat_counts(cohort: Cohort) -> tuple[int, int]:
    counts = Enrolment.objects.filter(cohort=cohort).aggregate(
        seated=Count("pk", filter=Q(status__in=Enrolment.SEATED)),
        waitlisted=Count("pk", filter=Q(status=Enrolment.Status.WAITLISTED)),
    )
    return counts["seated"], counts["waitlisted"]


def cohort_lock(cohort: Cohort) -> Cohort:
    """The cohort's row, locked until the transaction ends: serialises the last seat."""
    return Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)


def enrolment_lock(enrolment: Enrolment) -> tuple[Cohort, Enrolment]:
    cohort = cohort_lock(enrolment.cohort)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=enrolment.pk)
    )
    enrolment.cohort = cohort
    return cohort, enrolment


def reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is kept with the enrolment.")})
    max_length = Enrolment._meta.get_field("status_reason").max_length
    if len(reason) > max_length:
        raise ValidationError(
            {"reason": _("Keep the reason under %(limit)s characters.") % {"limit": max_length}}
        )
    return reason


def changed_meanwhile(enrolment: Enrolment) -> ValidationError:
    return ValidationError(
        _(
            "%(person)s is now %(status)s: the page was out of date and nothing was changed. "
            "Check the cohort again."
        )
        % {"person": enrolment.person.full_name, "status": enrolment.get_status_display()},
        code="stale",
    )
