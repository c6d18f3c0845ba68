"""The engine is set-based: the same number of queries for 5 people as for 200."""

import datetime as dt

import pytest

from personnel import models as personnel
from readiness import models as readiness_models
from readiness.deployability import Verdict, deployability, profile_requirements
from tests import factories
from tests.readiness.deployability_support import (
    DAY,
    DrivingLicenceFactory,
    WeaponsQualificationFactory,
    bare_profile,
    certification,
)

pytestmark = pytest.mark.django_db


def unit_with_people(count: int) -> personnel.Unit:
    """A unit of `count` people, each with every kind of record (two passports each)."""
    unit = factories.UnitFactory()
    sergeant = factories.RankFactory(code="SGT", name="Sergeant", seniority=4, is_officer=False)
    for index, person in enumerate(factories.PersonFactory.create_batch(count, unit=unit)):
        if index % 2:
            person.rank = sergeant
            person.save(update_fields=["rank"])
        factories.LanguageProficiencyFactory(person=person)
        factories.MedicalClearanceFactory(person=person)
        factories.PassportFactory(person=person, valid_until=dt.date(2027, 1, 1))
        factories.PassportFactory(person=person)
        DrivingLicenceFactory(person=person)
        WeaponsQualificationFactory(person=person)
        certification(person, "UNMEM")
    return unit


def everything_profile() -> readiness_models.RequirementProfile:
    profile = bare_profile(
        categories=["military"],
        officers_only=True,
        min_age=25,
        min_service_years=5,
        min_listening=3,
        min_speaking=2,
        min_reading=3,
        min_writing=2,
        requires_medical=True,
        requires_passport=True,
        requires_driving_licence=True,
        requires_weapons=True,
    )
    profile.required_certifications.set(
        [
            factories.CertificationTypeFactory(code="UNMEM"),
            factories.CertificationTypeFactory(code="PDT"),
        ]
    )
    return profile


# people, profile (certification types and allowed ranks), ranks, then one per record kind:
# language, medical, passport, driving, weapons, certifications.
EVERY_KIND = 9


@pytest.mark.parametrize("size", [5, 200])
def test_a_fixed_number_of_queries_for_any_number_of_people(size, django_assert_num_queries):
    unit = unit_with_people(size)
    profile = everything_profile()
    people = personnel.Person.objects.filter(unit=unit)

    with django_assert_num_queries(EVERY_KIND):
        result = deployability(
            people=people, profile=profile, on=DAY, tour_ends_on=dt.date(2027, 11, 22)
        )

    assert len(result) == size
    officers = [r for r in result.values() if r.person.rank.is_officer]
    assert len(officers) == (size + 1) // 2
    assert all(r.check("passport").verdict == Verdict.MET for r in result.values())
    assert {r.check("certification:PDT").reason for r in result.values()} == {"no PDT certificate"}


@pytest.mark.parametrize("size", [5, 200])
def test_a_sliced_page_of_people_costs_the_same(size, django_assert_num_queries):
    unit = unit_with_people(size)
    profile = everything_profile()
    page = personnel.Person.objects.filter(unit=unit).order_by("service_number")[:50]

    with django_assert_num_queries(EVERY_KIND):
        result = deployability(people=page, profile=profile, on=DAY)

    assert len(result) == min(size, 50)


def test_a_prefetched_profile_and_loaded_people_with_ranks_save_three_queries(
    django_assert_num_queries,
):
    unit = unit_with_people(5)
    profile = readiness_models.RequirementProfile.objects.prefetch_related(
        "required_certifications", "allowed_ranks"
    ).get(pk=everything_profile().pk)
    people = list(personnel.Person.objects.filter(unit=unit).select_related("rank"))

    with django_assert_num_queries(EVERY_KIND - 3):
        deployability(people=people, profile=profile, on=DAY)
    with django_assert_num_queries(0):
        profile_requirements(profile)


def test_profile_requirements_reads_one_query(django_assert_num_queries):
    profile = everything_profile()

    with django_assert_num_queries(1):
        requirements = profile_requirements(profile)

    assert len(requirements) == 11


def test_a_profile_asking_only_for_records_queries_only_those_kinds(
    django_assert_num_queries,
):
    unit = unit_with_people(5)
    profile = bare_profile(requires_passport=True)

    with django_assert_num_queries(3):  # people, profile, passports
        deployability(people=personnel.Person.objects.filter(unit=unit), profile=profile, on=DAY)
