"""PCRS as records: registering and renewing a unit's pledge, changing its level, recording
an assessment visit with its area results and findings, closing a corrective action; and the
planning check of a contingent's unit (contingent_readiness_problem).

The rules (docs/domain.md, Unit readiness: PCRS), each refused with a message naming the field
and what to do:
- who: an administrator for any unit, a commander for the units of their subtree; nobody
  else (registrars read the pages; PermissionDenied here);
- a pledge is registered at Level 1 ("pledge registered"); its renewal falls due 12 months
  after registration, then 6 months after each renewal (PCRS Guidelines 2019.01);
- Level 2, Level 3 and the Rapid Deployment Level need a passed Assessment and Advisory Visit
  of the unit that is current on the day of the change: held on or before that day and valid
  until on or after it (the visit's own "valid until", else AAV_VALID_MONTHS after it, a
  centre policy); the level is refused while the pledge's renewal is overdue;
- the Rapid Deployment Level states the days to deploy after a UN request, 60 at most;
- a level keeps its history: each change is a row, never edited;
- a corrective action is closed on a day not before its visit, with a note.
The database holds what does not depend on the day (readiness/models/pcrs.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from personnel.models import Unit
from personnel.scope import commanded_units
from readiness.models import (
    AssessmentArea,
    AssessmentAreaResult,
    AssessmentKind,
    AssessmentOutcome,
    Contingent,
    PCRSLevel,
    PCRSLevelChange,
    PCRSPledge,
    UnitReadinessAssessment,
    VisitFinding,
)
from readiness.models.pcrs import BACKED_LEVELS, RDL_MAX_DAYS

if TYPE_CHECKING:
    from accounts.models import User

FIRST_RENEWAL_MONTHS = 12  # a pledge is first renewed 12 months after registration
RENEWAL_MONTHS = 6  # then every 6 months (PCRS Guidelines 2019.01)
AAV_VALID_MONTHS = 24  # centre policy: how long a passed AAV backs a level when it says nothing


def _day(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def aav_valid_months() -> int:
    return getattr(settings, "PCRS_AAV_VALID_MONTHS", AAV_VALID_MONTHS)


def visit_valid_until(visit: UnitReadinessAssessment) -> dt.date:
    """The last day a passed AAV backs a level: its own "valid until", else the policy."""
    return visit.valid_until or visit.assessed_on + relativedelta(months=aav_valid_months())


def visit_backs_on(visit: UnitReadinessAssessment, on: dt.date) -> bool:
    """Whether `visit` is a passed AAV current on `on`."""
    return (
        visit.kind == AssessmentKind.AAV
        and visit.outcome == AssessmentOutcome.PASSED
        and visit.assessed_on <= on <= visit_valid_until(visit)
    )


def current_aav(*, unit: Unit, on: dt.date) -> UnitReadinessAssessment | None:
    """The unit's latest passed AAV that is current on `on`. One query."""
    visits = UnitReadinessAssessment.objects.filter(
        unit=unit,
        kind=AssessmentKind.AAV,
        outcome=AssessmentOutcome.PASSED,
        assessed_on__lte=on,
    ).order_by("-assessed_on", "-pk")
    return next((v for v in visits if visit_backs_on(v, on)), None)


def first_renewal_due(registered_on: dt.date) -> dt.date:
    return registered_on + relativedelta(months=FIRST_RENEWAL_MONTHS)


def next_renewal_due(*, renewed_on: dt.date, due_on: dt.date) -> dt.date:
    """After a renewal on `renewed_on`: 6 months later, never earlier than what was due (a
    renewal inside the first 12 months does not shorten them)."""
    return max(due_on, renewed_on + relativedelta(months=RENEWAL_MONTHS))


# --- who --------------------------------------------------------------------------------


def manageable_units(user: User):
    """The units whose PCRS records `user` may write: every unit for an administrator, the
    commanded subtree for a commander, none otherwise."""
    if has_role(user, Role.ADMINISTRATOR):
        return Unit.objects.all()
    return commanded_units(user)


def can_manage(user: User, unit: Unit) -> bool:
    return manageable_units(user).filter(pk=unit.pk).exists()


def _require_manage(user: User, unit: Unit) -> None:
    if not can_manage(user, unit):
        raise PermissionDenied(
            _("Only an administrator or a commander of %(unit)s may change its PCRS records.")
            % {"unit": unit.code}
        )


