"""Builders for the deployability engine's tests: a bare profile to switch one requirement on
at a time, records dated relative to the day under test, and the factories tests/factories.py
does not have yet (driving licence, weapons qualification)."""

import datetime as dt
import itertools

import factory

from courses.models import Certification
from personnel import models as personnel
from readiness import models as readiness_models
from readiness.deployability import Check, PersonReadiness, deployability
from tests import factories

DAY = dt.date(2026, 11, 23)  # the day under test (factories.TODAY)
_codes = itertools.count(1)


def days(n: int, *, since: dt.date = DAY) -> dt.date:
    return since + dt.timedelta(days=n)


class DrivingLicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.DrivingLicence

    person = factory.SubFactory(factories.PersonFactory)
    issued_on = dt.date(2015, 6, 1)
    valid_until = dt.date(2030, 6, 1)
    categories = "B"
    manual_transmission = True


class WeaponsQualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.WeaponsQualification

    person = factory.SubFactory(factories.PersonFactory)
    issued_on = dt.date(2026, 1, 10)
    valid_until = dt.date(2027, 6, 10)
    weapon = personnel.WeaponsQualification.Weapon.RIFLE


def bare_profile(**fields) -> readiness_models.RequirementProfile:
    """A profile that asks for nothing but `fields` (the model's defaults ask for a medical
    clearance and a passport; those are off unless named). A fresh code each time: the five
    seeded profiles already hold theirs."""
    return readiness_models.RequirementProfile.objects.create(
        code=f"test-profile-{next(_codes)}",
        name="Test role",
        gender_category=personnel.GenderCategory.CONTINGENT,
        **{"requires_medical": False, "requires_passport": False, **fields},
    )


def certification_type(code: str = "UNMEM"):
    return factories.CertificationTypeFactory(code=code, name=f"{code} course")


def certification(person, code: str = "UNMEM", **fields) -> Certification:
    return factories.CertificationFactory(
        person=person, certification_type=certification_type(code), **fields
    )


def readiness(
    person, profile, *, on: dt.date = DAY, tour_ends_on: dt.date | None = None
) -> PersonReadiness:
    return deployability(people=[person], profile=profile, on=on, tour_ends_on=tour_ends_on)[
        person.pk
    ]


def check(person, profile, key: str, **when) -> Check:
    """The one check `key` of `person` against `profile`."""
    found = readiness(person, profile, **when).check(key)
    assert found is not None, f"{key} is not a requirement of the profile"
    return found
