"""The catalogue pages: who may see and edit them, what they show, how a course form
refuses bad input without losing anything, and a query count that does not grow."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from courses.models import AssessmentComponent, AssessmentResult, Cohort, Course
from courses.selectors.catalogue import course_version
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def course(db):
    course = factories.CourseFactory(
        code="UNSOC", title="UN Staff Officer Course", duration_days=19, default_capacity=24
    )
    factories.AssessmentComponentFactory(
        course=course, name="Written examination", weight=D("40"), pass_score=60, must_pass=True
    )
    factories.AssessmentComponentFactory(course=course, name="Staff exercise", weight=D("60"))
    return course


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


# -- who may come in ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["course_list", "course_create"])
def test_anonymous_users_are_sent_to_sign_in(client, name):
    response = client.get(url(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["course_detail", "course_update"])
def test_anonymous_users_are_sent_to_sign_in_from_a_course(client, course, name):
    response = client.get(url(name, course.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["registrar", "administrator", "instructor", "commander"])
def test_every_role_reads_the_catalogue(client, course, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("course_list")).status_code == 200
    assert client.get(url("course_detail", course.pk)).status_code == 200


def test_a_user_without_a_role_is_refused(client, course):
    client.force_login(factories.UserFactory(username="nobody"))
    assert client.get(url("course_list")).status_code == 403
    assert client.get(url("course_detail", course.pk)).status_code == 403


@pytest.mark.parametrize("who", ["instructor", "commander"])
def test_readers_cannot_create_or_edit(client, course, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("course_create")).status_code == 403
    assert client.post(url("course_create"), {}).status_code == 403
    assert client.get(url("course_update", course.pk)).status_code == 403
    assert client.post(url("course_update", course.pk), {"title": "Hacked"}).status_code == 403
    course.refresh_from_db()
    assert course.title == "UN Staff Officer Course"
    page = client.get(url("course_detail", course.pk)).content.decode()
    assert url("course_update", course.pk) not in page
    assert url("cohort_create") not in page


@pytest.mark.parametrize("who", ["registrar", "administrator"])
def test_editors_see_the_forms(client, course, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("course_create")).status_code == 200
    assert client.get(url("course_update", course.pk)).status_code == 200


def test_unknown_course_is_404(client, registrar):
    client.force_login(registrar)
    assert client.get(url("course_detail", 999999)).status_code == 404
    assert client.get(url("course_update", 999999)).status_code == 404


# -- what the list and the course page show ------------------------------------------------


def test_list_flags_un_recognition(client, registrar):
    today = timezone.localdate()
    states = {
        "OK": today + relativedelta(months=6),
        "SOON": today + relativedelta(months=6) - dt.timedelta(days=1),
        "GONE": today - dt.timedelta(days=1),
    }
    for code, until in states.items():
        factories.CourseFactory(
            code=code,
            un_recognised=True,
            recognised_on=dt.date(2019, 1, 15),
            recognition_valid_until=until,
        )
    factories.CourseFactory(code="NONE")
    client.force_login(registrar)
    response = client.get(url("course_list"))
    rows = {course.code: course.recognition.state for course in response.context["courses"]}
    assert rows == {
        "GONE": "lapsed",
        "NONE": "not_recognised",
        "OK": "recognised",
        "SOON": "lapsing",
    }
    html = response.content.decode()
    assert f"Recognised until {states['OK']:%Y-%m-%d}" in html
    assert f"Lapses {states['SOON']:%Y-%m-%d}" in html
    assert f"Lapsed {states['GONE']:%Y-%m-%d}" in html
    assert 'data-state="lapsing"' in html
    assert "text-bg-warning" in html


def test_list_shows_components_certification_and_filters_by_kind(client, registrar, course):
    factories.CourseFactory(code="ENG", kind=Course.Kind.LANGUAGE)
    client.force_login(registrar)
    response = client.get(url("course_list"))
    unsoc = next(c for c in response.context["courses"] if c.code == "UNSOC")
    assert unsoc.component_count == 2
    html = response.content.decode()
    assert "48 months" in html
    response = client.get(url("course_list"), {"kind": "language"})
    assert [c.code for c in response.context["courses"]] == ["ENG"]


def test_course_page_shows_components_admission_and_cohorts(client, instructor, course):
    course.admitted_categories = ["military", "police"]
    course.save()
    course.prerequisites.add(factories.CertificationTypeFactory(code="ENG", name="English"))
    today = timezone.localdate()
    mine = factories.CohortFactory(
        course=course, code="UNSOC-MINE", starts_on=today, instructors=[instructor]
    )
    factories.CohortFactory(
        course=course,
        code="UNSOC-OTHER",
        starts_on=today + dt.timedelta(days=14),
        ends_on=today + dt.timedelta(days=23),
    )
    factories.CohortFactory(course=course, code="UNSOC-OFF", status=Cohort.Status.CANCELLED)
    client.force_login(instructor)
    response = client.get(url("course_detail", course.pk))
    html = response.content.decode()
    assert [c.code for c in response.context["course"].upcoming_cohorts] == [
        "UNSOC-MINE",
        "UNSOC-OTHER",
    ]
    assert "Written examination" in html
    assert "military, police" in html
    assert "ENG" in html
    # Only the cohort the instructor teaches links to its page.
    assert reverse("courses:cohort_detail", args=[mine.pk]) in html
    assert response.context["openable"] == {mine.pk}


def _many_courses(n: int) -> None:
    for i in range(n):
        course = factories.CourseFactory(
            un_recognised=True, recognised_on=dt.date(2020, 1, 1), recognition_valid_until=None
        )
        course.prerequisites.add(factories.CertificationTypeFactory(code=f"P{i}"))
        factories.AssessmentComponentFactory(course=course)
        factories.AssessmentComponentFactory(course=course)
        factories.CohortFactory(course=course, status=Cohort.Status.PLANNED)


def test_course_list_queries_do_not_grow_with_courses(client, registrar, django_assert_num_queries):
    client.force_login(registrar)
    _many_courses(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url("course_list"))
    _many_courses(15)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("course_list"))
    assert len(response.context["courses"]) == 17
    assert len(few.captured_queries) <= 4  # session, user, roles, courses


def test_course_page_queries_do_not_grow_with_components_or_cohorts(
    client, registrar, course, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_cohort_and_prerequisite():
        cohort = factories.CohortFactory(course=course, instructors=[factories.UserFactory()])
        factories.EnrolmentFactory(cohort=cohort)
        course.prerequisites.add(factories.CertificationTypeFactory(code=f"X{cohort.pk}"))

    client.force_login(registrar)
    add_cohort_and_prerequisite()
    with CaptureQueriesContext(connection) as few:
        client.get(url("course_detail", course.pk))
    for _ in range(8):
        factories.AssessmentComponentFactory(course=course, weight=D("1"))
        add_cohort_and_prerequisite()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url("course_detail", course.pk))


# -- the course form ----------------------------------------------------------------------


def form_data(components, *, initial=0, version="", **course_fields):
    data = {
        "code": "POC",
        "title": "Protection of Civilians Course",
        "kind": Course.Kind.UN_RECOGNISED,
        "description": "",
        "duration_days": "12",
        "default_capacity": "24",
        "pass_mark": "65",
        "min_attendance_percent": "90",
        "is_active": "on",
        "version": version,
        "components-TOTAL_FORMS": str(len(components)),
        "components-INITIAL_FORMS": str(initial),
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
    }
    data.update(course_fields)
    for i, component in enumerate(components):
        row = {"min_score": "0", "max_score": "100", **component}
        data.update({f"components-{i}-{key}": value for key, value in row.items()})
    return data


THREE = [
    {"name": "Written test", "weight": "40", "pass_score": "60", "must_pass": "on"},
    {"name": "Field exercise", "weight": "30"},
    {"name": "Briefing", "weight": "30"},
]


def saved_course(code: str = "POC") -> dict:
    """The course as stored, read again from the database, with its components in order."""
    course = Course.objects.get(code=code)
    fields = (
        "title", "kind", "description", "duration_days", "default_capacity", "pass_mark",
        "min_attendance_percent", "admitted_categories", "certification_type_id",
        "validity_months", "un_recognised", "recognised_on", "recognition_valid_until",
        "is_active",
    )  # fmt: skip
    component_fields = ("name", "weight", "min_score", "max_score", "pass_score", "must_pass")
    return {
        **{name: getattr(course, name) for name in fields},
        "components": list(course.components.order_by("order").values_list(*component_fields)),
    }


# The components of THREE as stored: (name, weight, lowest, highest score, pass score, must pass).
THREE_SAVED = [
    ("Written test", D("40"), D("0"), D("100"), D("60"), True),
    ("Field exercise", D("30"), D("0"), D("100"), None, False),
    ("Briefing", D("30"), D("0"), D("100"), None, False),
]
# What form_data() writes for a course, when nothing is overridden.
COURSE_SAVED = {
    "title": "Protection of Civilians Course",
    "kind": Course.Kind.UN_RECOGNISED,
    "description": "",
    "duration_days": 12,
    "default_capacity": 24,
    "pass_mark": D("65"),
    "min_attendance_percent": D("90"),
    "is_active": True,
}


def test_registrar_creates_a_course_with_components(client, registrar):
    unsoc = factories.CertificationTypeFactory(code="POC", name="Protection of Civilians")
    client.force_login(registrar)
    response = client.post(
        url("course_create"),
        form_data(
            THREE,
            certification_type=str(unsoc.pk),
            validity_months="24",
            admitted_categories=["military", "police"],
            un_recognised="on",
            recognised_on="2019-01-15",
            recognition_valid_until="2027-01-14",
        ),
    )
    course = Course.objects.get(code="POC")
    assert response.status_code == 302
    assert response.url == url("course_detail", course.pk)
    assert saved_course() == {
        **COURSE_SAVED,
        "admitted_categories": ["military", "police"],
        "certification_type_id": unsoc.pk,
        "validity_months": 24,
        "un_recognised": True,
        "recognised_on": dt.date(2019, 1, 15),
        "recognition_valid_until": dt.date(2027, 1, 14),
        "components": THREE_SAVED,
    }


def test_weights_that_do_not_add_up_say_the_sum_and_keep_the_input(client, registrar):
    client.force_login(registrar)
    rows = [dict(THREE[0]), dict(THREE[1]), {**THREE[2], "weight": "20"}]
    response = client.post(url("course_create"), form_data(rows))
    assert response.status_code == 200
    assert not Course.objects.exists()
    html = response.content.decode()
    assert "The component weights add up to 90; they must add up to exactly 100." in html
    assert 'value="Field exercise"' in html  # nothing typed is lost
    assert 'value="Protection of Civilians Course"' in html


def test_empty_rows_and_removed_rows_do_not_count(client, registrar):
    client.force_login(registrar)
    rows = [*THREE, {"name": "Dropped", "weight": "50", "DELETE": "on"}, {}]
    response = client.post(url("course_create"), form_data(rows))
    assert response.status_code == 302
    assert Course.objects.get().components.count() == 3
    assert saved_course()["components"] == THREE_SAVED


def test_a_course_without_components_is_refused(client, registrar):
    client.force_login(registrar)
    response = client.post(url("course_create"), form_data([{}, {}]))
    assert response.status_code == 200
    assert "A course needs at least one assessment component." in response.content.decode()


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (
            {"pass_score": "120"},
            "pass_score",
            "The pass score must lie within the score range 0 to 100.",
        ),
        (
            {"pass_score": "", "must_pass": "on"},
            "pass_score",
            "A component that must be passed needs a pass score.",
        ),
        (
            {"min_score": "50", "max_score": "40", "pass_score": ""},
            "max_score",
            "The highest score must be above the lowest (50).",
        ),
        ({"weight": "0"}, "weight", None),
    ],
)
def test_component_errors_land_on_their_field(client, registrar, row, field, message):
    client.force_login(registrar)
    response = client.post(url("course_create"), form_data([{**THREE[0], **row}, *THREE[1:]]))
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"certification_type": "CERT", "validity_months": ""},
            "validity_months",
            "A course that grants UNSOC needs the certificate's validity in months.",
        ),
        ({"pass_mark": "101"}, "pass_mark", None),
        ({"min_attendance_percent": "-1"}, "min_attendance_percent", None),
        (
            {
                "un_recognised": "on",
                "recognised_on": "2019-01-15",
                "recognition_valid_until": "2018-12-31",
            },
            "recognition_valid_until",
            "The recognition cannot end (2018-12-31) before it was given (2019-01-15).",
        ),
    ],
)
def test_course_errors_land_on_their_field(client, registrar, fields, field, message):
    if fields.get("certification_type") == "CERT":
        fields["certification_type"] = str(factories.CertificationTypeFactory().pk)
    client.force_login(registrar)
    response = client.post(url("course_create"), form_data(THREE, **fields))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not Course.objects.exists()


def edit_data(course, **overrides):
    components = []
    for component in course.components.order_by("order", "pk"):
        components.append(
            {
                "id": str(component.pk),
                "name": component.name,
                "weight": str(component.weight),
                "min_score": str(component.min_score),
                "max_score": str(component.max_score),
                "pass_score": "" if component.pass_score is None else str(component.pass_score),
                **({"must_pass": "on"} if component.must_pass else {}),
            }
        )
    fields = {
        "code": course.code,
        "title": course.title,
        "kind": course.kind,
        "duration_days": str(course.duration_days),
        "certification_type": str(course.certification_type_id),
        "validity_months": str(course.validity_months),
        **overrides,
    }
    return form_data(components, initial=len(components), version=course_version(course), **fields)


def test_registrar_edits_a_course(client, registrar, course):
    client.force_login(registrar)
    data = edit_data(course, title="UN Staff Officer Course (2027)")
    data["components-1-weight"] = "35"
    data["components-TOTAL_FORMS"] = "3"
    data.update({"components-2-name": "Briefing", "components-2-weight": "25"})
    data.update({"components-2-min_score": "0", "components-2-max_score": "20"})
    response = client.post(url("course_update", course.pk), data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "UN Staff Officer Course (2027)"
    assert list(course.components.order_by("order").values_list("name", "weight")) == [
        ("Written examination", D("40")),
        ("Staff exercise", D("35")),
        ("Briefing", D("25")),
    ]


def test_a_stale_course_form_is_refused_and_the_other_edit_kept(client, registrar, course):
    client.force_login(registrar)
    data = edit_data(course, title="My title")
    Course.objects.filter(pk=course.pk).update(title="Their title")  # someone saved meanwhile
    response = client.post(url("course_update", course.pk), data)
    assert response.status_code == 200
    assert "Someone else changed course UNSOC after you opened it" in response.content.decode()
    assert 'value="My title"' in response.content.decode()  # the user's input is still there
    assert response.context["course"].title == "Their title"  # the heading shows what is saved
    course.refresh_from_db()
    assert course.title == "Their title"


def test_a_component_removed_meanwhile_is_reported_as_stale(client, registrar, course):
    client.force_login(registrar)
    data = edit_data(course)
    removed = course.components.get(name="Staff exercise")
    removed.delete()
    response = client.post(url("course_update", course.pk), data)
    assert response.status_code == 200
    assert "Someone else changed course UNSOC" in response.content.decode()


def test_a_range_that_leaves_recorded_scores_outside_is_a_row_error(client, registrar, course):
    exam = course.components.get(name="Written examination")
    AssessmentResult.objects.create(
        enrolment=factories.EnrolmentFactory(cohort__course=course), component=exam, score=85
    )
    client.force_login(registrar)
    data = edit_data(course)
    data["components-0-max_score"] = "80"
    data["components-0-pass_score"] = "50"
    response = client.post(url("course_update", course.pk), data)
    assert response.status_code == 200
    row = response.context["formset"].forms[0]
    assert row.non_field_errors() == [
        "“Written examination”: the scores already recorded run from 85 to 85, so the range "
        "0 to 80 would leave 1 of them outside it. Keep a range that covers them, or correct "
        "those scores first."
    ]
    exam.refresh_from_db()
    assert exam.max_score == D("100")


def test_removing_a_scored_component_is_refused_on_the_table(client, registrar, course):
    exam = course.components.get(name="Written examination")
    AssessmentResult.objects.create(
        enrolment=factories.EnrolmentFactory(cohort__course=course), component=exam, score=85
    )
    client.force_login(registrar)
    data = edit_data(course)
    data["components-0-DELETE"] = "on"
    data["components-1-weight"] = "100"
    response = client.post(url("course_update", course.pk), data)
    assert response.status_code == 200
    assert list(response.context["formset"].non_form_errors()) == [
        "“Written examination” has 1 recorded score and cannot be removed; keep it or delete "
        "the score first."
    ]
    assert "cannot be removed" in response.content.decode()
    assert AssessmentComponent.objects.filter(pk=exam.pk).exists()


def test_administrator_role_alone_can_create(client):
    admin = factories.UserFactory(username="only-admin", roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    response = client.post(url("course_create"), form_data(THREE))
    assert response.status_code == 302
    saved = saved_course()
    assert {name: saved[name] for name in COURSE_SAVED} == COURSE_SAVED
    assert saved["components"] == THREE_SAVED
