"""Contingents and rotations: creating and editing a contingent with its posts by role,
creating the next rotation from one, and filling its posts.

Who: commanders for the contingents of their unit subtree, administrators for any
(selectors.contingents.managed_units); registrars and instructors read at most. Each rule is
refused with a ValidationError naming the field:
- the unit is one the user manages; the mission is open (to create a contingent or its next
  rotation) and had started by the contingent's first day;
- the contingent lasts at least one whole month (its posts are filled with tours of whole
  months: deployment_plan's unit) and ends no earlier than it starts (a database rule too);
- one contingent per mission, unit and rotation (a database rule too);
- a partner unit only with its partner country (a joint deployment);
- at least one post; each role's count from 1 to MAX_POSTS (one row per role, count > 0: database
  rules too), and never below the tours already filling that role;
- `planned_strength` is the sum of the posts, written in the same transaction.
Filling a post locks the role's post row, so two commanders filling the last post of a role
at once are served one after the other and the second is refused; the tour itself is planned
by readiness.services.deployments.deployment_plan, with all of its checks (scope, overlap,
readiness and override).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from personnel.models import Person, Unit
from personnel.models.dates import period_end, whole_months
from readiness.models import Contingent, ContingentPost, Deployment, Mission, RequirementProfile
from readiness.selectors.contingents import (
    filling_deployments,
    managed_units,
    may_manage_contingents,
)
from readiness.services.deployments import deployment_plan

if TYPE_CHECKING:
    from accounts.models import User

MAX_POSTS = 5_000  # per role: a brigade is a few thousand
UNIQUE_ROTATION = "contingent_rotation_unique"


def _day(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _require_manager(by: User) -> None:
    if not may_manage_contingents(by):
        raise PermissionDenied(_("You may not manage contingents."))


def _require_unit(by: User, unit: Unit) -> None:
    if not managed_units(by).filter(pk=unit.pk).exists():
        raise ValidationError(
            {
                "unit": ValidationError(
                    _("%(unit)s is not in your units: you manage only their contingents.")
                    % {"unit": unit.code},
                    code="out_of_scope",
                )
            }
        )


def _rotation_taken(*, mission: Mission, unit: Unit, rotation: int) -> ValidationError:
    return ValidationError(
        {
            "rotation": ValidationError(
                _("%(unit)s already has rotation %(n)d in %(mission)s.")
                % {"unit": unit.code, "n": rotation, "mission": mission.acronym},
                code="rotation_taken",
            )
        }
    )


@transaction.atomic
def contingent_save(
    *,
    by: User,
    mission: Mission,
    unit: Unit,
    name: str,
    rotation: int,
    starts_on: dt.date,
    ends_on: dt.date,
    posts: Mapping[RequirementProfile, int],
    partner_country: str = "",
    partner_unit: str = "",
    contingent: Contingent | None = None,
) -> Contingent:
    """Create a contingent (`contingent` None) or change one, with its posts: `posts` holds
    each role's count, a role missing or at 0 has no posts. Raises PermissionDenied when `by`
    manages no contingents, ValidationError for the rules of the module's docstring."""
    _require_manager(by)
    mission = Mission.objects.get(pk=mission.pk)
    if contingent is not None:
        contingent = (
            Contingent.objects.select_for_update(of=("self",))
            .select_related("mission", "unit")
            .get(pk=contingent.pk)
        )
        # The contingent's present unit must be the user's too, not only the one asked for.
        _require_unit(by, contingent.unit)
    _require_unit(by, unit)
    name, partner_unit = name.strip(), partner_unit.strip()
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field_name: str, message: str, code: str) -> None:
        errors.setdefault(field_name, []).append(ValidationError(message, code=code))

    if contingent is None and not mission.is_open:
        refuse(
            "mission",
            _("%(mission)s closed on %(end)s: create contingents only in open missions.")
            % {"mission": mission.acronym, "end": _day(mission.ended_on)},
            "mission_closed",
        )
    if starts_on < mission.started_on:
        refuse(
            "starts_on",
            _("%(mission)s started on %(start)s: the contingent cannot start before it.")
            % {"mission": mission.acronym, "start": _day(mission.started_on)},
            "before_mission",
        )
    if ends_on < starts_on:
        refuse("ends_on", _("The end date cannot be before the start date."), "end_before_start")
    elif whole_months(starts_on, ends_on) < 1:
        refuse("ends_on", _("A rotation lasts at least one whole month."), "too_short")
    if not name:
        refuse("name", _("Give the contingent a name."), "required")
    if rotation < 1:
        refuse("rotation", _("Rotations are numbered from 1."), "rotation_number")
    if partner_unit and not partner_country:
        refuse(
            "partner_country",
            _("A partner unit serves with its country: choose the partner country too."),
            "partner_without_country",
        )
    wanted = {role: count for role, count in posts.items() if count}
    for role, count in wanted.items():
        if not 0 < count <= MAX_POSTS:
            refuse(
                "posts",
                _("%(role)s: from 1 to %(max)d posts.") % {"role": role.name, "max": MAX_POSTS},
                "post_count",
            )
    if not wanted:
        refuse("posts", _("Give at least one role its number of posts."), "no_posts")
    if contingent is not None:
        filled: dict[int, int] = {}
        for role_id in filling_deployments(contingent.deployments.all()).values_list(
            "role_id", flat=True
        ):
            filled[role_id] = filled.get(role_id, 0) + 1
        names = dict(RequirementProfile.objects.filter(pk__in=filled).values_list("pk", "name"))
        counts = {role.pk: count for role, count in wanted.items()}
        posted = set(contingent.posts.values_list("role_id", flat=True))
        for role_id, tours in sorted(filled.items()):
            if role_id in posted and counts.get(role_id, 0) < tours:
                refuse(
                    "posts",
                    ngettext(
                        "%(role)s: %(n)d tour fills its posts; keep at least %(n)d post.",
                        "%(role)s: %(n)d tours fill its posts; keep at least %(n)d posts.",
                        tours,
                    )
                    % {"role": names[role_id], "n": tours},
                    "below_filled",
                )
        if mission.pk != contingent.mission_id and contingent.deployments.exists():
            refuse(
                "mission",
                _(
                    "Tours are planned in this contingent: it stays in %(mission)s. Cancel "
                    "them first, or create a contingent in the other mission."
                )
                % {"mission": contingent.mission.acronym},
                "mission_has_tours",
            )
    taken = Contingent.objects.filter(mission=mission, unit=unit, rotation=rotation)
    if contingent is not None:
        taken = taken.exclude(pk=contingent.pk)
    if "rotation" not in errors and taken.exists():
        errors.setdefault("rotation", []).extend(
            _rotation_taken(mission=mission, unit=unit, rotation=rotation).error_dict["rotation"]
        )
    if errors:
        raise ValidationError(errors)

    contingent = contingent or Contingent()
    contingent.mission = mission
    contingent.unit = unit
    contingent.name = name
    contingent.rotation = rotation
    contingent.partner_country = partner_country
    contingent.partner_unit = partner_unit
    contingent.starts_on = starts_on
    contingent.ends_on = ends_on
    contingent.planned_strength = sum(wanted.values())
    try:
        with transaction.atomic():
            contingent.save()
    except IntegrityError as error:
        if UNIQUE_ROTATION not in str(error):
            raise
        raise _rotation_taken(mission=mission, unit=unit, rotation=rotation) from error
    _posts_set(contingent, wanted)
    return contingent


