"""The PCRS rules that do not depend on the day are refused by the database itself."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from readiness.models import AssessmentArea, AssessmentAreaResult, PCRSLevelChange, VisitFinding
from tests import factories
from tests.readiness.pcrs_support import ago, ahead, pledge, visit

pytestmark = pytest.mark.django_db


def refused(action) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_one_pledge_per_unit():
    unit = factories.UnitFactory()
    pledge(unit)
    refused(lambda: pledge(unit))


@pytest.mark.parametrize("level", ["2", "3", "RDL"])
def test_level_2_and_above_name_a_visit(level):
    unit = factories.UnitFactory()
    refused(lambda: pledge(unit, level=level, deploy_within_days=30))
    made = pledge(unit)
    refused(lambda: PCRSLevelChange.objects.create(pledge=made, level=level, changed_on=ago(0)))


@pytest.mark.parametrize("days", [None, 0, 61])
def test_the_rapid_deployment_level_is_within_60_days(days):
    unit = factories.UnitFactory()
    refused(lambda: pledge(unit, level="RDL", backing_visit=visit(unit), deploy_within_days=days))


def test_the_rapid_deployment_level_at_60_days_is_kept():
    unit = factories.UnitFactory()
    assert pledge(unit, level="RDL", backing_visit=visit(unit), deploy_within_days=60).pk


def test_an_unknown_level_is_refused():
    refused(lambda: pledge(factories.UnitFactory(), level="4"))


def test_dates_of_a_pledge_are_in_order():
    unit = factories.UnitFactory()
    refused(lambda: pledge(unit, registered_on=ago(10), renewal_due_on=ago(10)))
    refused(lambda: pledge(unit, registered_on=ago(10), renewed_on=ago(11)))
    refused(lambda: pledge(unit, registered_on=ago(10), level_since=ago(11)))


def test_a_visit_is_valid_until_a_day_after_it():
    unit = factories.UnitFactory()
    refused(lambda: visit(unit, on=ago(5), valid_until=ago(5)))
    assert visit(unit, on=ago(5), valid_until=ago(4)).pk


def test_a_closed_action_says_how_and_only_a_closed_one_names_who_closed_it():
    made = visit(factories.UnitFactory())
    closer = factories.UserFactory()
    values = {"visit": made, "finding": "F", "corrective_action": "A", "due_on": ahead(5)}
    refused(lambda: VisitFinding.objects.create(**values, closed_on=ago(0)))
    refused(lambda: VisitFinding.objects.create(**values, closed_by=closer))
    refused(lambda: VisitFinding.objects.create(**{**values, "corrective_action": ""}))
    assert VisitFinding.objects.create(**values, closed_on=ago(0), closure_note="Done").pk


def test_an_area_result_names_a_known_area_once_and_an_area_in_use_stays():
    made = visit(factories.UnitFactory())

    def unknown_area():
        AssessmentAreaResult.objects.create(assessment=made, area_id="x", result="satisfactory")
        connection.check_constraints()  # the foreign key is checked at commit

    refused(unknown_area)
    AssessmentAreaResult.objects.create(assessment=made, area_id="medical", result="satisfactory")
    refused(
        lambda: AssessmentAreaResult.objects.create(
            assessment=made, area_id="medical", result="unsatisfactory"
        )
    )
    with pytest.raises(ProtectedError), transaction.atomic():
        AssessmentArea.objects.get(code="medical").delete()


def test_the_migration_made_the_former_choices_areas_in_their_order():
    assert list(AssessmentArea.objects.values_list("code", flat=True)[:9]) == [
        "general",
        "training",
        "equipment",
        "movement",
        "medical",
        "engineering",
        "ict",
        "logistics",
        "conduct",
    ]
