"""Builders for the unit readiness and snapshot tests: a unit tree and people who are, or are
not, ready for the default "Contingent member" profile (medical clearance and passport)."""

import datetime as dt

from django.utils import timezone

from personnel.models import Unit
from readiness.models import ReadinessSnapshot, RequirementProfile
from tests import factories


def retire_seeded_profiles() -> None:
    """Migrations seed the five real profiles; these tests count against their own."""
    RequirementProfile.objects.update(is_active=False)


def contingent_profile() -> RequirementProfile:
    """Asks only for a medical clearance and a passport (the factory's defaults)."""
    return factories.RequirementProfileFactory(code="t-contingent", name="Contingent member")


def observer_profile() -> RequirementProfile:
    """Asks for English 3-2-3-2 besides medical clearance and passport."""
    return factories.RequirementProfileFactory(
        code="t-observer",
        name="UN Military Observer",
        min_listening=3,
        min_speaking=2,
        min_reading=3,
        min_writing=2,
    )


def person(unit: Unit, *, medical: bool = True, passport: bool = True, **fields):
    """A person of `unit`; ready for the contingent profile with both records. A medical
    clearance given as a date lapses on that day."""
    today = timezone.localdate()
    someone = factories.PersonFactory(unit=unit, **fields)
    if medical:
        until = medical if isinstance(medical, dt.date) else today + dt.timedelta(days=300)
        factories.MedicalClearanceFactory(
            person=someone, issued_on=today - dt.timedelta(days=30), valid_until=until
        )
    if passport:
        factories.PassportFactory(person=someone, valid_until=today + dt.timedelta(days=3000))
    return someone


def snapshot(unit: Unit, profile: RequirementProfile, on: dt.date, headcount: int, ready: int):
    return ReadinessSnapshot.objects.create(
        unit=unit, profile=profile, taken_on=on, headcount=headcount, ready=ready
    )
