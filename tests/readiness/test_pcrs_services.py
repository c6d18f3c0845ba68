"""PCRS services at their boundaries: who may write, the pledge's renewal, the level's
backing AAV (passed, of the unit, current on the day: both ends count), the Rapid Deployment
Level's 60 days, visits, findings and their closing, and the planning check of a contingent.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from accounts.roles import Role
from readiness.models import AssessmentArea, PCRSLevelChange, PCRSPledge
from readiness.services import pcrs as services
from tests import factories
from tests.readiness.deployment_support import ContingentFactory
from tests.readiness.pcrs_support import ago, ahead, pledge, visit

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


# --- who -------------------------------------------------------------------------------------


def test_a_commander_writes_for_their_subtree_only(tree, commander):
    company, fpu = tree["KAZBAT-1"], tree["MIA-FPU"]
    made = services.pledge_register(
        unit=company, registered_on=ago(10), capability="Infantry company", by=commander
    )
    assert made.level == "1"
    with pytest.raises(PermissionDenied):
        services.pledge_register(unit=fpu, registered_on=ago(10), capability="FPU", by=commander)
    assert not PCRSPledge.objects.filter(unit=fpu).exists()


@pytest.mark.parametrize("role", ["registrar", "instructor"])
def test_registrars_and_instructors_may_not_write(request, tree, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.pledge_register(
            unit=tree["KAZBAT"], registered_on=ago(1), capability="Battalion", by=user
        )


def test_an_administrator_writes_for_any_unit(tree, administrator):
    services.pledge_register(
        unit=tree["MIA-FPU"], registered_on=ago(1), capability="FPU (140)", by=administrator
    )
    assert PCRSPledge.objects.get().unit == tree["MIA-FPU"]


# --- registering and renewing ----------------------------------------------------------------


def test_registering_starts_at_level_1_with_its_history_and_first_renewal_12_months_on(
    tree, commander
):
    registered = ago(10)
    made = services.pledge_register(
        unit=tree["KAZBAT"], registered_on=registered, capability=" Battalion ", by=commander
    )
    assert made.capability == "Battalion"
    assert made.renewal_due_on == registered + relativedelta(months=12)
    assert [(c.level, c.changed_on, c.recorded_by) for c in made.levels.all()] == [
        ("1", registered, commander)
    ]


def test_a_second_pledge_a_future_day_or_a_blank_capability_are_refused(tree, commander):
    unit = tree["KAZBAT"]
    with pytest.raises(ValidationError) as blank:
        services.pledge_register(unit=unit, registered_on=ago(1), capability="  ", by=commander)
    assert "capability" in messages_of(blank.value)
    with pytest.raises(ValidationError) as future:
        services.pledge_register(unit=unit, registered_on=ahead(1), capability="B", by=commander)
    assert "registered_on" in messages_of(future.value)
    services.pledge_register(unit=unit, registered_on=ago(0), capability="B", by=commander)
    with pytest.raises(ValidationError) as again:
        services.pledge_register(unit=unit, registered_on=ago(0), capability="B", by=commander)
    assert "already has a pledge" in messages_of(again.value)["unit"][0]


def test_renewal_inside_the_first_12_months_keeps_them_then_every_6_months(tree, commander):
    registered = ago(400)
    made = pledge(tree["KAZBAT"], registered_on=registered)
    first_due = registered + relativedelta(months=12)
    early = registered + dt.timedelta(days=30)
    renewed = services.pledge_renew(pledge=made, renewed_on=early, by=commander)
    assert renewed.renewal_due_on == first_due  # not shortened to 7 months
    renewed = services.pledge_renew(pledge=made, renewed_on=ago(0), by=commander)
    assert renewed.renewal_due_on == ago(0) + relativedelta(months=6)
    assert renewed.renewed_on == ago(0)


def test_renewal_before_the_last_one_or_in_the_future_is_refused(tree, commander):
    made = pledge(tree["KAZBAT"], registered_on=ago(100))
    services.pledge_renew(pledge=made, renewed_on=ago(10), by=commander)
    with pytest.raises(ValidationError) as before:
        services.pledge_renew(pledge=made, renewed_on=ago(11), by=commander)
    assert "renewed_on" in messages_of(before.value)
    services.pledge_renew(pledge=made, renewed_on=ago(10), by=commander)  # the same day: fine
    with pytest.raises(ValidationError):
        services.pledge_renew(pledge=made, renewed_on=ahead(1), by=commander)


# --- the level and its backing AAV -----------------------------------------------------------


def test_level_2_needs_a_passed_aav_and_takes_the_current_one(tree, commander):
    unit = tree["KAZBAT"]
    made = pledge(unit)
    with pytest.raises(ValidationError) as none:
        services.pledge_change_level(pledge=made, level="2", changed_on=ago(0), by=commander)
    assert "record the unit's AAV first" in messages_of(none.value)["backing_visit"][0]
    made.refresh_from_db()
    assert made.level == "1"
    assert made.levels.count() == 0

    aav = visit(unit, on=ago(20))
    changed = services.pledge_change_level(
        pledge=made, level="2", changed_on=ago(0), by=commander, reason="AAV passed"
    )
    assert (changed.level, changed.backing_visit, changed.level_since) == ("2", aav, ago(0))
    assert list(PCRSLevelChange.objects.values_list("level", "backing_visit", "reason")) == [
        ("2", aav.pk, "AAV passed")
    ]


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"outcome": "failed"}, "only a passed AAV"),
        ({"outcome": "conditional"}, "only a passed AAV"),
        ({"kind": "pdv"}, "does not back a PCRS level"),
        ({"kind": "internal"}, "does not back a PCRS level"),
    ],
)
def test_a_visit_that_is_not_a_passed_aav_backs_nothing(tree, commander, values, says):
    unit = tree["KAZBAT"]
    made = pledge(unit)
    chosen = visit(unit, **values)
    with pytest.raises(ValidationError) as refused:
        services.pledge_change_level(
            pledge=made, level="3", changed_on=ago(0), by=commander, backing_visit=chosen
        )
    assert says in messages_of(refused.value)["backing_visit"][0]


def test_another_units_aav_backs_nothing(tree, commander):
    made = pledge(tree["KAZBAT"])
    theirs = visit(tree["KAZBAT-1"])
    with pytest.raises(ValidationError) as refused:
        services.pledge_change_level(
            pledge=made, level="2", changed_on=ago(0), by=commander, backing_visit=theirs
        )
    assert "another unit" in messages_of(refused.value)["backing_visit"][0]


def test_an_aav_backs_from_its_day_to_its_valid_until_both_included(tree, commander):
    unit = tree["KAZBAT"]
    made = pledge(unit, registered_on=ago(300))
    aav = visit(unit, on=ago(20), valid_until=ago(5))
    # After its last day: refused, naming the day it ran out.
    with pytest.raises(ValidationError) as late:
        services.pledge_change_level(
            pledge=made, level="2", changed_on=ago(4), by=commander, backing_visit=aav
        )
    assert "needs a new AAV" in messages_of(late.value)["backing_visit"][0]
    # Before the visit: refused.
    with pytest.raises(ValidationError) as early:
        services.pledge_change_level(
            pledge=made, level="2", changed_on=ago(21), by=commander, backing_visit=aav
        )
    assert "came after" in messages_of(early.value)["backing_visit"][0]
    # On its first day and on its last day: backed.
    services.pledge_change_level(
        pledge=made, level="2", changed_on=ago(20), by=commander, backing_visit=aav
    )
    services.pledge_change_level(
        pledge=made, level="3", changed_on=ago(5), by=commander, backing_visit=aav
    )
    assert made.levels.count() == 2


@override_settings(PCRS_AAV_VALID_MONTHS=24)
def test_without_its_own_valid_until_an_aav_is_current_for_the_policy_months(tree, commander):
    unit = tree["KAZBAT"]
    made = pledge(unit, registered_on=ago(1000), renewal_due_on=ahead(10))
    held = ago(0) - relativedelta(months=24)
    older = visit(unit, on=held - dt.timedelta(days=1))
    assert services.visit_valid_until(older) == ago(1)
    assert services.current_aav(unit=unit, on=ago(0)) is None
    aav = visit(unit, on=held)
    assert services.visit_valid_until(aav) == ago(0)
    assert services.current_aav(unit=unit, on=ago(0)) == aav
    services.pledge_change_level(pledge=made, level="2", changed_on=ago(0), by=commander)
    made.refresh_from_db()
    assert made.backing_visit == aav


@override_settings(PCRS_AAV_VALID_MONTHS=6)
def test_the_policy_months_are_a_setting(tree):
    aav = visit(tree["KAZBAT"], on=ago(0))
    assert services.visit_valid_until(aav) == ago(0) + relativedelta(months=6)


def test_the_level_is_refused_while_the_renewal_is_overdue(tree, commander):
    unit = tree["KAZBAT"]
    made = pledge(unit, registered_on=ago(500), renewal_due_on=ago(1))
    visit(unit, on=ago(10))
    with pytest.raises(ValidationError) as refused:
        services.pledge_change_level(pledge=made, level="2", changed_on=ago(0), by=commander)
    assert "renew the pledge" in messages_of(refused.value)["level"][0]
    # Due today is not overdue.
    PCRSPledge.objects.filter(pk=made.pk).update(renewal_due_on=ago(0))
    services.pledge_change_level(pledge=made, level="2", changed_on=ago(0), by=commander)


@pytest.mark.parametrize(
    ("days", "ok"), [(None, False), (0, False), (1, True), (60, True), (61, False)]
)
def test_the_rapid_deployment_level_deploys_within_1_to_60_days(tree, commander, days, ok):
    unit = tree["KAZBAT"]
    made = pledge(unit)
    visit(unit)
    change = {"pledge": made, "level": "RDL", "changed_on": ago(0), "by": commander}
    if ok:
        services.pledge_change_level(**change, deploy_within_days=days)
        made.refresh_from_db()
        assert made.deploy_within_days == days
    else:
        with pytest.raises(ValidationError) as refused:
            services.pledge_change_level(**change, deploy_within_days=days)
        assert "deploy_within_days" in messages_of(refused.value)


def test_back_to_level_1_drops_the_backing_visit_and_the_days(tree, commander):
    unit = tree["KAZBAT"]
    made = pledge(unit)
    visit(unit)
    services.pledge_change_level(
        pledge=made, level="RDL", changed_on=ago(0), by=commander, deploy_within_days=45
    )
    services.pledge_change_level(pledge=made, level="1", changed_on=ago(0), by=commander)
    made.refresh_from_db()
    assert (made.level, made.backing_visit, made.deploy_within_days) == ("1", None, None)
    assert [c.level for c in made.levels.order_by("pk")] == ["RDL", "1"]


def test_a_change_before_the_current_level_or_in_the_future_is_refused(tree, commander):
    unit = tree["KAZBAT"]
    made = pledge(unit, level_since=ago(5), registered_on=ago(50))
    with pytest.raises(ValidationError) as before:
        services.pledge_change_level(pledge=made, level="1", changed_on=ago(6), by=commander)
    assert "changed_on" in messages_of(before.value)
    with pytest.raises(ValidationError):
        services.pledge_change_level(pledge=made, level="1", changed_on=ahead(1), by=commander)


# --- visits and findings ---------------------------------------------------------------------


def test_a_visit_is_recorded_with_a_result_per_area(tree, commander):
    training, medical = (
        AssessmentArea.objects.get(code="training"),
        AssessmentArea.objects.get(code="medical"),
    )
    made = services.visit_record(
        unit=tree["KAZBAT"],
        kind="aav",
        assessed_on=ago(1),
        outcome="passed",
        assessed_by="UN DPO team",
        by=commander,
        areas=[
            services.AreaEntry(area=training, result="satisfactory"),
            services.AreaEntry(area=medical, result="needs_improvement", remarks="Stretchers"),
        ],
    )
    assert sorted(made.areas.values_list("area_id", "result", "remarks")) == [
        ("medical", "needs_improvement", "Stretchers"),
        ("training", "satisfactory", ""),
    ]


def test_a_new_area_is_data_and_is_offered(tree, commander):
    aviation = AssessmentArea.objects.create(code="aviation", name="aviation", order=20)
    made = services.visit_record(
        unit=tree["KAZBAT"],
        kind="pdv",
        assessed_on=ago(0),
        outcome="conditional",
        assessed_by="Team",
        by=commander,
        areas=[services.AreaEntry(area=aviation, result="unsatisfactory")],
    )
    assert made.areas.get().area == aviation


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"assessed_by": " "}, "assessed_by"),
        ({"assessed_on": ahead(1)}, "assessed_on"),
        ({"valid_until": ago(1)}, "valid_until"),  # the visit's own day
        ({"outcome": "great"}, "outcome"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_a_visit_with_bad_input_is_refused_naming_the_field(tree, commander, values, field):
    data = {
        "unit": tree["KAZBAT"],
        "kind": "aav",
        "assessed_on": ago(1),
        "outcome": "passed",
        "assessed_by": "Team",
        "by": commander,
    }
    with pytest.raises(ValidationError) as refused:
        services.visit_record(**{**data, **values})
    assert field in messages_of(refused.value)


def test_findings_are_added_and_closed_once_with_a_note(tree, commander):
    made = visit(tree["KAZBAT"], on=ago(10))
    with pytest.raises(ValidationError) as early:
        services.finding_add(
            visit=made, finding="F", corrective_action="A", due_on=ago(11), by=commander
        )
    assert "due_on" in messages_of(early.value)
    finding = services.finding_add(
        visit=made, finding="Radios", corrective_action="Replace six", due_on=ago(10), by=commander
    )
    assert finding.owner is None
    with pytest.raises(ValidationError) as no_note:
        services.finding_close(finding=finding, closed_on=ago(0), note=" ", by=commander)
    assert "note" in messages_of(no_note.value)
    with pytest.raises(ValidationError) as before:
        services.finding_close(finding=finding, closed_on=ago(11), note="Done", by=commander)
    assert "closed_on" in messages_of(before.value)
    with pytest.raises(ValidationError):
        services.finding_close(finding=finding, closed_on=ahead(1), note="Done", by=commander)
    closed = services.finding_close(finding=finding, closed_on=ago(10), note="Done", by=commander)
    assert (closed.closed_on, closed.closed_by, closed.closure_note) == (ago(10), commander, "Done")
    with pytest.raises(ValidationError) as twice:
        services.finding_close(finding=finding, closed_on=ago(0), note="Again", by=commander)
    assert "was closed on" in messages_of(twice.value)["closed_on"][0]


def test_a_commander_of_another_unit_may_not_add_or_close_findings(tree, commander):
    other = factories.UserFactory(username="other-cmdr", roles=[Role.COMMANDER])
    made = visit(tree["KAZBAT"])
    with pytest.raises(PermissionDenied):
        services.finding_add(
            visit=made, finding="F", corrective_action="A", due_on=ago(0), by=other
        )


# --- the planning check ----------------------------------------------------------------------


def test_a_contingent_of_a_unit_without_a_pledge_needs_nothing(tree):
    contingent = ContingentFactory(unit=tree["KAZBAT"])
    assert services.contingent_readiness_problem(contingent, ago(0)) is None


def test_a_contingent_needs_its_units_pledge_renewed_at_level_2_and_backed_on_the_day(tree):
    unit = tree["KAZBAT"]
    contingent = ContingentFactory(unit=unit)
    made = pledge(unit, registered_on=ago(300))
    problem = services.contingent_readiness_problem(contingent, ago(0))
    assert "Level 1" in problem
    assert "Assessment and Advisory Visit" in problem

    aav = visit(unit, on=ago(30), valid_until=ahead(30))
    PCRSPledge.objects.filter(pk=made.pk).update(level="2", backing_visit=aav)
    assert services.contingent_readiness_problem(contingent, ago(0)) is None
    assert services.contingent_readiness_problem(contingent, ahead(30)) is None  # last day
    problem = services.contingent_readiness_problem(contingent, ahead(31))
    assert "new Assessment and Advisory Visit" in problem

    PCRSPledge.objects.filter(pk=made.pk).update(renewal_due_on=ago(1))
    problem = services.contingent_readiness_problem(contingent, ago(0))
    assert "renew" in problem


def test_a_backing_aav_changed_to_failed_no_longer_backs_the_level(tree):
    unit = tree["KAZBAT"]
    contingent = ContingentFactory(unit=unit)
    aav = visit(unit)
    pledge(unit, level="2", backing_visit=aav)
    assert services.contingent_readiness_problem(contingent, ago(0)) is None
    aav.outcome = "failed"
    aav.save()
    assert services.contingent_readiness_problem(contingent, ago(0)) is not None
