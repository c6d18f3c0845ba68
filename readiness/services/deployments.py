"""Planning a deployment: one person's tour in a mission, in a role.

The rules, each refused with a message naming what and where:
- the user may plan deployments (readiness.add_deployment) for this person: registrars and
  administrators for anyone, a commander for the people of their subtree;
- the mission is open and had started by the tour's first day; a contingent, when given,
  belongs to that mission (the database does not hold this one);
- the tour's window does not overlap another tour of the same person that is not cancelled
  (both ends count; another tour holds its days from its actual departure, else its planned
  start, to its actual return, else its planned end); the database holds this rule too
  (readiness migration 0003: an exclusion constraint on PostgreSQL, triggers on SQLite) and
  its error reads the same, naming the other tour;
- the tour does not run past the mission's mandate end (Mission.mandate_until), unless a user
  holding MANDATE_OVERRIDE_PERMISSION gives a reason (kept with who gave it);
- a person planned into a contingent is a national of the contributing country
  (courses' HOME_COUNTRY, the centre's country), or, in a joint deployment, of its partner country;
- the person is ready for the role over the whole tour (the deployability engine, from the
  first day to the planned end); when not, the refusal lists each requirement not met, and
  only a user holding OVERRIDE_PERMISSION may plan anyway, giving a reason, which is kept
  with who gave it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django_countries import countries

from accounts.roles import ROLE_LABELS, ROLE_PERMISSIONS, Role
from courses.services.enrolment import HOME_COUNTRY
from personnel.models import Person
from personnel.models.dates import period_end
from personnel.scope import people_for
from readiness.deployability import deployability
from readiness.models import Contingent, Deployment, Mission, RequirementProfile
from readiness.services.pcrs import contingent_readiness_problem as pcrs_problem

if TYPE_CHECKING:
    from accounts.models import User

PLAN_PERMISSION = "readiness.add_deployment"
OVERRIDE_PERMISSION = "readiness.override_deployment_readiness"
OVERLAP_CONSTRAINT = "deployment_no_overlap"  # named in migration 0008's constraint/triggers
MAX_TOUR_MONTHS = 36
MANDATE_OVERRIDE_PERMISSION = "readiness.override_mandate_end"
ACTIVE = (Deployment.Status.PLANNED, Deployment.Status.CONFIRMED, Deployment.Status.DEPLOYED)


def _day(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


class NotReady(ValidationError):
    """The person does not meet the role's requirements over the tour. `reasons` holds one
    line per requirement not met; `override_refused` says an override was asked for by a user
    who may not give one."""

    def __init__(
        self,
        *,
        person: Person,
        role: RequirementProfile,
        reasons: list[str],
        override_refused: bool = False,
    ) -> None:
        self.reasons = reasons
        self.override_refused = override_refused
        summary = _("%(person)s is not ready to deploy as %(role)s over this tour.") % {
            "person": person.rank_and_name,
            "role": role.name,
        }
        errors = [ValidationError(summary, code="not_ready")]
        errors += [ValidationError(reason, code="requirement_not_met") for reason in reasons]
        if override_refused:
            errors.insert(
                0,
                ValidationError(
                    _("You may not plan a deployment for someone who is not ready."),
                    code="override_not_permitted",
                ),
            )
        super().__init__({NON_FIELD_ERRORS: errors})


def is_overlap_violation(error: IntegrityError) -> bool:
    """Whether the database refused a write for an overlapping tour (either database)."""
    return OVERLAP_CONSTRAINT in str(error)


def overlapping_deployment(
    *, person: Person, starts_on: dt.date, ends_on: dt.date, exclude_pk: int | None = None
) -> Deployment | None:
    """The person's first tour, not cancelled, that shares a day with starts_on..ends_on
    (each tour over the days it holds: Deployment.objects.with_window)."""
    tours = (
        Deployment.objects.with_window()
        .filter(person=person, occupied_from__lte=ends_on, occupied_until__gte=starts_on)
        .exclude(status=Deployment.Status.CANCELLED)
        .select_related("mission", "contingent", "role")
        .order_by("starts_on")
    )
    if exclude_pk is not None:
        tours = tours.exclude(pk=exclude_pk)
    return tours.first()


def tour_name(tour: Deployment) -> str:
    """A tour as messages name it: mission, contingent, role, days and status."""
    where = tour.mission.acronym
    if tour.contingent_id:
        where = f"{where}, {tour.contingent.name}"
    return _("%(where)s as %(role)s from %(start)s to %(end)s (%(status)s)") % {
        "where": where,
        "role": tour.role.name,
        "start": _day(tour.departed_on or tour.starts_on),
        "end": _day(tour.returned_on or tour.ends_on),
        "status": tour.get_status_display(),
    }


def overlap_error(
    *, person: Person, other: Deployment | None, field: str = "starts_on"
) -> ValidationError:
    """The refusal for a tour overlapping `other` (None: the database found one we did not)."""
    if other is None:
        message = _("%(person)s already has a tour on some of these days.") % {
            "person": person.rank_and_name
        }
    else:
        message = _(
            "%(person)s already has a tour on some of these days: %(tour)s. Choose dates "
            "outside it, or cancel that tour first."
        ) % {"person": person.rank_and_name, "tour": tour_name(other)}
    return ValidationError({field: ValidationError(message, code="overlap")})


def mandate_overriders() -> str:
    """Who may plan or extend a tour past a mandate's end, as the pages say it."""
    roles = [
        str(ROLE_LABELS[role])
        for role in Role
        if role is Role.ADMINISTRATOR or MANDATE_OVERRIDE_PERMISSION in ROLE_PERMISSIONS[role]
    ]
    return ", ".join(roles)


