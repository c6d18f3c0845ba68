"""The contingent readiness report (PDF): its parameters, who it covers, what the PDF prints
(checked against the contingent page's selector and the deployability engine for the same
data), the queries its build takes at two sizes, and the button on the contingent's page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accounts.roles import Role
from personnel.models import Unit
from readiness.deployability import Verdict, deployability
from readiness.models import Deployment, PCRSPledge, UnitReadinessAssessment
from readiness.selectors.missions import contingent_page
from reports.kinds import kind_for
from reports.kinds.contingent_readiness import contingent_readiness
from reports.models import ReportFormat, ReportKindCode, ReportRequest
from tests import factories
from tests.readiness.deployment_support import ContingentFactory, DeploymentFactory
from tests.readiness.matrix_support import (
    FEMALE,
    build_tree,
    contingent_profile,
    make_person,
    only_active,
    today,
)

pytestmark = pytest.mark.django_db

KIND = kind_for(ReportKindCode.CONTINGENT_READINESS)


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of white space made one space (cells wrap over lines)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class Progress:
    def __init__(self):
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


@pytest.fixture
def world(commander):
    units = build_tree(commander)
    profile = contingent_profile()
    only_active(profile)
    mission = factories.MissionFactory(acronym="UNIFIL")
    contingent = ContingentFactory(
        mission=mission,
        unit=units["KAZBAT"],
        name="KAZCOY",
        rotation=3,
        partner_country="IN",
        partner_unit="INDBATT",
        starts_on=today() + dt.timedelta(days=10),
        ends_on=today() + dt.timedelta(days=100),
        planned_strength=120,
    )
    people = {
        "ready": make_person(
            "ready",
            unit=units["KAZBAT-1"],
            last_name="Ospanova",
            first_name="Aigerim",
            gender=FEMALE,
            service_number="KZ-100001",
        ),
        "lapsing": make_person(
            "lapsing",
            unit=units["KAZBAT"],
            last_name="Жумабаев",
            first_name="Ерлан",
            service_number="KZ-100002",
        ),
        "not_ready": make_person(
            "not_ready",
            unit=units["KAZBAT-1"],
            last_name="Abenov",
            first_name="Daniyar",
            service_number="KZ-100003",
        ),
        # Outside the commander's units: only a registrar's report holds them.
        "police": make_person(
            "not_ready",
            unit=units["MIA-FPU"],
            last_name="Serikov",
            first_name="Nurlan",
            service_number="KZ-100004",
        ),
    }
    for person in people.values():
        deploy(person, contingent, profile)
    cancelled = make_person("ready", unit=units["KAZBAT-1"], last_name="Cancelledov")
    deploy(cancelled, contingent, profile, status=Deployment.Status.CANCELLED)
    earlier = UnitReadinessAssessment.objects.create(
        unit=units["KAZBAT"],
        assessed_on=today() - dt.timedelta(days=200),
        kind=UnitReadinessAssessment.Kind.AAV,
        pcrs_level="2",
        outcome=UnitReadinessAssessment.Outcome.PASSED,
    )
    earlier.areas.create(area_id="medical", result="unsatisfactory")
    PCRSPledge.objects.create(
        unit=units["KAZBAT"],
        registered_on=today() - dt.timedelta(days=300),
        capability="Infantry battalion",
        level="2",
        level_since=earlier.assessed_on,
        backing_visit=earlier,
        renewal_due_on=today() + dt.timedelta(days=60),
    )
    latest = UnitReadinessAssessment.objects.create(
        unit=units["KAZBAT"],
        assessed_on=today() - dt.timedelta(days=20),
        kind=UnitReadinessAssessment.Kind.PRE_DEPLOYMENT,
        outcome=UnitReadinessAssessment.Outcome.CONDITIONAL,
        assessed_by="UN DPO team",
    )
    latest.areas.create(area_id="training", result="needs_improvement", remarks="Convoy drills")
    latest.areas.create(area_id="equipment", result="satisfactory")
    return {
        "units": units,
        "profile": profile,
        "contingent": contingent,
        "people": people,
        "commander": commander,
    }


def deploy(person, contingent, profile, status=Deployment.Status.PLANNED):
    return DeploymentFactory(
        person=person,
        mission=contingent.mission,
        contingent=contingent,
        role=profile,
        starts_on=contingent.starts_on,
        ends_on=contingent.ends_on,
        status=status,
    )


@pytest.fixture
def other_commander(world):
    other = factories.UserFactory(username="cmdr-mia", roles=[Role.COMMANDER])
    Unit.objects.filter(pk=world["units"]["MIA"].pk).update(commander=other)
    return other


def params_for(user, world) -> dict:
    return KIND.clean(user, {"contingent": str(world["contingent"].pk)})


# -- clean -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Contingent: choose one."),
        ("", "Contingent: choose one."),
        ("KAZCOY", "Contingent: “KAZCOY” is not an id."),
        ("999999", "Contingent: there is none with the id 999999."),
    ],
)
def test_clean_names_what_is_wrong(registrar, world, value, message):
    data = {} if value is None else {"contingent": value}
    with pytest.raises(ValidationError) as raised:
        KIND.clean(registrar, data)
    assert raised.value.messages == [message]


def test_clean_keeps_the_contingent_and_who_asked(registrar, world):
    registrar.first_name, registrar.last_name = "Dana", "Registrar"
    parameters = params_for(registrar, world)
    assert parameters["contingent"] == world["contingent"].pk
    assert parameters["scope_user"] == registrar.pk
    assert parameters["requested_by"] == "Dana Registrar"
    assert parameters["language"] == "en"


def test_clean_refuses_a_commander_of_another_unit_and_an_instructor(
    world, other_commander, instructor
):
    for user in (other_commander, instructor):
        with pytest.raises(PermissionDenied):
            params_for(user, world)


# -- covers ------------------------------------------------------------------------------------


def test_covers(world, registrar, administrator, commander, other_commander, instructor):
    pk = world["contingent"].pk
    mine = {"contingent": pk, "scope_user": commander.pk}
    assert KIND.covers(registrar, mine)
    assert KIND.covers(administrator, mine)
    assert KIND.covers(commander, mine)
    assert not KIND.covers(other_commander, {"contingent": pk, "scope_user": other_commander.pk})
    assert not KIND.covers(instructor, {"contingent": pk, "scope_user": instructor.pk})
    # A registrar's report may hold people outside the commander's units.
    assert not KIND.covers(commander, {"contingent": pk, "scope_user": registrar.pk})
    # Once they no longer command the unit, they cannot download their own report either.
    Unit.objects.filter(pk=world["units"]["KAZBAT"].pk).update(commander=None)
    commander.__dict__.pop("_peacecentre_roles", None)
    assert not KIND.covers(commander, mine)


def test_title_and_source(registrar, world):
    parameters = params_for(registrar, world)
    assert KIND.title(parameters) == "Contingent readiness: KAZCOY, UNIFIL, rotation 3"
    assert KIND.source_url(parameters) == reverse(
        "readiness:contingent_detail", args=[world["contingent"].pk]
    )
    assert ("Unit", "KAZBAT Unit KAZBAT") in KIND.describe(parameters)


# -- build -------------------------------------------------------------------------------------


def test_the_pdf_prints_what_the_page_and_the_engine_say(registrar, world):
    registrar.first_name, registrar.last_name = "Dana", "Registrar"
    parameters = params_for(registrar, world)
    progress = Progress()
    built = KIND.build(parameters, ReportFormat.PDF, progress)
    assert built.content_type == "application/pdf"
    assert built.filename == f"readiness-KAZBAT-UNIFIL-r3-{today().isoformat()}.pdf"
    assert progress.calls[-1] == (1, 1)
    reader = PdfReader(io.BytesIO(built.content))
    first = reader.pages[0]
    assert round(float(first.mediabox.width)) == 595
    assert round(float(first.mediabox.height)) == 842
    text = pdf_text(built.content)

    contingent = world["contingent"]
    page = contingent_page(user=registrar, pk=contingent.pk)
    assert page.strength == 4
    assert page.women == 1
    assert f"{page.strength} / 120" in text
    assert f"{page.women} ({page.women_percent}%)" in text
    for expected in (
        "UNIFIL",
        "KAZBAT Unit KAZBAT",
        "India (INDBATT)",
        "Dana Registrar",
        "Level 2: eligible after a successful AAV",  # the unit's pledge
        "Pre-deployment visit",  # the latest visit, its areas and results
        "Training needs improvement Convoy drills",
        "Equipment (COE) satisfactory",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "Medical unsatisfactory" not in text  # an earlier visit's area
    assert "Cancelledov" not in text

    # Each member with the engine's verdict and reasons for the same window.
    on, end = contingent.starts_on, contingent.ends_on
    profile = world["profile"]
    for key, person in world["people"].items():
        readiness = deployability(people=[person], profile=profile, on=on, tour_ends_on=end)
        readiness = readiness[person.pk]
        assert person.service_number in text
        assert person.full_name in text or person.last_name in text
        for check in readiness.checks:
            if check.verdict != Verdict.MET:
                assert f"{check.requirement.label}: {check.reason}" in text, (key, check)
    assert readiness.gaps  # the police officer is not ready: something was checked above

    report = contingent_readiness(user=registrar, pk=contingent.pk, today=today())
    assert report.totals == {"ready": 1, "lapsing": 1, "not_ready": 2}
    assert re.search(r"Members Share of women 1 1 2 4 25\.0%", text)


def test_a_commanders_report_holds_their_people_only(commander, world):
    built = KIND.build(params_for(commander, world), ReportFormat.PDF, Progress())
    text = pdf_text(built.content)
    assert "KZ-100001" in text
    assert "KZ-100003" in text
    assert "KZ-100004" not in text  # the police officer of another unit
    assert "3 / 120" in text


def test_a_tour_under_way_is_judged_from_today(registrar, world):
    contingent = world["contingent"]
    contingent.starts_on = today() - dt.timedelta(days=30)
    contingent.save()
    report = contingent_readiness(user=registrar, pk=contingent.pk, today=today())
    assert (report.on, report.tour_ends_on) == (today(), contingent.ends_on)


def test_build_takes_the_same_queries_for_few_or_many_members(
    registrar, world, django_assert_num_queries
):
    parameters = params_for(registrar, world)
    contingent, profile = world["contingent"], world["profile"]
    second_role = contingent_profile(code="second-role", name="Second role")
    deploy(make_person("ready", unit=world["units"]["KAZBAT"]), contingent, second_role)
    # The requester, the contingent, their roles, the roster; the roster's two roles with
    # their certification types and ranks (3); per role, the medical clearances and passports
    # its people hold (2 x 2); the unit's assessments and their areas; the unit's PCRS pledge;
    # the title's contingent.
    with django_assert_num_queries(15):
        KIND.build(parameters, ReportFormat.PDF, Progress())
    for n in range(12):
        person = make_person("lapsing" if n % 2 else "ready", unit=world["units"]["KAZBAT-1"])
        deploy(person, contingent, profile if n % 3 else second_role)
    with django_assert_num_queries(15):
        built = KIND.build(parameters, ReportFormat.PDF, Progress())
    assert "17 / 120" in pdf_text(built.content)


# -- the button on the contingent's page ------------------------------------------------------


def offered(response) -> bool:
    content = response.content.decode()
    return 'data-testid="report-offer"' in content and 'value="contingent_readiness"' in content


def test_the_button_shows_to_who_may_request(client, world, registrar, other_commander):
    url = reverse("readiness:contingent_detail", args=[world["contingent"].pk])
    for user, shown in ((registrar, True), (world["commander"], True), (other_commander, False)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert offered(response) is shown, user


def test_posting_the_button_records_the_request(client, world):
    commander = world["commander"]
    client.force_login(commander)
    contingent = world["contingent"]
    response = client.post(
        reverse("reports:request"),
        {"kind": "contingent_readiness", "format": "pdf", "contingent": contingent.pk},
    )
    report = ReportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert report.kind == "contingent_readiness"
    assert report.format == "pdf"
    assert report.requested_by == commander
    assert report.parameters["contingent"] == contingent.pk
    assert report.parameters["scope_user"] == commander.pk
    assert report.title == "Contingent readiness: KAZCOY, UNIFIL, rotation 3"


def test_a_commander_of_another_unit_gets_403_and_no_request(client, world, other_commander):
    client.force_login(other_commander)
    response = client.post(
        reverse("reports:request"),
        {"kind": "contingent_readiness", "format": "pdf", "contingent": world["contingent"].pk},
    )
    assert response.status_code == 403
    assert not ReportRequest.objects.exists()
