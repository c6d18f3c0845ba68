"""Planning a deployment (readiness/services/deployments.py): every refusal, a plan, an
override, and the history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from readiness.models import Deployment
from readiness.services.deployments import NotReady, deployment_plan
from tests import factories
from tests.readiness.deployment_support import (
    START,
    ContingentFactory,
    DeploymentFactory,
    make_ready,
    plain_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def battalion(commander):
    return factories.UnitFactory(code="KAZBAT", kind="battalion", commander=commander)


@pytest.fixture
def mission():
    return factories.MissionFactory()


@pytest.fixture
def role():
    return plain_role()


def plan(person, mission, role, by, **kwargs):
    arguments = {"contingent": None, "starts_on": START, "months": 12, "override_reason": ""}
    arguments.update(kwargs)
    return deployment_plan(person=person, mission=mission, role=role, by=by, **arguments)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {key: [str(m) for m in value] for key, value in error.message_dict.items()}


def test_a_ready_person_is_planned_for_the_tour_with_its_last_day_as_planned_end(
    registrar, mission, role
):
    person = make_ready(factories.PersonFactory())
    contingent = ContingentFactory(mission=mission)
    deployment = plan(person, mission, role, registrar, contingent=contingent, months=18)
    assert deployment.starts_on == START
    assert deployment.ends_on == dt.date(2028, 6, 22)  # 2026-12-23 + 18 months - 1 day
    assert deployment.status == Deployment.Status.PLANNED
    assert deployment.contingent == contingent
    assert deployment.override_reason == ""
    assert deployment.override_by is None
    record = deployment.history.get()
    assert record.history_user == registrar
    assert record.history_type == "+"


def test_a_person_not_ready_is_refused_with_each_reason(registrar, mission, role):
    person = factories.PersonFactory()  # no medical clearance, no passport
    with pytest.raises(NotReady) as refused:
        plan(person, mission, role, registrar)
    assert refused.value.reasons == ["no medical clearance", "no passport"]
    assert refused.value.override_refused is False
    assert "not ready to deploy as Plain role" in refused.value.messages[0]
    assert not Deployment.objects.exists()


def test_a_passport_lapsing_too_soon_after_the_tour_is_a_reason(registrar, mission, role):
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(person=person, valid_until=START + dt.timedelta(days=800))
    factories.PassportFactory(person=person, valid_until=dt.date(2028, 1, 10))
    with pytest.raises(NotReady) as refused:
        plan(person, mission, role, registrar)
    assert refused.value.reasons == [
        "passport lapses 2028-01-10, needs 6 months past tour end 2027-12-22"
    ]


def test_an_administrator_overrides_with_a_reason_and_it_is_recorded(administrator, mission, role):
    person = factories.PersonFactory()
    deployment = plan(
        person, mission, role, administrator, override_reason="  Passport renewal under way.  "
    )
    assert deployment.override_reason == "Passport renewal under way."
    assert deployment.override_by == administrator
    assert deployment.history.get().history_user == administrator


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_an_override_needs_a_reason(administrator, mission, role, reason):
    with pytest.raises(NotReady) as refused:
        plan(factories.PersonFactory(), mission, role, administrator, override_reason=reason)
    assert refused.value.reasons == ["no medical clearance", "no passport"]
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("user", ["registrar", "commander"])
def test_an_override_without_the_permission_is_refused(request, battalion, mission, role, user):
    person = factories.PersonFactory(unit=battalion)
    with pytest.raises(NotReady) as refused:
        plan(person, mission, role, request.getfixturevalue(user), override_reason="Needed.")
    assert refused.value.override_refused is True
    assert "You may not plan a deployment for someone who is not ready." in refused.value.messages
    assert not Deployment.objects.exists()


def test_a_reason_given_for_a_ready_person_is_not_kept(administrator, mission, role):
    person = make_ready(factories.PersonFactory())
    deployment = plan(person, mission, role, administrator, override_reason="Just in case.")
    assert deployment.override_reason == ""
    assert deployment.override_by is None


def test_an_overlapping_tour_is_refused_naming_the_other(registrar, mission, role):
    person = make_ready(factories.PersonFactory())
    other = factories.MissionFactory(acronym="MINURSO", name="MINURSO", host="Western Sahara")
    tour = DeploymentFactory(
        person=person, mission=other, starts_on=dt.date(2026, 1, 1), ends_on=START
    )  # its last day is the new tour's first
    with pytest.raises(ValidationError) as refused:
        plan(person, mission, role, registrar)
    [message] = messages_of(refused.value)["starts_on"]
    assert f"MINURSO as {tour.role.name} from 2026-01-01 to 2026-12-23 (deployed)" in message
    assert Deployment.objects.count() == 1


def test_a_cancelled_tour_does_not_block_and_the_day_after_a_tour_is_free(registrar, mission, role):
    person = make_ready(factories.PersonFactory())
    DeploymentFactory(
        person=person,
        mission=mission,
        starts_on=START,
        ends_on=START + dt.timedelta(days=100),
        status=Deployment.Status.CANCELLED,
    )
    DeploymentFactory(
        person=person,
        mission=mission,
        starts_on=dt.date(2026, 1, 1),
        ends_on=START - dt.timedelta(days=1),
    )
    plan(person, mission, role, registrar)
    assert Deployment.objects.count() == 3


def test_a_contingent_of_another_mission_is_refused(registrar, mission, role):
    person = make_ready(factories.PersonFactory())
    undof = factories.MissionFactory(acronym="UNDOF", name="UNDOF", host="Golan Heights")
    contingent = ContingentFactory(mission=undof, name="KAZCOY UNDOF")
    with pytest.raises(ValidationError) as refused:
        plan(person, mission, role, registrar, contingent=contingent)
    [message] = messages_of(refused.value)["contingent"]
    assert message.startswith("KAZCOY UNDOF serves in UNDOF, not in UNIFIL")
    assert not Deployment.objects.exists()


def test_a_closed_mission_is_refused(registrar, role):
    person = make_ready(factories.PersonFactory())
    closed = factories.MissionFactory(
        acronym="MINUSMA", name="MINUSMA", host="Mali", ended_on=dt.date(2023, 12, 31)
    )
    with pytest.raises(ValidationError) as refused:
        plan(person, closed, role, registrar)
    assert messages_of(refused.value)["mission"] == [
        "MINUSMA closed on 2023-12-31: plan tours only in open missions."
    ]


def test_a_tour_before_the_mission_started_is_refused(registrar, role):
    person = make_ready(factories.PersonFactory())
    later = factories.MissionFactory(acronym="NEW", host="Somewhere", started_on=START)
    with pytest.raises(ValidationError) as refused:
        plan(person, later, role, registrar, starts_on=START - dt.timedelta(days=1))
    assert "starts_on" in refused.value.message_dict


def test_a_commander_plans_for_their_subtree_but_not_outside_it(
    commander, battalion, mission, role
):
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    mine = make_ready(factories.PersonFactory(unit=company))
    assert plan(mine, mission, role, commander).person == mine
    outsider = make_ready(factories.PersonFactory(unit=factories.UnitFactory(code="MIA")))
    with pytest.raises(ValidationError) as refused:
        plan(outsider, mission, role, commander)
    assert "is not in your units" in messages_of(refused.value)["person"][0]
    assert Deployment.objects.count() == 1


def test_an_instructor_may_not_plan(mission, role):
    instructor = factories.UserFactory(roles=[Role.INSTRUCTOR])
    with pytest.raises(PermissionDenied):
        plan(make_ready(factories.PersonFactory()), mission, role, instructor)


# The mandate's end (issue 14, point 5).


def test_a_tour_past_the_mandate_is_refused_saying_who_may_go_past_it(registrar, role):
    mission = factories.MissionFactory(mandate_until=START + dt.timedelta(days=200))
    person = make_ready(factories.PersonFactory())
    with pytest.raises(ValidationError) as refused:
        plan(person, mission, role, registrar)
    [message] = messages_of(refused.value)["months"]
    assert "UNIFIL's mandate runs until" in message
    assert "only Administrator may" in message
    assert refused.value.error_dict["months"][0].code == "past_mandate"
    with pytest.raises(ValidationError) as refused:
        plan(person, mission, role, registrar, mandate_override_reason="The Council will renew.")
    assert refused.value.error_dict["months"][0].code == "mandate_override_not_permitted"
    assert not Deployment.objects.exists()
    # A shorter tour fits.
    assert plan(person, mission, role, registrar, months=6).mandate_override_reason == ""


def test_an_administrator_plans_past_the_mandate_with_a_reason_kept(administrator, role):
    mission = factories.MissionFactory(mandate_until=START + dt.timedelta(days=200))
    person = make_ready(factories.PersonFactory())
    tour = plan(person, mission, role, administrator, mandate_override_reason=" Renewal due. ")
    assert (tour.mandate_override_reason, tour.mandate_override_by) == (
        "Renewal due.",
        administrator,
    )


# Nationality in a contingent (issue 14, point 5).


@pytest.mark.parametrize(
    ("nationality", "partner", "allowed"),
    [
        ("KZ", "", True),
        ("IN", "", False),
        ("IN", "IN", True),
        ("KZ", "IN", True),
        ("FR", "IN", False),
    ],
    ids=["own-national", "foreign-national", "partner", "own-in-joint", "third-country"],
)
def test_a_contingent_takes_its_own_nationals_and_its_partners(
    registrar, mission, role, nationality, partner, allowed
):
    contingent = ContingentFactory(mission=mission, partner_country=partner, name="KAZCOY")
    person = make_ready(factories.PersonFactory(nationality=nationality))
    if allowed:
        assert plan(person, mission, role, registrar, contingent=contingent).pk
        return
    with pytest.raises(ValidationError) as refused:
        plan(person, mission, role, registrar, contingent=contingent)
    [message] = messages_of(refused.value)["person"]
    assert "KAZCOY takes nationals of" in message
    assert "Kazakhstan" in message
    assert not Deployment.objects.exists()


def test_a_foreign_national_may_serve_outside_a_contingent(registrar, mission, role):
    person = make_ready(factories.PersonFactory(nationality="IN"))
    assert plan(person, mission, role, registrar).pk
