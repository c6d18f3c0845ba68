"""Each readiness rule that must never break is refused by the database itself."""

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
    area = {"assessment": assessment, "area_id": "medical", "result": "satisfactory"}
    readiness_models.AssessmentAreaResult.objects.create(**area)
    refused(lambda: readiness_models.AssessmentAreaResult.objects.create(**area))
