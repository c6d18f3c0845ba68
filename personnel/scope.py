"""Who may see which units and people: the scope every register page and report asks.

- registrars and administrators see the whole register;
- a commander sees the units they command, every unit under them, and their people;
- the apps above this one widen who sees a person (courses: an instructor sees the trainees
  of the cohorts they teach) by registering a rule here, in their AppConfig.ready(), since
  this app imports none of them.
A person's personal records (date of birth, e-mail, phone, passport, medical clearance and the
other qualification documents, deployments, readiness) are for registrars, administrators and
the person's commanders only (personal_records_for): an instructor teaches, and needs none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.roles import Role, has_role, sees_everything

from .models import Person, Unit

if TYPE_CHECKING:
    from accounts.models import User

# Rules that let a user see more people: each returns a condition on Person (Q(pk__in=[]) for
# none). Registered by the apps above (register_people_visibility).
_PEOPLE_VISIBILITY: dict[str, Callable[[User], Q]] = {}


def register_people_visibility(name: str, rule: Callable[[User], Q]) -> None:
    """Let `rule(user)` widen people_for (registering a name again replaces its rule)."""
    _PEOPLE_VISIBILITY[name] = rule


def units_for(user: User) -> QuerySet[Unit]:
    """Units `user` may see: all for registrars and administrators; for a commander the units
    they command and every unit under them; none otherwise."""
    if sees_everything(user):
        return Unit.objects.all()
    return commanded_units(user)


def commanded_units(user: User) -> QuerySet[Unit]:
    """The units `user` commands as a commander, and every unit under them."""
    if not has_role(user, Role.COMMANDER):
        return Unit.objects.none()
    paths = list(Unit.objects.filter(commander=user).values_list("path", flat=True))
    if not paths:
        return Unit.objects.none()
    under_any = Q()
    for path in paths:
        under_any |= Q(path__startswith=path)
    return Unit.objects.filter(under_any)


def people_for(user: User) -> QuerySet[Person]:
    """People `user` may see (name, rank, unit, service number, training record): everyone
    for registrars and administrators; a commander's subtree; and whom the registered rules
    add (an instructor's trainees). Their personal records: personal_records_for."""
    if sees_everything(user):
        return Person.objects.all()
    visible = Q(pk__in=[])
    if has_role(user, Role.COMMANDER):
        visible |= Q(unit__in=units_for(user))
    for rule in _PEOPLE_VISIBILITY.values():
        visible |= rule(user)
    return Person.objects.filter(pk__in=Person.objects.filter(visible).values("pk"))


def personal_records_for(user: User) -> QuerySet[Person]:
    """People whose personal records `user` may read (date of birth, e-mail, phone, passport,
    medical clearance and the other qualification documents, deployments, readiness):
    everyone for registrars and administrators; a commander's subtree; nobody for anyone
    else, instructors included."""
    if sees_everything(user):
        return Person.objects.all()
    return Person.objects.filter(unit__in=commanded_units(user))


def can_see_person(user: User, person: Person) -> bool:
    return people_for(user).filter(pk=person.pk).exists()