def _posts_set(contingent: Contingent, wanted: Mapping[RequirementProfile, int]) -> None:
    """Make the contingent's post rows exactly `wanted` (role -> count > 0)."""
    existing = {post.role_id: post for post in contingent.posts.all()}
    counts = {role.pk: count for role, count in wanted.items()}
    ContingentPost.objects.filter(contingent=contingent).exclude(role_id__in=counts).delete()
    changed = []
    for role_id, count in counts.items():
        post = existing.get(role_id)
        if post is None:
            continue
        if post.count != count:
            post.count = count
            changed.append(post)
    ContingentPost.objects.bulk_update(changed, ["count"])
    ContingentPost.objects.bulk_create(
        ContingentPost(contingent=contingent, role_id=role_id, count=count)
        for role_id, count in counts.items()
        if role_id not in existing
    )


def next_rotation_dates(contingent: Contingent) -> tuple[dt.date, dt.date]:
    """Rotation N+1's window: from the day after N ends, as long as N. A rotation of whole
    months is followed by one of as many months (12 months from 2027-12-23 end on
    2028-12-22 although 2028 has a 29 February); any other by one of as many days."""
    starts_on = contingent.ends_on + dt.timedelta(days=1)
    months = whole_months(contingent.starts_on, contingent.ends_on)
    if months and period_end(contingent.starts_on, months=months) == contingent.ends_on:
        return starts_on, period_end(starts_on, months=months)
    return starts_on, starts_on + (contingent.ends_on - contingent.starts_on)