def _not_future(field: str, day: dt.date, label: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            {field: _("%(what)s cannot be in the future.") % {"what": label}}, code="future"
        )


# --- the level's rule -------------------------------------------------------------------


def level_problem(
    *,
    pledge: PCRSPledge,
    level: str,
    on: dt.date,
    visit: UnitReadinessAssessment | None,
    deploy_within_days: int | None = None,
) -> dict[str, str]:
    """Why `pledge` may not be at `level` from `on` backed by `visit`: field -> message, empty
    when nothing stands in the way."""
    problems: dict[str, str] = {}
    if level == PCRSLevel.RAPID and not (
        deploy_within_days and 1 <= deploy_within_days <= RDL_MAX_DAYS
    ):
        problems["deploy_within_days"] = _(
            "The Rapid Deployment Level means deploying within %(max)d days of a UN request: "
            "give the days, from 1 to %(max)d."
        ) % {"max": RDL_MAX_DAYS}
    if level not in BACKED_LEVELS:
        return problems
    if pledge.renewal_overdue(on):
        problems["level"] = _(
            "The pledge's renewal was due on %(due)s: renew the pledge before raising its level."
        ) % {"due": _day(pledge.renewal_due_on)}
        return problems
    if visit is None:
        problems["backing_visit"] = _(
            "%(level)s needs a passed Assessment and Advisory Visit current on %(day)s, and "
            "%(unit)s has none: record the unit's AAV first."
        ) % {"level": PCRSLevel(level).label, "day": _day(on), "unit": pledge.unit.code}
    elif visit.unit_id != pledge.unit_id:
        problems["backing_visit"] = _("That visit was of another unit.")
    elif visit.kind != AssessmentKind.AAV:
        problems["backing_visit"] = _(
            "A %(kind)s does not back a PCRS level: an Assessment and Advisory Visit does."
        ) % {"kind": visit.get_kind_display()}
    elif visit.outcome != AssessmentOutcome.PASSED:
        problems["backing_visit"] = _(
            "The AAV of %(day)s was %(outcome)s: only a passed AAV backs Level 2 and above. "
            "Close its corrective actions and ask for a new visit."
        ) % {"day": _day(visit.assessed_on), "outcome": visit.get_outcome_display()}
    elif visit.assessed_on > on:
        problems["backing_visit"] = _("The AAV of %(day)s came after %(on)s.") % {
            "day": _day(visit.assessed_on),
            "on": _day(on),
        }
    elif visit_valid_until(visit) < on:
        problems["backing_visit"] = _(
            "The AAV of %(day)s was valid until %(until)s: the unit needs a new AAV."
        ) % {"day": _day(visit.assessed_on), "until": _day(visit_valid_until(visit))}
    return problems


def contingent_readiness_problem(contingent: Contingent, on: dt.date) -> str | None:
    """What stops planning into `contingent` on `on` for its unit's PCRS standing, or None.
    Only a contingent whose unit has a pledge needs it: the pledge must be renewed, at Level 2
    or above, and its backing AAV current on `on`. Two queries at most."""
    pledge = (
        PCRSPledge.objects.filter(unit_id=contingent.unit_id)
        .select_related("unit", "backing_visit")
        .first()
    )
    if pledge is None:
        return None
    unit = pledge.unit.code
    if pledge.renewal_overdue(min(on, timezone.localdate())):
        return _(
            "%(unit)s's PCRS pledge was due for renewal on %(due)s: its commander must renew "
            "it before anyone is planned into %(contingent)s."
        ) % {"unit": unit, "due": _day(pledge.renewal_due_on), "contingent": contingent.name}
    if pledge.level not in BACKED_LEVELS:
        return _(
            "%(unit)s is at PCRS Level 1 (pledge registered): it must pass an Assessment and "
            "Advisory Visit and be raised to Level 2 before it is planned into %(contingent)s."
        ) % {"unit": unit, "contingent": contingent.name}
    visit = pledge.backing_visit
    if visit is None or not visit_backs_on(visit, on):
        until = _day(visit_valid_until(visit)) if visit else "-"
        return _(
            "%(unit)s's PCRS level rests on an AAV valid until %(until)s, not on %(on)s: the "
            "unit must pass a new Assessment and Advisory Visit and its level be confirmed."
        ) % {"unit": unit, "until": until, "on": _day(on)}
    return None


# --- pledges -----------------------------------------------------------------------------


