"""A person's page: everything about one person, for those whose scope holds them."""

import datetime as dt
from decimal import Decimal

import factory
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from courses.models import Enrolment
from personnel import models as personnel
from readiness import models as readiness_models
from tests import factories

pytestmark = pytest.mark.django_db


class DrivingLicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.DrivingLicence

    person = factory.SubFactory(factories.PersonFactory)
    categories = "B, C"
    issued_on = dt.date(2015, 4, 1)
    valid_until = dt.date(2035, 4, 1)


class WeaponsQualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.WeaponsQualification

    person = factory.SubFactory(factories.PersonFactory)
    weapon = personnel.WeaponsQualification.Weapon.RIFLE
    issued_on = dt.date(2026, 1, 10)
    valid_until = dt.date(2027, 1, 10)


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = readiness_models.Deployment

    person = factory.SubFactory(factories.PersonFactory)
    mission = factory.SubFactory(factories.MissionFactory)
    role = factory.SubFactory(factories.RequirementProfileFactory)
    # One tour after another: a person's tours never overlap (a database rule).
    starts_on = factory.Sequence(lambda n: dt.date(2000, 1, 1) + dt.timedelta(days=400 * n))
    ends_on = factory.LazyAttribute(lambda d: d.starts_on + dt.timedelta(days=364))
    status = readiness_models.Deployment.Status.RETURNED
    departed_on = factory.LazyAttribute(lambda d: d.starts_on)
    returned_on = factory.LazyAttribute(lambda d: d.ends_on)


def url(person) -> str:
    return reverse("personnel:person_detail", args=[person.pk])


@pytest.fixture
def person(commander):
    battalion = factories.UnitFactory(
        code="KAZBAT", name="Peacekeeping Battalion", kind="battalion", commander=commander
    )
    company = factories.UnitFactory(code="KAZBAT-1", name="1st Company", parent=battalion)
    return factories.PersonFactory(
        last_name="Абенов",
        first_name="Ерлан",
        middle_name="Серикович",
        service_number="KZ-M-371205",
        unit=company,
        date_of_birth=dt.date(1980, 2, 21),
        nationality="KZ",
        email="abenov@mil.example",
        phone="+7 701 000 00 00",
    )


# --- who may see it -----------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client, person):
    response = client.get(url(person))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_without_role_is_refused(client, person):
    client.force_login(factories.UserFactory())
    assert client.get(url(person)).status_code == 403


def test_commander_sees_people_of_their_subtree_only(client, commander, person):
    outsider = factories.PersonFactory(unit=factories.UnitFactory(code="MIA"))
    client.force_login(commander)
    response = client.get(url(person))
    assert response.status_code == 200
    assert reverse("personnel:person_update", args=[person.pk]) not in response.content.decode()
    assert client.get(url(outsider)).status_code == 404


def test_instructor_sees_trainees_of_their_cohorts_only(client, instructor, person):
    factories.EnrolmentFactory(
        person=person, cohort=factories.CohortFactory(instructors=[instructor])
    )
    other = factories.EnrolmentFactory(cohort=factories.CohortFactory()).person
    client.force_login(instructor)
    response = client.get(url(person))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("personnel:person_update", args=[person.pk]) not in html
    assert f'href="{reverse("personnel:person_list")}"' not in html  # no register for instructors
    assert client.get(url(other)).status_code == 404


def test_unknown_person_is_not_found(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("personnel:person_detail", args=[999999])).status_code == 404


def test_registrar_gets_edit_and_add_links(client, registrar, person):
    client.force_login(registrar)
    html = client.get(url(person)).content.decode()
    assert reverse("personnel:person_update", args=[person.pk]) in html
    for kind in ("language", "medical", "passport", "driving-licence", "weapons"):
        assert reverse("personnel:qualification_create", args=[person.pk, kind]) in html


# --- what it shows ------------------------------------------------------------------------


def test_identity(client, registrar, person, today):
    client.force_login(registrar)
    response = client.get(url(person))
    html = response.content.decode()
    assert "Абенов Ерлан Серикович" in html
    assert "Captain" in html
    assert "KZ-M-371205" in html
    assert "Kazakhstan" in html
    assert "abenov@mil.example" in html
    age = person.age_on(today)
    assert f"({age} years)" in html
    assert response.context["profile"].personal.age == age
    path = [unit.code for unit in response.context["profile"].unit_path]
    assert path == ["KAZBAT", "KAZBAT-1"]
    assert "KAZBAT \u203a KAZBAT-1" in html
    assert "1st Company" in html


def test_person_without_unit_or_rank(client, registrar):
    person = factories.PersonFactory(
        unit=None, rank=None, category=personnel.Category.CIVILIAN, nationality="TJ"
    )
    client.force_login(registrar)
    response = client.get(url(person))
    assert response.status_code == 200
    assert response.context["profile"].unit_path == []
    assert "Tajikistan" in response.content.decode()