@transaction.atomic
def contingent_next_rotation(*, contingent: Contingent, by: User) -> Contingent:
    """Create rotation N+1 of `contingent` (rotation N): the same mission, unit, name, partner
    and posts, from the day after N ends for as long as N lasted. Its roster is proposed by
    selectors.contingents.rotation_proposal and filled by proposal_accept."""
    _require_manager(by)
    contingent = (
        Contingent.objects.select_for_update()
        .select_related("mission", "unit")
        .get(pk=contingent.pk)
    )
    _require_unit(by, contingent.unit)
    posts = {post.role: post.count for post in contingent.posts.select_related("role")}
    if not posts:
        raise ValidationError(
            {
                "posts": ValidationError(
                    _(
                        "Rotation %(n)d has no posts by role: set its authorised strength "
                        "before creating the next rotation."
                    )
                    % {"n": contingent.rotation},
                    code="no_posts",
                )
            }
        )
    starts_on, ends_on = next_rotation_dates(contingent)
    return contingent_save(
        by=by,
        mission=contingent.mission,
        unit=contingent.unit,
        name=contingent.name,
        rotation=contingent.rotation + 1,
        starts_on=starts_on,
        ends_on=ends_on,
        posts=posts,
        partner_country=str(contingent.partner_country or ""),
        partner_unit=contingent.partner_unit,
    )


@transaction.atomic
def post_fill(
    *,
    contingent: Contingent,
    person: Person,
    role: RequirementProfile,
    by: User,
    override_reason: str = "",
) -> Deployment:
    """Plan `person` into one of `contingent`'s open `role` posts for the contingent's tour
    (from its first day, its whole months). Locks the role's post row first: of two users
    filling the last post at once, the second is refused. Everything about the person and
    the tour is deployment_plan's to check (its ValidationError, NotReady and
    PermissionDenied pass through)."""
    _require_manager(by)
    contingent = Contingent.objects.select_related("mission", "unit").get(pk=contingent.pk)
    _require_unit(by, contingent.unit)
    post = (
        ContingentPost.objects.select_for_update().filter(contingent=contingent, role=role).first()
    )
    if post is None:
        raise ValidationError(
            {
                "role": ValidationError(
                    _("%(contingent)s has no %(role)s posts.")
                    % {"contingent": contingent.name, "role": role.name},
                    code="no_such_post",
                )
            }
        )
    filled = filling_deployments(contingent.deployments.filter(role=role)).count()
    if filled >= post.count:
        raise ValidationError(
            {
                "role": ValidationError(
                    ngettext(
                        "The %(n)d %(role)s post of %(contingent)s is filled.",
                        "All %(n)d %(role)s posts of %(contingent)s are filled.",
                        post.count,
                    )
                    % {"n": post.count, "role": role.name, "contingent": contingent.name},
                    code="posts_full",
                )
            }
        )
    return deployment_plan(
        person=person,
        mission=contingent.mission,
        contingent=contingent,
        role=role,
        starts_on=contingent.starts_on,
        months=whole_months(contingent.starts_on, contingent.ends_on),
        by=by,
        override_reason=override_reason,
    )


@dataclass
class Refusal:
    person: Person
    role: RequirementProfile
    messages: list[str]


@dataclass
class Accepted:
    planned: list[Deployment] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def proposal_accept(
    *,
    contingent: Contingent,
    picks: Iterable[tuple[Person, RequirementProfile]],
    by: User,
) -> Accepted:
    """Plan each pick (person, role) into the contingent with post_fill, each in its own
    transaction: one refused (not ready any more, planned elsewhere meanwhile, the post taken)
    keeps its reasons and does not undo the others."""
    _require_manager(by)
    outcome = Accepted()
    for person, role in picks:
        try:
            outcome.planned.append(
                post_fill(contingent=contingent, person=person, role=role, by=by)
            )
        except ValidationError as error:
            outcome.refused.append(Refusal(person=person, role=role, messages=error.messages))
    return outcome