def check_mandate(*, mission: Mission, ends_on: dt.date, by: User, reason: str, field: str) -> str:
    """The mandate override reason to keep ("" when the tour ends within the mandate), or a
    ValidationError on `field` when the tour runs past it without an allowed override."""
    if mission.mandate_until is None or ends_on <= mission.mandate_until:
        return ""
    reason = reason.strip()
    values = {
        "mission": mission.acronym,
        "mandate": _day(mission.mandate_until),
        "end": _day(ends_on),
        "who": mandate_overriders(),
    }
    if not reason:
        message = _(
            "%(mission)s's mandate runs until %(mandate)s and this tour would end on %(end)s: "
            "shorten it, or give a reason to go past the mandate (only %(who)s may)."
        )
        code = "past_mandate"
    elif not by.has_perm(MANDATE_OVERRIDE_PERMISSION):
        message = _(
            "%(mission)s's mandate runs until %(mandate)s: only %(who)s may plan a tour past it. "
            "Shorten the tour to end by then."
        )
        code = "mandate_override_not_permitted"
    else:
        return reason
    raise ValidationError({field: ValidationError(message % values, code=code)})


def check_nationality(*, person: Person, contingent: Contingent | None) -> None:
    """A contingent serves with the contributing country's nationals, and in a joint
    deployment with its partner country's too."""
    if contingent is None:
        return
    home = HOME_COUNTRY
    allowed = {home} | ({contingent.partner_country.code} if contingent.is_joint else set())
    if person.nationality.code in allowed:
        return
    names = ", ".join(sorted(str(dict(countries)[code]) for code in allowed))
    raise ValidationError(
        {
            "person": ValidationError(
                _(
                    "%(person)s is a national of %(country)s: %(contingent)s takes nationals of "
                    "%(allowed)s only."
                )
                % {
                    "person": person.rank_and_name,
                    "country": person.nationality.name,
                    "contingent": contingent.name,
                    "allowed": names,
                },
                code="nationality",
            )
        }
    )


