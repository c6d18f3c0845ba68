"""The PCRS pages: who opens them (a commander their subtree, registrars reading), the forms
and their refusals, and a fixed number of queries whatever the number of visits."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from accounts.roles import Role
from readiness.models import AssessmentArea, PCRSPledge, UnitReadinessAssessment, VisitFinding
from readiness.services import pcrs as services
from tests import factories
from tests.readiness.pcrs_support import ago, ahead, pledge, visit

pytestmark = pytest.mark.django_db


def page_url(unit) -> str:
    return reverse("readiness:unit_pcrs", args=[unit.pk])


def text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


@pytest.fixture
def world(tree, commander):
    unit = tree["KAZBAT"]
    aav = visit(unit, on=ago(40), valid_until=ahead(300))
    aav.areas.create(area_id="training", result="needs_improvement", remarks="Convoy drills")
    services.finding_add(
        visit=aav,
        finding="Convoy drills below standard",
        corrective_action="Two more exercises",
        due_on=ago(3),
        by=commander,
    )
    made = services.pledge_register(
        unit=unit, registered_on=ago(100), capability="Infantry battalion (850)", by=commander
    )
    services.pledge_change_level(pledge=made, level="2", changed_on=ago(30), by=commander)
    return unit, aav


def test_the_commander_sees_pledge_levels_visits_and_findings_with_the_forms(
    client, commander, world
):
    unit, _aav = world
    client.force_login(commander)
    response = client.get(page_url(unit))
    assert response.status_code == 200
    body = text(response)
    assert "Infantry battalion (850)" in body
    assert "Level 2" in body
    assert "Convoy drills below standard" in body
    assert "overdue" in body
    assert [c.level for c in response.context["page"].levels] == ["2", "1"]
    for name in ("pcrs_pledge_renew", "pcrs_pledge_level", "pcrs_visit_record"):
        assert reverse(f"readiness:{name}", args=[unit.pk]) in response.content.decode()


def test_a_registrar_reads_without_the_forms(client, registrar, world):
    unit, _aav = world
    client.force_login(registrar)
    response = client.get(page_url(unit))
    assert response.status_code == 200
    assert "Infantry battalion (850)" in text(response)
    assert reverse("readiness:pcrs_pledge_level", args=[unit.pk]) not in response.content.decode()
    assert client.get(reverse("readiness:pcrs_pledge_level", args=[unit.pk])).status_code == 403


def test_outside_the_subtree_is_404_and_instructors_403(client, commander, instructor, tree):
    fpu = tree["MIA-FPU"]
    client.force_login(commander)
    assert client.get(page_url(fpu)).status_code == 404
    assert client.post(reverse("readiness:pcrs_pledge_register", args=[fpu.pk])).status_code == 404
    client.force_login(instructor)
    assert client.get(page_url(tree["KAZBAT"])).status_code == 403


def test_registering_from_the_page(client, commander, tree):
    unit = tree["KAZBAT-1"]
    client.force_login(commander)
    response = client.post(
        reverse("readiness:pcrs_pledge_register", args=[unit.pk]),
        {"registered_on": ago(1).isoformat(), "capability": "Infantry company (120)"},
    )
    assert response.status_code == 302
    assert PCRSPledge.objects.get(unit=unit).level == "1"


def test_level_2_without_a_current_aav_is_refused_with_the_reason_and_nothing_changes(
    client, commander, tree
):
    unit = tree["KAZBAT-1"]
    made = pledge(unit)
    visit(unit, on=ago(30), outcome="failed")
    client.force_login(commander)
    response = client.post(
        reverse("readiness:pcrs_pledge_level", args=[unit.pk]),
        {"level": "2", "changed_on": ago(0).isoformat()},
    )
    assert response.status_code == 200
    assert "needs a passed Assessment and Advisory Visit" in text(response)
    made.refresh_from_db()
    assert made.level == "1"


def test_recording_a_visit_with_its_areas(client, commander, tree):
    unit = tree["KAZBAT-1"]
    client.force_login(commander)
    response = client.post(
        reverse("readiness:pcrs_visit_record", args=[unit.pk]),
        {
            "kind": "aav",
            "assessed_on": ago(2).isoformat(),
            "assessed_by": "UN DPO / DOS team",
            "outcome": "passed",
            "area_training": "satisfactory",
            "area_medical": "unsatisfactory",
            "area_medical_remarks": "No defibrillator",
            "area_ict": "",
        },
    )
    assert response.status_code == 302
    made = UnitReadinessAssessment.objects.get(unit=unit)
    assert sorted(made.areas.values_list("area_id", "result", "remarks")) == [
        ("medical", "unsatisfactory", "No defibrillator"),
        ("training", "satisfactory", ""),
    ]


def test_a_visit_without_its_team_keeps_what_was_typed(client, commander, tree):
    unit = tree["KAZBAT-1"]
    client.force_login(commander)
    response = client.post(
        reverse("readiness:pcrs_visit_record", args=[unit.pk]),
        {
            "kind": "aav",
            "assessed_on": ago(2).isoformat(),
            "assessed_by": "",
            "outcome": "passed",
            "area_training": "satisfactory",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["assessed_by"]
    assert response.context["form"]["area_training"].value() == "satisfactory"
    assert not UnitReadinessAssessment.objects.exists()


def test_adding_and_closing_a_finding(client, commander, world):
    _unit, aav = world
    client.force_login(commander)
    owner = factories.UserFactory(username="s4", roles=[Role.COMMANDER])
    response = client.post(
        reverse("readiness:pcrs_finding_add", args=[aav.pk]),
        {
            "area": "",
            "finding": "Radios short",
            "corrective_action": "Issue six radios",
            "owner": owner.pk,
            "due_on": ahead(10).isoformat(),
        },
    )
    assert response.status_code == 302
    finding = VisitFinding.objects.get(finding="Radios short")
    assert finding.owner == owner
    close = reverse("readiness:pcrs_finding_close", args=[finding.pk])
    response = client.post(close, {"closed_on": ago(0).isoformat(), "note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    response = client.post(close, {"closed_on": ago(0).isoformat(), "note": "Issued"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.closed_on, finding.closed_by) == (ago(0), commander)


def test_the_unit_list_shows_the_pledge_level(client, registrar, world):
    client.force_login(registrar)
    rows = client.get(reverse("readiness:unit_readiness_list")).context["page"].rows
    assert [r.pcrs_level for r in rows if r.unit.code == "MOD"] == [""]
    unit, _aav = world
    page = client.get(reverse("readiness:unit_readiness", args=[unit.pk])).context["page"]
    assert page.pcrs_level == "2"


def grow(unit, commander, count: int) -> None:
    for index in range(count):
        made = visit(unit, on=ago(200 + index), kind="pdv", outcome="conditional")
        made.areas.create(area_id="medical", result="needs_improvement")
        made.areas.create(area_id="training", result="satisfactory")
        owner = factories.UserFactory()
        VisitFinding.objects.create(
            visit=made, finding="F", corrective_action="A", due_on=ago(1), owner=owner
        )
        VisitFinding.objects.create(
            visit=made,
            area=AssessmentArea.objects.get(code="medical"),
            finding="G",
            corrective_action="B",
            due_on=ago(1),
            closed_on=ago(0),
            closure_note="Done",
            closed_by=commander,
        )
    pledge_ = PCRSPledge.objects.get(unit=unit)
    for _ in range(count):
        services.pledge_change_level(pledge=pledge_, level="1", changed_on=ago(0), by=commander)


def test_the_page_needs_the_same_queries_for_2_or_12_visits(client, commander, world):
    unit, _aav = world
    client.force_login(commander)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(unit)).status_code == 200
        return len(captured)

    grow(unit, commander, 1)
    few = queries()
    grow(unit, commander, 10)
    assert queries() == few
