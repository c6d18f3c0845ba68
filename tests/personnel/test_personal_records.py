"""Personal records (date of birth, e-mail, phone, passport, medical clearance and the other
documents, deployments, readiness) are for registrars, administrators and the person's
commanders (personnel.scope.personal_records_for). An instructor sees their trainees' name,
rank, unit, service number and training record, on every page where they appear, and nothing
of the people merely nominated to their cohorts (courses.scope.enrolments_for)."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook

from accounts.roles import Role
from courses import scope as course_scope
from courses.models import AssessmentComponent, Cohort, Enrolment
from personnel import scope
from personnel.models import MedicalClearance
from tests import factories
from tests.personnel.test_register_person import DeploymentFactory

pytestmark = pytest.mark.django_db

PASSPORT = "N7731905"
PHONE = "+7 701 555 0199"
EMAIL = "aigerim.abenova@mil.example"
BORN = dt.date(1987, 3, 14)
REMARKS = "Asthma: carries an inhaler"
MISSION = "UNIFIL"


def personal_strings() -> list[str]:
    return [
        PASSPORT,
        PHONE,
        EMAIL,
        formats.date_format(BORN, "DATE_FORMAT"),
        formats.date_format(BORN, "SHORT_DATE_FORMAT"),
        REMARKS,
        "fit with restrictions",
        MISSION,
    ]


@pytest.fixture
def world(instructor, commander):
    today = timezone.localdate()
    battalion = factories.UnitFactory(code="KAZBAT", commander=commander)
    trainee = factories.PersonFactory(
        unit=battalion,
        last_name="Abenova",
        first_name="Aigerim",
        service_number="KZ-T-100",
        date_of_birth=BORN,
        email=EMAIL,
        phone=PHONE,
    )
    factories.PassportFactory(person=trainee, document_number=PASSPORT)
    factories.MedicalClearanceFactory(
        person=trainee, fitness=MedicalClearance.Fitness.FIT_RESTRICTED, remarks=REMARKS
    )
    DeploymentFactory(person=trainee, mission=factories.MissionFactory(acronym=MISSION))
    course = factories.CourseFactory(code="UNPOC", title="Protection of Civilians")
    AssessmentComponent.objects.create(
        course=course, name="Written exam", weight=D("100"), max_score=D("100"), order=1
    )
    cohort = factories.CohortFactory(
        course=course,
        code="UNPOC-X",
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=5),
        status=Cohort.Status.IN_PROGRESS,
        instructors=[instructor],
    )
    enrolment = factories.EnrolmentFactory(cohort=cohort, person=trainee)
    certification = factories.CertificationFactory(person=trainee, course=course)
    nominee = factories.PersonFactory(
        unit=battalion, last_name="Nominova", service_number="KZ-N-200", email="n@mil.example"
    )
    nomination = factories.EnrolmentFactory(
        cohort=cohort, person=nominee, status=Enrolment.Status.NOMINATED
    )
    declined = factories.PersonFactory(last_name="Declinova", service_number="KZ-D-300")
    factories.EnrolmentFactory(cohort=cohort, person=declined, status=Enrolment.Status.DECLINED)
    return {
        "trainee": trainee,
        "cohort": cohort,
        "enrolment": enrolment,
        "certification": certification,
        "nominee": nominee,
        "nomination": nomination,
        "declined": declined,
    }


def instructor_pages(world) -> dict[str, str]:
    """Every page where an instructor meets their trainee."""
    cohort, enrolment = world["cohort"], world["enrolment"]
    return {
        "person page": reverse("personnel:person_detail", args=[world["trainee"].pk]),
        "cohort page": reverse("courses:cohort_detail", args=[cohort.pk]),
        "roster CSV": reverse("courses:cohort_roster_csv", args=[cohort.pk]),
        "attendance": reverse("courses:attendance", args=[cohort.pk]),
        "gradebook": reverse("courses:gradebook", args=[cohort.pk]),
        "finalise": reverse("courses:cohort_finalise", args=[cohort.pk]),
        "results": reverse("courses:enrolment_results", args=[enrolment.pk]),
        "certification": reverse("courses:certification_detail", args=[world["certification"].pk]),
        "certifications": reverse("courses:certification_list"),
        "my cohorts": reverse("courses:cohort_list"),
        "home": reverse("home"),
    }


def text_of(response) -> str:
    return (b"".join(response) if response.streaming else response.content).decode()


# --- the rule ---------------------------------------------------------------------------------


def test_the_statuses_of_trainees_are_enrolment_statuses_less_the_nominations():
    assert set(course_scope.TRAINEE_STATUSES) == set(Enrolment.Status.values) - {
        Enrolment.Status.NOMINATED,
        Enrolment.Status.DECLINED,
    }


def test_who_may_read_personal_records(world, instructor, commander, registrar, administrator):
    trainee = world["trainee"]
    other_commander = factories.UserFactory(roles=[Role.COMMANDER])
    factories.UnitFactory(code="MIA", commander=other_commander)
    for user in (registrar, administrator, commander):
        assert scope.personal_records_for(user).filter(pk=trainee.pk).exists(), user
    for user in (instructor, other_commander, factories.UserFactory()):
        assert not scope.personal_records_for(user).exists(), user
    # The instructor still sees the trainee, not the nominee nor the declined.
    assert set(scope.people_for(instructor)) == {trainee}


def test_an_instructor_who_commands_the_unit_reads_them_as_its_commander(world, instructor):
    """Two roles: the commander's right to the records is not taken away by teaching."""
    instructor.groups.add(Group.objects.get(name=Role.COMMANDER.value))
    type(world["trainee"].unit).objects.filter(pk=world["trainee"].unit.pk).update(
        commander=instructor
    )
    instructor = type(instructor).objects.get(pk=instructor.pk)
    assert scope.personal_records_for(instructor).filter(pk=world["trainee"].pk).exists()


