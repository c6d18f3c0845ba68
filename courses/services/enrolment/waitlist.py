"""The waitlist: promotion into free seats, positions 1..n, moves, and the promotion e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from common.mail import mail_subject_render
from courses.models import Cohort, Enrolment
from courses.services.enrolment.rules import (
    ENROLLING_STATUSES,
    changed_meanwhile,
    cohort_lock,
    enrolment_lock,
    ensure_enrolling,
    seat_counts,
)

if TYPE_CHECKING:
    from accounts.models import User


def _waitlist_reorder(ordered: list[Enrolment], *, by: User | None, reason: str) -> None:
    """Give `ordered` (all of one cohort's waitlisted enrolments, with their current
    positions) the positions 1..n in that order.

    Two UPDATEs: the unique (cohort, position) constraint is checked row by row and cannot be
    deferred on SQLite, so the rows that move first step above every position in use, then
    take their new places.
    """
    moved = [e for index, e in enumerate(ordered, start=1) if e.waitlist_position != index]
    if not moved:
        return
    offset = max(e.waitlist_position for e in ordered)
    Enrolment.objects.filter(pk__in=[e.pk for e in moved]).update(
        waitlist_position=F("waitlist_position") + offset
    )
    now = timezone.now()
    for index, enrolment in enumerate(ordered, start=1):
        enrolment.waitlist_position = index
        enrolment.updated_at = now
    bulk_update_with_history(
        moved,
        Enrolment,
        ["waitlist_position", "updated_at"],
        default_user=by,
        default_change_reason=reason,
    )


def _waitlist_read(cohort: Cohort) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        .select_related("person")
        .order_by("waitlist_position", "pk")
    )


def waitlist_serve(cohort: Cohort, *, by: User | None) -> list[Enrolment]:
    """Promote waitlisted people into free seats in order, renumber the rest 1..n and queue
    one e-mail per promotion in the task outbox. The cohort must be locked."""
    seated, _waitlisted = seat_counts(cohort)
    waiting = _waitlist_read(cohort)
    free = max(0, cohort.capacity - seated)
    promoted, remaining = waiting[:free], waiting[free:]
    if promoted:
        now = timezone.now()
        for enrolment in promoted:
            enrolment.status = Enrolment.Status.ENROLLED
            enrolment.waitlist_position = None
            enrolment.promoted_at = now
            enrolment.promotion_notified_at = None
            enrolment.updated_at = now
        bulk_update_with_history(
            promoted,
            Enrolment,
            ["status", "waitlist_position", "promoted_at", "promotion_notified_at", "updated_at"],
            default_user=by,
            default_change_reason="promoted from the waitlist",
        )
        from common.outbox.services import task_enqueue

        for enrolment in promoted:
            # Recorded with the promotion: a broker down now delays the mail, never loses it.
            task_enqueue(task="courses.send_waitlist_promotion", args=[enrolment.pk])
    _waitlist_reorder(remaining, by=by, reason="waitlist renumbered")
    return promoted


@transaction.atomic
def waitlist_promote(*, cohort: Cohort, by: User | None) -> list[Enrolment]:
    """Fill `cohort`'s free seats from its waitlist, first come first served, and renumber
    the rest of the waitlist 1..n. Call it after saving a larger capacity (it reads the
    capacity from the database, inside a lock on the cohort row).

    Each promoted person is e-mailed through the task outbox (Celery task
    "courses.send_waitlist_promotion"). Returns the promoted enrolments, in waitlist order:
    empty when no seat is free, nobody waits, or the cohort is finalised or cancelled.
    """
    cohort = cohort_lock(cohort)
    if cohort.status not in ENROLLING_STATUSES:
        return []
    return waitlist_serve(cohort, by=by)


@transaction.atomic
def waitlist_move(
    *,
    enrolment: Enrolment,
    direction: Literal["up", "down"],
    expected_position: int | None,
    by: User | None,
) -> Enrolment:
    """Swap a waitlisted trainee with the one above ("up") or below ("down"); positions stay
    1..n. `expected_position` is where the registrar saw them: if the waitlist changed
    meanwhile nothing moves. Raises ValidationError (not waitlisted, stale page, already
    first or last, cohort closed). Returns the enrolment with its new position."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a trainee up or down the waitlist."), code="direction")
    cohort, enrolment = enrolment_lock(enrolment)
    ensure_enrolling(cohort)
    if enrolment.status != Enrolment.Status.WAITLISTED:
        raise changed_meanwhile(enrolment)
    if expected_position is not None and enrolment.waitlist_position != expected_position:
        raise ValidationError(
            _(
                "The waitlist changed since the page was loaded: %(person)s is now at position "
                "%(position)s. Nothing was moved; check the order and try again."
            )
            % {"person": enrolment.person.full_name, "position": enrolment.waitlist_position},
            code="stale",
        )
    waiting = _waitlist_read(cohort)
    index = next(i for i, e in enumerate(waiting) if e.pk == enrolment.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(waiting):
        raise ValidationError(
            _("%(person)s is already first on the waitlist.")
            if direction == "up"
            else _("%(person)s is already last on the waitlist."),
            params={"person": enrolment.person.full_name},
            code="edge",
        )
    waiting[index], waiting[other] = waiting[other], waiting[index]
    _waitlist_reorder(waiting, by=by, reason=f"waitlist: moved {direction}")
    return next(e for e in waiting if e.pk == enrolment.pk)


def enrolment_promotion_notify(*, enrolment_id: int) -> bool:
    """E-mail the person that they moved from the waitlist into a seat. Idempotent: the
    enrolment's `promotion_notified_at` is set in the same transaction, under a row lock,
    so running it twice (or two workers at once) sends one e-mail. Nobody is mailed when the
    enrolment is gone, no longer enrolled, or the person has no e-mail address. Returns
    whether an e-mail was sent."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("person", "cohort__course")
            .filter(pk=enrolment_id)
            .first()
        )
        if (
            enrolment is None
            or enrolment.status != Enrolment.Status.ENROLLED
            or enrolment.promoted_at is None
            or enrolment.promotion_notified_at is not None
        ):
            return False
        sent = False
        if enrolment.person.email:
            context = {
                "enrolment": enrolment,
                "person": enrolment.person,
                "cohort": enrolment.cohort,
                "centre_name": settings.PEACECENTRE_NAME or _("Peace Operations Centre"),
            }
            subject = mail_subject_render(
                template_name="courses/email/waitlist_promotion_subject.txt", context=context
            )
            body = render_to_string("courses/email/waitlist_promotion_body.txt", context)
            send_mail(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [enrolment.person.email],
            )
            sent = True
        # A marker, not a change of the enrolment: no history row for it.
        Enrolment.objects.filter(pk=enrolment.pk).update(promotion_notified_at=timezone.now())
        return sent