def _check_plan(
    *,
    person: Person,
    mission: Mission,
    contingent: Contingent | None,
    starts_on: dt.date,
    months: int,
    by: User,
) -> None:
    if not by.has_perm(PLAN_PERMISSION):
        raise PermissionDenied(_("You may not plan deployments."))
    if not people_for(by).filter(pk=person.pk).exists():
        raise ValidationError(
            {
                "person": ValidationError(
                    _("%(person)s is not in your units: you may plan deployments only for them.")
                    % {"person": person.rank_and_name},
                    code="out_of_scope",
                )
            }
        )
    errors: dict[str, ValidationError] = {}
    if not mission.is_open:
        errors["mission"] = ValidationError(
            _("%(mission)s closed on %(end)s: plan tours only in open missions.")
            % {"mission": mission.acronym, "end": _day(mission.ended_on)},
            code="mission_closed",
        )
    elif starts_on < mission.started_on:
        errors["starts_on"] = ValidationError(
            _("%(mission)s started on %(start)s: the tour cannot start before it.")
            % {"mission": mission.acronym, "start": _day(mission.started_on)},
            code="before_mission",
        )
    if contingent is not None and contingent.mission_id != mission.pk:
        errors["contingent"] = ValidationError(
            _(
                "%(contingent)s serves in %(other)s, not in %(mission)s: choose one of "
                "%(mission)s's contingents or none."
            )
            % {
                "contingent": contingent.name,
                "other": contingent.mission.acronym,
                "mission": mission.acronym,
            },
            code="contingent_of_another_mission",
        )
    elif contingent is not None and (problem := pcrs_problem(contingent, starts_on)):
        errors["contingent"] = ValidationError(problem, code="pcrs_not_ready")
    if not 1 <= months <= MAX_TOUR_MONTHS:
        errors["months"] = ValidationError(
            _("A tour lasts from 1 to %(max)d months.") % {"max": MAX_TOUR_MONTHS},
            code="tour_length",
        )
    if errors:
        raise ValidationError(errors)
    check_nationality(person=person, contingent=contingent)


@transaction.atomic
def deployment_plan(
    *,
    person: Person,
    mission: Mission,
    contingent: Contingent | None,
    role: RequirementProfile,
    starts_on: dt.date,
    months: int,
    by: User,
    override_reason: str = "",
    mandate_override_reason: str = "",
) -> Deployment:
    """Plan `person`'s tour of `months` from `starts_on` (planned end: the tour's last day).

    Raises PermissionDenied when `by` may not plan deployments at all, NotReady (a
    ValidationError listing each requirement not met) when the person is not ready and no
    override was given by a user who may give one, and ValidationError for the other rules
    (see the module's docstring). The history records `by`.
    """
    # Lock the person: two plans for one person run one after the other, so the second sees
    # the first tour (the database constraint is the backstop, not the usual path).
    person = Person.objects.select_for_update(of=("self",)).select_related("rank").get(pk=person.pk)
    mission = Mission.objects.get(pk=mission.pk)
    if contingent is not None:
        contingent = Contingent.objects.select_related("mission").get(pk=contingent.pk)
    _check_plan(
        person=person,
        mission=mission,
        contingent=contingent,
        starts_on=starts_on,
        months=months,
        by=by,
    )
    ends_on = period_end(starts_on, months=months)
    mandate_override_reason = check_mandate(
        mission=mission, ends_on=ends_on, by=by, reason=mandate_override_reason, field="months"
    )
    other = overlapping_deployment(person=person, starts_on=starts_on, ends_on=ends_on)
    if other is not None:
        raise overlap_error(person=person, other=other)

    readiness = deployability(people=[person], profile=role, on=starts_on, tour_ends_on=ends_on)
    gaps = readiness[person.pk].gaps
    override_reason = override_reason.strip()
    if gaps:
        reasons = [check.reason or check.requirement.label for check in gaps]
        may_override = by.has_perm(OVERRIDE_PERMISSION)
        if not override_reason or not may_override:
            raise NotReady(
                person=person,
                role=role,
                reasons=reasons,
                override_refused=bool(override_reason) and not may_override,
            )
    else:
        override_reason = ""  # nothing to override: keep no reason that explains nothing

    deployment = Deployment(
        person=person,
        mission=mission,
        contingent=contingent,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        status=Deployment.Status.PLANNED,
        override_reason=override_reason,
        override_by=by if override_reason else None,
        mandate_override_reason=mandate_override_reason,
        mandate_override_by=by if mandate_override_reason else None,
    )
    deployment._history_user = by
    try:
        with transaction.atomic():
            deployment.save()
    except IntegrityError as error:
        if not is_overlap_violation(error):
            raise
        other = overlapping_deployment(person=person, starts_on=starts_on, ends_on=ends_on)
        raise overlap_error(person=person, other=other) from error
    return deployment
