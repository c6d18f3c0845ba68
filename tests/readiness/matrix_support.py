"""A small world for the readiness matrix and gender balance tests: a unit tree with a
commander, a profile asking for a medical clearance and a passport, and people who are ready,
ready but lapsing, or not ready, each with records dated from today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from personnel.models import Category, Gender, GenderCategory, Person, Unit
from readiness.models import RequirementProfile
from tests import factories


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class World:
    units: dict[str, Unit]
    profile: RequirementProfile
    people: dict[str, Person] = field(default_factory=dict)


def build_tree(commander) -> dict[str, Unit]:
    """MOD > KAZBAT (commanded by `commander`) > KAZBAT-1, and MIA > MIA-FPU beside it."""
    mod = factories.UnitFactory(code="MOD", kind="headquarters")
    battalion = factories.UnitFactory(
        code="KAZBAT", kind="battalion", parent=mod, commander=commander
    )
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    mia = factories.UnitFactory(code="MIA", kind="headquarters")
    fpu = factories.UnitFactory(code="MIA-FPU", kind="police_unit", parent=mia)
    return {"MOD": mod, "KAZBAT": battalion, "KAZBAT-1": company, "MIA": mia, "MIA-FPU": fpu}


def only_active(*profiles: RequirementProfile) -> None:
    """Make `profiles` the only active ones (the migrations seed five)."""
    RequirementProfile.objects.exclude(pk__in=[p.pk for p in profiles]).update(is_active=False)


def contingent_profile(**values) -> RequirementProfile:
    """Medical clearance and passport (the model's defaults), military only."""
    return factories.RequirementProfileFactory(
        code=values.pop("code", "test-contingent"),
        name=values.pop("name", "Test contingent member"),
        gender_category=values.pop("gender_category", GenderCategory.CONTINGENT),
        categories=values.pop("categories", [Category.MILITARY]),
        **values,
    )


def make_person(state: str, *, unit: Unit, **values) -> Person:
    """A person who is `state` for contingent_profile(): "ready" (medical and passport valid
    long), "lapsing" (medical lapses in 30 days) or "not_ready" (no medical clearance)."""
    person = factories.PersonFactory(unit=unit, **values)
    factories.PassportFactory(
        person=person,
        issued_on=today() - dt.timedelta(days=400),
        valid_until=today().replace(year=today().year + 8),
    )
    if state == "ready":
        factories.MedicalClearanceFactory(
            person=person,
            issued_on=today() - dt.timedelta(days=30),
            valid_until=today() + dt.timedelta(days=300),
        )
    elif state == "lapsing":
        factories.MedicalClearanceFactory(
            person=person,
            issued_on=today() - dt.timedelta(days=300),
            valid_until=today() + dt.timedelta(days=30),
        )
    elif state != "not_ready":
        raise ValueError(state)
    return person


def people_in(unit: Unit, count: int, *, prefix: str, state: str = "not_ready", **values):
    return [
        make_person(state, unit=unit, service_number=f"{prefix}-{n:03d}", **values)
        for n in range(count)
    ]


FEMALE, MALE = Gender.FEMALE, Gender.MALE
