"""A tour's lifecycle after planning: one function per move.

    planned --confirm--> confirmed --depart--> deployed --return--> returned
       |                    |                     +--repatriate--> repatriated (early)
       +------depart--------+
       +--cancel--> cancelled <--cancel--+
    planned, confirmed, deployed --extend--> the same status, a later planned end

Every move:
- may be made by whoever holds MOVE_PERMISSION (readiness.change_deployment: registrars and
  administrators for anyone, commanders for the people of their unit subtree, personnel/scope.py);
  anyone else gets PermissionDenied, a person out of scope is a 404 in the views and
  PermissionDenied here;
- locks the tour and compares what the page showed (`seen`: Deployment.lifecycle_token) with the
  tour as it is: a tour moved since is refused as stale, naming its status now (two commanders
  moving one tour at once: the first wins, the second reads why);
- refuses a move its status does not allow, naming the status and what may be done instead;
- records who and when in the tour's history (simple-history: `_history_user`).

The dates are the actual ones: a departure or a return cannot be recorded ahead of the day it
happens (the reminders say when one is due; nothing is recorded for the user). The database
holds the combinations too (readiness migration 0003).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from personnel.models.dates import whole_months
from personnel.scope import people_for
from readiness.deployability import deployability
from readiness.models import Deployment
from readiness.services.deployments import (
    MAX_TOUR_MONTHS,
    OVERRIDE_PERMISSION,
    NotReady,
    check_mandate,
    is_overlap_violation,
    overlap_error,
    overlapping_deployment,
)
from readiness.services.deployments import _day as day_text

if TYPE_CHECKING:
    from accounts.models import User

MOVE_PERMISSION = "readiness.change_deployment"
Status = Deployment.Status

# The moves, each with the statuses it starts from.
CONFIRM, DEPART, RETURN, REPATRIATE, EXTEND, CANCEL = (
    "confirm",
    "depart",
    "return",
    "repatriate",
    "extend",
    "cancel",
)
MOVES_FROM: dict[str, tuple[str, ...]] = {
    CONFIRM: (Status.PLANNED,),
    DEPART: (Status.PLANNED, Status.CONFIRMED),
    RETURN: (Status.DEPLOYED,),
    REPATRIATE: (Status.DEPLOYED,),
    EXTEND: (Status.PLANNED, Status.CONFIRMED, Status.DEPLOYED),
    CANCEL: (Status.PLANNED, Status.CONFIRMED),
}


def moves_for(deployment: Deployment) -> list[str]:
    """The moves `deployment`'s status allows, in the order the pages offer them."""
    return [move for move, sources in MOVES_FROM.items() if deployment.status in sources]


def may_move(user: User, deployment: Deployment) -> bool:
    """Whether `user` may move `deployment` (one query for a commander)."""
    if not user.has_perm(MOVE_PERMISSION):
        return False
    return people_for(user).filter(pk=deployment.person_id).exists()


def _stale(tour: Deployment) -> ValidationError:
    return ValidationError(
        {
            NON_FIELD_ERRORS: ValidationError(
                _(
                    "This tour changed since you opened the page: it is now %(status)s, planned "
                    "to end on %(end)s. Nothing was recorded; check it and try again."
                )
                % {"status": tour.get_status_display(), "end": day_text(tour.ends_on)},
                code="stale",
            )
        }
    )


def _not_from(tour: Deployment, move: str) -> ValidationError:
    messages = {
        CONFIRM: _("Only a planned tour can be confirmed; this one is %(status)s."),
        DEPART: _("Only a planned or confirmed tour can depart; this one is %(status)s."),
        RETURN: _("Only a deployed tour can return; this one is %(status)s."),
        REPATRIATE: _("Only a deployed tour can be repatriated; this one is %(status)s."),
        EXTEND: _(
            "Only a planned, confirmed or deployed tour can be extended; this one is %(status)s."
        ),
        CANCEL: _(
            "Only a planned or confirmed tour can be cancelled; this one is %(status)s. A tour "
            "under way ends with a return or an early repatriation."
        ),
    }
    return ValidationError(
        {
            NON_FIELD_ERRORS: ValidationError(
                messages[move] % {"status": tour.get_status_display()}, code="not_allowed"
            )
        }
    )