def test_qualification_states(client, registrar, person, today):
    window = settings.LAPSING_WINDOW_DAYS
    factories.PassportFactory(
        person=person,
        issued_on=today - dt.timedelta(days=400),
        valid_until=today + dt.timedelta(days=window),  # the first day that is not "lapsing"
    )
    factories.MedicalClearanceFactory(
        person=person,
        issued_on=today - dt.timedelta(days=300),
        valid_until=today + dt.timedelta(days=window - 1),
    )
    WeaponsQualificationFactory(
        person=person,
        issued_on=today - dt.timedelta(days=500),
        valid_until=today - dt.timedelta(days=1),
    )
    DrivingLicenceFactory(person=person, valid_until=None)
    client.force_login(registrar)
    response = client.get(url(person))
    rows = {
        type(row.record).__name__: row
        for group in response.context["profile"].personal.qualifications
        for row in group.rows
    }
    assert rows["Passport"].state == "valid"
    assert rows["MedicalClearance"].state == "lapsing"
    assert rows["MedicalClearance"].days_left == window - 1
    assert rows["WeaponsQualification"].state == "lapsed"
    assert rows["DrivingLicence"].state == "valid"
    html = response.content.decode()
    assert f"lapses in {window - 1} days" in html
    assert 'data-testid="state-lapsed"' in html
    assert "no end date" in html


def test_qualifications_grouped_by_kind_newest_first(client, registrar, person, today):
    older = factories.LanguageProficiencyFactory(
        person=person, issued_on=dt.date(2020, 1, 1), valid_until=dt.date(2022, 1, 1)
    )
    newer = factories.LanguageProficiencyFactory(
        person=person, language="fr", listening=2, speaking=2, reading=2, writing=1
    )
    client.force_login(registrar)
    groups = client.get(url(person)).context["profile"].personal.qualifications
    assert [group.kind.slug for group in groups] == [
        "language",
        "medical",
        "passport",
        "driving-licence",
        "weapons",
    ]
    assert [row.record for row in groups[0].rows] == [newer, older]
    assert groups[0].rows[0].description == "French 2-2-2-1"
    assert groups[1].rows == []


def test_enrolments_results_certifications_and_deployments(client, registrar, person, today):
    course = factories.CourseFactory(code="UNSOC", title="UN Staff Officer Course")
    exam = factories.AssessmentComponentFactory(course=course, name="Written exam", order=1)
    exercise = factories.AssessmentComponentFactory(course=course, name="Staff exercise", order=2)
    cohort = factories.CohortFactory(code="UNSOC-2026-01", course=course)
    enrolment = factories.EnrolmentFactory(
        cohort=cohort, person=person, status=Enrolment.Status.PASSED, final_score=Decimal("81.5")
    )
    enrolment.results.create(component=exercise, score=Decimal("80"))
    enrolment.results.create(component=exam, score=Decimal("83"))
    factories.CertificationFactory(
        person=person, number="UNSOC-2026-0001", cohort=cohort, course=course
    )
    factories.CertificationFactory(
        person=person,
        number="UNSOC-2020-0007",
        issued_on=dt.date(2020, 3, 1),
        valid_until=dt.date(2030, 3, 1),
        revoked_at=timezone.now(),
        revocation_reason="Issued in error",
    )
    tour = DeploymentFactory(person=person)
    client.force_login(registrar)
    response = client.get(url(person))
    html = response.content.decode()
    assert "UNSOC-2026-01" in html
    assert "UN Staff Officer Course" in html
    assert "81.5" in html
    assert html.index("Written exam") < html.index("Staff exercise")  # component order
    certifications = {
        row.record.number: row.state
        for row in next(
            shown.content
            for shown in response.context["profile"].sections
            if shown.section.name == "certifications"
        )
    }
    assert certifications == {"UNSOC-2026-0001": "valid", "UNSOC-2020-0007": "revoked"}
    assert "Issued in error" in html
    assert "UNIFIL" in html
    assert tour.role.name in html
    assert "returned" in html


def test_empty_sections_say_so(client, registrar, person):
    client.force_login(registrar)
    html = client.get(url(person)).content.decode()
    assert "No course enrolments." in html
    assert "No certifications." in html
    assert "No deployments." in html
    assert html.count("None recorded.") == 5


# --- query count --------------------------------------------------------------------------


def _records(person, n: int) -> None:
    course = factories.CourseFactory()
    components = [factories.AssessmentComponentFactory(course=course, order=i) for i in range(2)]
    for _ in range(n):
        factories.LanguageProficiencyFactory(person=person)
        factories.MedicalClearanceFactory(person=person)
        factories.PassportFactory(person=person)
        DrivingLicenceFactory(person=person)
        WeaponsQualificationFactory(person=person)
        factories.CertificationFactory(person=person)
        DeploymentFactory(person=person)
        enrolment = factories.EnrolmentFactory(
            person=person, cohort=factories.CohortFactory(course=course)
        )
        for component in components:
            enrolment.results.create(component=component, score=Decimal("70"))


def _count(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(person)).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.COMMANDER])
def test_query_count_does_not_grow_with_records(client, person, commander, registrar, role):
    client.force_login(commander if role is Role.COMMANDER else registrar)
    _records(person, 1)
    few = _count(client, person)
    _records(person, 6)
    assert _count(client, person) == few
    # session, user, roles, person, 5 kinds, 4 histories, unit path, permissions (the
    # "plan a deployment" button); a commander's units once more, for the personal records
    assert few <= 18