# --- what each sees -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["registrar", "administrator", "commander"])
def test_registrars_administrators_and_the_commander_see_the_personal_records(
    client, world, who, request
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("personnel:person_detail", args=[world["trainee"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in personal_strings():
        if text == formats.date_format(BORN, "SHORT_DATE_FORMAT"):
            continue  # the person page writes the long form
        assert text in html, (who, text)
    assert 'data-testid="personal-records-withheld"' not in html
    readiness = client.get(reverse("readiness:person_readiness", args=[world["trainee"].pk]))
    assert readiness.status_code == 200


def test_the_instructor_sees_the_trainee_but_no_personal_record_anywhere(client, world, instructor):
    client.force_login(instructor)
    for page, url in instructor_pages(world).items():
        response = client.get(url)
        assert response.status_code == 200, page
        html = text_of(response)
        if page not in ("home", "my cohorts"):  # these name cohorts, not people
            assert "Abenova" in html, page
        for text in personal_strings():
            assert text not in html, (page, text)
    # What the instructor does see of them.
    html = client.get(instructor_pages(world)["person page"]).content.decode()
    for text in ("Abenova Aigerim", "KZ-T-100", "KAZBAT", "Protection of Civilians", "UNPOC-X"):
        assert text in html, text
    assert 'data-testid="personal-records-withheld"' in html
    assert 'data-testid="qualifications"' not in html
    assert 'data-testid="deployments"' not in html
    assert reverse("readiness:person_readiness", args=[world["trainee"].pk]) not in html


def test_the_instructor_gets_no_readiness_page(client, world, instructor):
    client.force_login(instructor)
    url = reverse("readiness:person_readiness", args=[world["trainee"].pk])
    assert client.get(url).status_code == 404


def test_the_roster_spreadsheet_holds_no_personal_record_nor_nomination(client, world, instructor):
    client.force_login(instructor)
    response = client.get(reverse("courses:cohort_roster_xlsx", args=[world["cohort"].pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response))).active
    cells = {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row}
    assert "KZ-T-100" in cells
    assert "KZ-N-200" not in cells
    assert not cells & set(personal_strings())


def test_the_instructor_sees_nothing_of_people_only_nominated(client, world, instructor):
    client.force_login(instructor)
    nominee, declined = world["nominee"], world["declined"]
    for person in (nominee, declined):
        url = reverse("personnel:person_detail", args=[person.pk])
        assert client.get(url).status_code == 404
    results = reverse("courses:enrolment_results", args=[world["nomination"].pk])
    assert client.get(results).status_code == 404
    for page in ("cohort page", "roster CSV"):
        html = text_of(client.get(instructor_pages(world)[page]))
        for text in ("Nominova", "KZ-N-200", "Declinova", "KZ-D-300"):
            assert text not in html, (page, text)
        assert "Abenova" in html, page


def test_the_registrar_still_sees_the_nominations(client, world, registrar):
    client.force_login(registrar)
    html = text_of(client.get(instructor_pages(world)["cohort page"]))
    assert 'data-testid="nominations"' in html
    assert "KZ-N-200" in html
    assert "KZ-D-300" in html  # among the withdrawn or declined
    assert "KZ-N-200" in text_of(client.get(instructor_pages(world)["roster CSV"]))


def test_the_instructors_person_page_reads_no_records_and_stays_flat(client, world, instructor):
    client.force_login(instructor)
    url = instructor_pages(world)["person page"]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for _ in range(4):
        factories.PassportFactory(person=world["trainee"])
        factories.EnrolmentFactory(
            person=world["trainee"], cohort=factories.CohortFactory(instructors=[instructor])
        )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == few
    # Not one query for a passport, a medical clearance or a deployment.
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ("personnel_passport", "personnel_medicalclearance", "personnel_deployment"):
        assert table not in sql, table


def test_finalising_counts_the_nominations_it_declines_without_naming_them(
    client, world, instructor, administrator
):
    url = instructor_pages(world)["finalise"]
    client.force_login(instructor)
    html = text_of(client.get(url))
    assert 'data-testid="pending"' in html
    assert "1 nomination (declined)" in html
    assert "Nominova" not in html
    client.force_login(administrator)
    html = text_of(client.get(url))
    assert "Nominova" in html
    assert "nomination (declined)" not in html