def _lock(deployment: Deployment, *, move: str, seen: str, by: User) -> Deployment:
    """The tour, locked until the transaction ends, after the permission, stale and status
    checks."""
    if not by.has_perm(MOVE_PERMISSION):
        raise PermissionDenied(_("You may not change deployments."))
    tour = (
        Deployment.objects.select_for_update(of=("self",))
        .select_related("person__rank", "mission", "role")
        .get(pk=deployment.pk)
    )
    if not people_for(by).filter(pk=tour.person_id).exists():
        raise PermissionDenied(_("%(person)s is not in your units.") % {"person": tour.person})
    if seen != tour.lifecycle_token:
        raise _stale(tour)
    if tour.status not in MOVES_FROM[move]:
        raise _not_from(tour, move)
    return tour


def _save(tour: Deployment, *, by: User) -> Deployment:
    tour._history_user = by
    try:
        with transaction.atomic():
            tour.save()
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        other = overlapping_deployment(
            person=tour.person,
            starts_on=tour.departed_on or tour.starts_on,
            ends_on=tour.returned_on or tour.ends_on,
            exclude_pk=tour.pk,
        )
        raise overlap_error(person=tour.person, other=other, field="ends_on") from error
    return tour


def _not_ahead(field: str, day: dt.date, today: dt.date) -> None:
    if day > today:
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "%(day)s is still ahead: record it on the day it happens, or later "
                        "(today is %(today)s)."
                    )
                    % {"day": day_text(day), "today": day_text(today)},
                    code="in_future",
                )
            }
        )


def _reason(field: str, reason: str, *, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {field: ValidationError(_("Give the reason for the %(what)s.") % {"what": what})}
        )
    return reason


def _readiness_gaps(tour: Deployment, *, starts_on: dt.date, ends_on: dt.date) -> list[str]:
    readiness = deployability(
        people=[tour.person], profile=tour.role, on=starts_on, tour_ends_on=ends_on
    )
    return [check.reason or check.requirement.label for check in readiness[tour.person.pk].gaps]


@transaction.atomic
def deployment_confirm(
    *, deployment: Deployment, seen: str, by: User, today: dt.date | None = None
) -> Deployment:
    """Confirm a planned tour. The engine checks the person again over the whole tour (their
    records may have lapsed since planning); a tour planned with a readiness override keeps
    it."""
    tour = _lock(deployment, move=CONFIRM, seen=seen, by=by)
    today = today or timezone.localdate()
    gaps = _readiness_gaps(tour, starts_on=max(tour.starts_on, today), ends_on=tour.ends_on)
    if gaps and not tour.override_reason:
        raise NotReady(person=tour.person, role=tour.role, reasons=gaps)
    tour.status = Status.CONFIRMED
    return _save(tour, by=by)


@transaction.atomic
def deployment_depart(
    *,
    deployment: Deployment,
    departed_on: dt.date,
    seen: str,
    by: User,
    today: dt.date | None = None,
) -> Deployment:
    """Record the actual departure of a planned or confirmed tour."""
    tour = _lock(deployment, move=DEPART, seen=seen, by=by)
    _not_ahead("departed_on", departed_on, today or timezone.localdate())
    if departed_on < tour.mission.started_on:
        raise ValidationError(
            {
                "departed_on": _("%(mission)s started on %(start)s: no departure before it.")
                % {"mission": tour.mission.acronym, "start": day_text(tour.mission.started_on)}
            }
        )
    if departed_on > tour.ends_on:
        raise ValidationError(
            {
                "departed_on": _(
                    "The tour was planned to end on %(end)s: extend it before recording a later "
                    "departure."
                )
                % {"end": day_text(tour.ends_on)}
            }
        )
    tour.status = Status.DEPLOYED
    tour.departed_on = departed_on
    return _save(tour, by=by)


def _check_return(tour: Deployment, returned_on: dt.date, today: dt.date | None) -> None:
    _not_ahead("returned_on", returned_on, today or timezone.localdate())
    if returned_on < tour.departed_on:
        raise ValidationError(
            {
                "returned_on": _(
                    "The tour departed on %(departed)s: the return cannot be before it."
                )
                % {"departed": day_text(tour.departed_on)}
            }
        )