@transaction.atomic
def pledge_register(
    *, unit: Unit, registered_on: dt.date, capability: str, by: User, remarks: str = ""
) -> PCRSPledge:
    """Register `unit`'s pledge at Level 1 from `registered_on`."""
    _require_manage(by, unit)
    capability = capability.strip()
    if not capability:
        raise ValidationError({"capability": _("Say what the unit pledges.")}, code="required")
    _not_future("registered_on", registered_on, _("The registration day"))
    Unit.objects.select_for_update().get(pk=unit.pk)  # two registrations: one wins
    if PCRSPledge.objects.filter(unit=unit).exists():
        raise ValidationError(
            {
                "unit": _("%(unit)s already has a pledge: renew it or change its level.")
                % {"unit": unit.code}
            },
            code="pledge_exists",
        )
    pledge = PCRSPledge.objects.create(
        unit=unit,
        registered_on=registered_on,
        capability=capability,
        level=PCRSLevel.LEVEL_1,
        level_since=registered_on,
        renewal_due_on=first_renewal_due(registered_on),
        remarks=remarks,
    )
    PCRSLevelChange.objects.create(
        pledge=pledge,
        level=PCRSLevel.LEVEL_1,
        changed_on=registered_on,
        reason=_("pledge registered"),
        recorded_by=by,
    )
    return pledge


def _locked(pledge: PCRSPledge) -> PCRSPledge:
    return (
        PCRSPledge.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pledge.pk)
    )


@transaction.atomic
def pledge_renew(*, pledge: PCRSPledge, renewed_on: dt.date, by: User) -> PCRSPledge:
    """Record the pledge's renewal on `renewed_on`: the next falls due 6 months later (never
    before what was already due)."""
    pledge = _locked(pledge)
    _require_manage(by, pledge.unit)
    _not_future("renewed_on", renewed_on, _("The renewal day"))
    if renewed_on < (pledge.renewed_on or pledge.registered_on):
        raise ValidationError(
            {
                "renewed_on": _(
                    "The pledge was registered or last renewed on %(day)s: renew "
                    "it on that day or later."
                )
                % {"day": _day(pledge.renewed_on or pledge.registered_on)}
            },
            code="renewal_before_last",
        )
    pledge.renewal_due_on = next_renewal_due(renewed_on=renewed_on, due_on=pledge.renewal_due_on)
    pledge.renewed_on = renewed_on
    pledge.save(update_fields=["renewed_on", "renewal_due_on"])
    return pledge


@transaction.atomic
def pledge_change_level(
    *,
    pledge: PCRSPledge,
    level: str,
    changed_on: dt.date,
    by: User,
    backing_visit: UnitReadinessAssessment | None = None,
    deploy_within_days: int | None = None,
    reason: str = "",
) -> PCRSPledge:
    """Move the pledge to `level` from `changed_on`. Level 2 and above name a passed AAV of
    the unit current on that day (the latest current one when none is given)."""
    pledge = _locked(pledge)
    _require_manage(by, pledge.unit)
    if level not in PCRSLevel.values:
        raise ValidationError({"level": _("Choose a PCRS level.")}, code="invalid")
    _not_future("changed_on", changed_on, _("The day of the change"))
    if changed_on < pledge.level_since:
        raise ValidationError(
            {
                "changed_on": _(
                    "The current level holds since %(day)s: a change comes on that day or later."
                )
                % {"day": _day(pledge.level_since)}
            },
            code="before_current_level",
        )
    if level in BACKED_LEVELS and backing_visit is None:
        backing_visit = current_aav(unit=pledge.unit, on=changed_on)
    problems = level_problem(
        pledge=pledge,
        level=level,
        on=changed_on,
        visit=backing_visit if level in BACKED_LEVELS else None,
        deploy_within_days=deploy_within_days,
    )
    if problems:
        raise ValidationError(problems, code="level_refused")
    if level not in BACKED_LEVELS:
        backing_visit = None
    pledge.level = level
    pledge.level_since = changed_on
    pledge.backing_visit = backing_visit
    pledge.deploy_within_days = deploy_within_days if level == PCRSLevel.RAPID else None
    pledge.save(update_fields=["level", "level_since", "backing_visit", "deploy_within_days"])
    PCRSLevelChange.objects.create(
        pledge=pledge,
        level=level,
        changed_on=changed_on,
        backing_visit=backing_visit,
        reason=reason.strip()[:300],
        recorded_by=by,
    )
    return pledge


