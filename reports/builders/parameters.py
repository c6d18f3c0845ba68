"""Reading a report request's parameters (from a POST or a dict) into ids, with a message that
names the field and the value when one is wrong, and the few values every kind stores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role, sees_everything
from personnel.models import Unit
from personnel.scope import commanded_units, units_for

if TYPE_CHECKING:
    from accounts.models import User

M = TypeVar("M", bound=Model)


def object_param(
    data: Mapping[str, Any], name: str, *, queryset: QuerySet[M], label: str, required: bool
) -> M | None:
    """The row of `queryset` whose id is `data[name]`: None when blank and not `required`.
    Raises ValidationError naming `label` when it is missing, not a whole number or unknown."""
    raw = data.get(name)
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            raise ValidationError(
                _("%(field)s: choose one.") % {"field": label}, code=f"{name}_required"
            )
        return None
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to isdigit(), not int()
        raise ValidationError(
            _("%(field)s: “%(value)s” is not an id.") % {"field": label, "value": text[:40]},
            code=f"{name}_invalid",
        )
    found = queryset.filter(pk=int(text)).first()
    if found is None:
        raise ValidationError(
            _("%(field)s: there is none with the id %(value)s.") % {"field": label, "value": text},
            code=f"{name}_unknown",
        )
    return found


def requester_parameters(user: User) -> dict[str, Any]:
    """What every kind stores about who asked: their id (the scope the figures are read in,
    so the file shows what their page shows), their name (printed on PDFs) and their language
    (the file is written in it, whatever the worker's)."""
    return {
        "scope_user": user.pk,
        "requested_by": user.get_full_name() or user.get_username(),
        "language": translation.get_language() or "",
    }


def scope_user(parameters: Mapping[str, Any]) -> User:
    """The user whose scope the figures are read in (see requester_parameters)."""
    from accounts.models import User

    return User.objects.get(pk=parameters["scope_user"])


def in_language(parameters: Mapping[str, Any]):
    """A context manager: the requester's language while the file is written."""
    return translation.override(parameters.get("language") or None)


# Who may ask for a report over a unit (or their whole scope): the gender balance and the
# certifications lapsing.
UNIT_REPORT_REQUESTERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.COMMANDER)


def unit_in_scope(user: User, data: Mapping[str, Any]) -> Unit | None:
    """The optional `unit` of a unit report request, within `user`'s scope (None: their whole
    scope). Raises PermissionDenied for a role that may not ask or a unit outside the scope,
    ValidationError for a bad id."""
    if not has_role(user, *UNIT_REPORT_REQUESTERS):
        raise PermissionDenied
    unit = object_param(data, "unit", queryset=Unit.objects.all(), label=_("Unit"), required=False)
    if unit is not None and not units_for(user).filter(pk=unit.pk).exists():
        raise PermissionDenied
    return unit


def unit_report_covers(user: User, parameters: Mapping[str, Any]) -> bool:
    """Whether `user` may have a unit report: registrars and administrators always; a commander
    when the unit is one they command or under one; a report over the requester's whole scope
    (no unit) only its requester (one commanding no unit gets an empty file)."""
    if sees_everything(user):
        return True
    if not has_role(user, Role.COMMANDER):
        return False
    unit = parameters.get("unit")
    if unit is None:
        return parameters.get("scope_user") == user.pk
    return commanded_units(user).filter(pk=unit).exists()