@transaction.atomic
def deployment_return(
    *,
    deployment: Deployment,
    returned_on: dt.date,
    seen: str,
    by: User,
    today: dt.date | None = None,
) -> Deployment:
    """Record the actual return of a deployed tour (at or after its end; for an early one
    with a reason, repatriate)."""
    tour = _lock(deployment, move=RETURN, seen=seen, by=by)
    _check_return(tour, returned_on, today)
    tour.status = Status.RETURNED
    tour.returned_on = returned_on
    return _save(tour, by=by)


@transaction.atomic
def deployment_repatriate(
    *,
    deployment: Deployment,
    returned_on: dt.date,
    reason: str,
    seen: str,
    by: User,
    today: dt.date | None = None,
) -> Deployment:
    """Record an early repatriation of a deployed tour: the day and the reason (medical,
    disciplinary, compassionate...)."""
    tour = _lock(deployment, move=REPATRIATE, seen=seen, by=by)
    _check_return(tour, returned_on, today)
    tour.status_reason = _reason("reason", reason, what=_("early repatriation"))
    tour.status = Status.REPATRIATED
    tour.returned_on = returned_on
    return _save(tour, by=by)


@transaction.atomic
def deployment_cancel(*, deployment: Deployment, reason: str, seen: str, by: User) -> Deployment:
    """Cancel a planned or confirmed tour, with its reason; its days are free again."""
    tour = _lock(deployment, move=CANCEL, seen=seen, by=by)
    tour.status_reason = _reason("reason", reason, what=_("cancellation"))
    tour.status = Status.CANCELLED
    return _save(tour, by=by)


@transaction.atomic
def deployment_extend(
    *,
    deployment: Deployment,
    ends_on: dt.date,
    seen: str,
    by: User,
    override_reason: str = "",
    mandate_override_reason: str = "",
    today: dt.date | None = None,
) -> Deployment:
    """Move the planned end of a planned, confirmed or deployed tour later. The new window is
    checked as a plan is: the mission's mandate end, other tours of the person, and the
    person's readiness over the whole new window (from today for a tour under way); a user
    holding the override permissions may extend anyway with a reason."""
    tour = _lock(deployment, move=EXTEND, seen=seen, by=by)
    today = today or timezone.localdate()
    if ends_on <= tour.ends_on:
        raise ValidationError(
            {
                "ends_on": _("The tour is planned to end on %(end)s: choose a later day.")
                % {"end": day_text(tour.ends_on)}
            }
        )
    if whole_months(tour.starts_on, ends_on) > MAX_TOUR_MONTHS:
        raise ValidationError(
            {
                "ends_on": _("A tour lasts at most %(max)d months: choose an earlier day.")
                % {"max": MAX_TOUR_MONTHS}
            }
        )
    mandate_override_reason = check_mandate(
        mission=tour.mission,
        ends_on=ends_on,
        by=by,
        reason=mandate_override_reason,
        field="ends_on",
    )
    other = overlapping_deployment(
        person=tour.person,
        starts_on=tour.departed_on or tour.starts_on,
        ends_on=ends_on,
        exclude_pk=tour.pk,
    )
    if other is not None:
        raise overlap_error(person=tour.person, other=other, field="ends_on")
    gaps = _readiness_gaps(tour, starts_on=max(tour.starts_on, today), ends_on=ends_on)
    override_reason = override_reason.strip()
    if gaps:
        may_override = by.has_perm(OVERRIDE_PERMISSION)
        if not override_reason or not may_override:
            raise NotReady(
                person=tour.person,
                role=tour.role,
                reasons=gaps,
                override_refused=bool(override_reason) and not may_override,
            )
        tour.override_reason, tour.override_by = override_reason, by
    if mandate_override_reason:
        tour.mandate_override_reason, tour.mandate_override_by = mandate_override_reason, by
    if tour.extended_from is None:
        tour.extended_from = tour.ends_on
    tour.ends_on = ends_on
    return _save(tour, by=by)
