"""Planning a tour into a contingent asks for its unit's PCRS standing (when the unit has a
pledge): the refusal says what the unit must do, and nothing is saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from readiness.models import Deployment, PCRSPledge
from readiness.services.deployments import deployment_plan
from tests import factories
from tests.readiness.deployment_support import (
    START,
    ContingentFactory,
    make_ready,
    plain_role,
)
from tests.readiness.pcrs_support import ago, pledge, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(registrar):
    unit = factories.UnitFactory(code="KAZCOY")
    mission = factories.MissionFactory()
    contingent = ContingentFactory(mission=mission, unit=unit)
    person = make_ready(factories.PersonFactory(unit=unit))
    return unit, mission, contingent, person, plain_role()


def plan(setting, by):
    _unit, mission, contingent, person, role = setting
    return deployment_plan(
        person=person,
        mission=mission,
        contingent=contingent,
        role=role,
        starts_on=START,
        months=12,
        by=by,
    )


def test_a_unit_at_level_1_is_refused_with_what_it_must_do(setting, registrar):
    pledge(setting[0], registered_on=ago(100))
    with pytest.raises(ValidationError) as refused:
        plan(setting, registrar)
    [message] = refused.value.message_dict["contingent"]
    assert "must pass an Assessment and Advisory Visit and be raised to Level 2" in message
    assert not Deployment.objects.exists()


def test_a_unit_whose_aav_runs_out_before_the_tour_starts_is_refused(setting, registrar):
    unit = setting[0]
    aav = visit(unit, on=ago(30), valid_until=START.replace(day=START.day - 1))
    pledge(unit, registered_on=ago(100), level="2", backing_visit=aav)
    with pytest.raises(ValidationError) as refused:
        plan(setting, registrar)
    assert "new Assessment and Advisory Visit" in refused.value.message_dict["contingent"][0]


def test_a_unit_backed_on_the_first_day_of_the_tour_is_planned(setting, registrar):
    unit = setting[0]
    aav = visit(unit, on=ago(30), valid_until=START)
    pledge(unit, registered_on=ago(100), level="2", backing_visit=aav)
    assert plan(setting, registrar).contingent == setting[2]


def test_a_unit_without_a_pledge_is_planned_as_before(setting, registrar):
    assert not PCRSPledge.objects.exists()
    assert plan(setting, registrar).status == Deployment.Status.PLANNED