# --- visits ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaEntry:
    area: AssessmentArea
    result: str
    remarks: str = ""


@transaction.atomic
def visit_record(
    *,
    unit: Unit,
    kind: str,
    assessed_on: dt.date,
    outcome: str,
    assessed_by: str,
    by: User,
    areas: Iterable[AreaEntry] = (),
    remarks: str = "",
    valid_until: dt.date | None = None,
) -> UnitReadinessAssessment:
    """Record an assessment visit of `unit` with its result per area."""
    _require_manage(by, unit)
    errors: dict[str, str] = {}
    if kind not in AssessmentKind.values:
        errors["kind"] = _("Choose the kind of visit.")
    if outcome not in AssessmentOutcome.values:
        errors["outcome"] = _("Choose the visit's outcome.")
    if not assessed_by.strip():
        errors["assessed_by"] = _("Name the team that made the visit.")
    if assessed_on > timezone.localdate():
        errors["assessed_on"] = _("Record a visit once it has taken place.")
    if valid_until is not None and valid_until <= assessed_on:
        errors["valid_until"] = _("A visit is valid until a day after it.")
    areas = list(areas)
    seen = [entry.area.pk for entry in areas]
    if len(seen) != len(set(seen)):
        errors["areas"] = _("Give each area one result.")
    if any(entry.result not in AssessmentAreaResult.Result.values for entry in areas):
        errors["areas"] = _("Choose a result for each area assessed.")
    if errors:
        raise ValidationError(errors, code="invalid")
    visit = UnitReadinessAssessment.objects.create(
        unit=unit,
        kind=kind,
        assessed_on=assessed_on,
        outcome=outcome,
        assessed_by=assessed_by.strip(),
        remarks=remarks,
        valid_until=valid_until,
    )
    AssessmentAreaResult.objects.bulk_create(
        AssessmentAreaResult(
            assessment=visit, area_id=entry.area.code, result=entry.result, remarks=entry.remarks
        )
        for entry in areas
    )
    return visit


@transaction.atomic
def finding_add(
    *,
    visit: UnitReadinessAssessment,
    finding: str,
    corrective_action: str,
    due_on: dt.date,
    by: User,
    area: AssessmentArea | None = None,
    owner: User | None = None,
) -> VisitFinding:
    """Record what `visit` found and the corrective action it calls for, its owner (blank:
    the unit's commander) and its due day."""
    _require_manage(by, visit.unit)
    errors: dict[str, str] = {}
    if not finding.strip():
        errors["finding"] = _("Say what the visit found.")
    if not corrective_action.strip():
        errors["corrective_action"] = _("Say what must be done about it.")
    if due_on < visit.assessed_on:
        errors["due_on"] = _("The action falls due after the visit of %(day)s.") % {
            "day": _day(visit.assessed_on)
        }
    if errors:
        raise ValidationError(errors, code="invalid")
    return VisitFinding.objects.create(
        visit=visit,
        area=area,
        finding=finding.strip(),
        corrective_action=corrective_action.strip(),
        owner=owner,
        due_on=due_on,
    )


@transaction.atomic
def finding_close(
    *, finding: VisitFinding, closed_on: dt.date, note: str, by: User
) -> VisitFinding:
    """Close the corrective action on `closed_on`, saying how."""
    finding = (
        VisitFinding.objects.select_for_update(of=("self",))
        .select_related("visit__unit")
        .get(pk=finding.pk)
    )
    _require_manage(by, finding.visit.unit)
    if finding.closed_on is not None:
        raise ValidationError(
            {
                "closed_on": _("This action was closed on %(day)s.")
                % {"day": _day(finding.closed_on)}
            },
            code="already_closed",
        )
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = _("Say how the corrective action was closed.")
    if closed_on < finding.visit.assessed_on:
        errors["closed_on"] = _(
            "The action was found on %(day)s: it closes on that day or later."
        ) % {"day": _day(finding.visit.assessed_on)}
    elif closed_on > timezone.localdate():
        errors["closed_on"] = _("Close an action once it is done, not ahead.")
    if errors:
        raise ValidationError(errors, code="invalid")
    finding.closed_on = closed_on
    finding.closure_note = note.strip()
    finding.closed_by = by
    finding.save(update_fields=["closed_on", "closure_note", "closed_by"])
    return finding
