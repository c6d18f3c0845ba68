"""Each personnel rule that must never break is refused by the database itself."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from personnel import models
from readiness import models as readiness_models
from tests import factories

pytestmark = pytest.mark.django_db


def refused(action) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_service_number_is_unique():
    person = factories.PersonFactory(service_number="KZ-000001")
    refused(lambda: factories.PersonFactory(service_number=person.service_number, unit=person.unit))


def test_service_number_is_not_blank():
    refused(lambda: factories.PersonFactory(service_number=""))


@pytest.mark.parametrize(("field", "value"), [("gender", "X"), ("category", "contractor")])
def test_person_choices_are_enforced(field, value):
    refused(lambda: factories.PersonFactory(**{field: value}))


def test_service_cannot_start_before_birth():
    refused(
        lambda: factories.PersonFactory(
            date_of_birth=dt.date(1990, 1, 1), service_start_date=dt.date(1989, 12, 31)
        )
    )


@pytest.mark.parametrize("skill", ["listening", "speaking", "reading", "writing"])
@pytest.mark.parametrize("level", [6, 9])
def test_stanag_levels_run_from_0_to_5(skill, level):
    refused(lambda: factories.LanguageProficiencyFactory(**{skill: level}))


def test_stanag_level_5_and_0_are_accepted():
    record = factories.LanguageProficiencyFactory(listening=5, speaking=0, reading=5, writing=0)
    assert record.profile == "5-0-5-0"


@pytest.mark.parametrize(
    "factory",
    [
        factories.LanguageProficiencyFactory,
        factories.MedicalClearanceFactory,
        factories.PassportFactory,
    ],
)
def test_qualification_cannot_lapse_before_it_is_issued(factory):
    refused(lambda: factory(issued_on=dt.date(2026, 5, 2), valid_until=dt.date(2026, 5, 1)))


def test_qualification_valid_one_day_is_accepted():
    record = factories.MedicalClearanceFactory(
        issued_on=dt.date(2026, 5, 1), valid_until=dt.date(2026, 5, 1)
    )
    assert record.pk


def test_profile_stanag_minimums_are_enforced():
    refused(lambda: factories.RequirementProfileFactory(min_speaking=6))


def test_profile_age_range_is_ordered():
    refused(lambda: factories.RequirementProfileFactory(min_age=40, max_age=25))


def test_mission_cannot_end_before_it_starts():
    refused(
        lambda: factories.MissionFactory(
            acronym="UNOCI", started_on=dt.date(2004, 4, 4), ended_on=dt.date(2004, 4, 3)
        )
    )


def test_contingent_rotation_is_unique_and_dated_in_order():
    mission = factories.MissionFactory()
    unit = factories.UnitFactory()
    values = {
        "mission": mission,
        "unit": unit,
        "name": "KAZCOY",
        "rotation": 1,
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
        "planned_strength": 120,
    }
    readiness_models.Contingent.objects.create(**values)
    refused(lambda: readiness_models.Contingent.objects.create(**values))
    refused(
        lambda: readiness_models.Contingent.objects.create(
            **{**values, "rotation": 2, "ends_on": dt.date(2025, 12, 31)}
        )
    )


def _deployment(**overrides) -> readiness_models.Deployment:
    values = {
        "person": factories.PersonFactory(),
        "mission": factories.MissionFactory(),
        "role": factories.RequirementProfileFactory(),
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2026, 12, 31),
    }
    return readiness_models.Deployment.objects.create(**{**values, **overrides})


def test_deployment_cannot_end_before_it_starts():
    refused(lambda: _deployment(ends_on=dt.date(2025, 12, 31)))


def test_deployment_override_needs_a_reason():
    refused(lambda: _deployment(override_by=factories.UserFactory()))
    assert _deployment(override_by=factories.UserFactory(), override_reason="Waiver by J1").pk


def test_deployment_status_is_known():
    refused(lambda: _deployment(status="missing"))


def test_gender_target_is_one_per_category_and_year_and_a_percentage():
    values = {"category": models.GenderCategory.CONTINGENT, "year": 2028, "percent": 15}
    readiness_models.GenderTarget.objects.create(**values)
    refused(lambda: readiness_models.GenderTarget.objects.create(**values))
    refused(
        lambda: readiness_models.GenderTarget.objects.create(
            **{**values, "year": 2029, "percent": 101}
        )
    )


def test_assessment_area_is_recorded_once_per_assessment():
    assessment = readiness_models.UnitReadinessAssessment.objects.create(
        unit=factories.UnitFactory(),
        assessed_on=dt.date(2026, 9, 1),
        kind=readiness_models.UnitReadinessAssessment.Kind.AAV,
        outcome=readiness_models.UnitReadinessAssessment.Outcome.PASSED,
    )
    area = {"assessment": assessment, "area": "medical", "result": "satisfactory"}
    readiness_models.AssessmentAreaResult.objects.create(**area)
    refused(lambda: readiness_models.AssessmentAreaResult.objects.create(**area))


def test_only_a_police_rank_has_a_military_equivalent():
    captain = factories.RankFactory(code="CPT", name="Captain", category="military")
    police = factories.RankFactory(
        code="P-CPT", name="Captain of Police", category="police", military_equivalent=captain
    )
    assert police.military_equivalent == captain
    refused(
        lambda: factories.RankFactory(
            code="MAJ", name="Major", category="military", military_equivalent=captain
        )
    )
