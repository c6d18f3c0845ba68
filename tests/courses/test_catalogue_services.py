"""Courses are written by course_create / course_update: every rule refused with a message
that says what and where, and a refused save changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from courses.models import AssessmentComponent, AssessmentResult, Course
from courses.selectors.catalogue import course_version
from courses.services.catalogue import (
    ComponentData,
    CourseData,
    course_create,
    course_update,
    weights_check,
)
from tests import factories

pytestmark = pytest.mark.django_db

D = Decimal


def course_data(**overrides) -> CourseData:
    values = {
        "code": "UNSOC",
        "title": "UN Staff Officer Course",
        "kind": Course.Kind.UN_RECOGNISED,
        "duration_days": 19,
        "default_capacity": 24,
        "pass_mark": D("70"),
        "min_attendance_percent": D("90"),
    }
    return CourseData(**{**values, **overrides})


def three_components(**first) -> list[ComponentData]:
    return [
        ComponentData(
            **{
                "name": "Written examination",
                "weight": D("40"),
                "pass_score": D("60"),
                "must_pass": True,
                "ref": "c-0",
                **first,
            }
        ),
        ComponentData(name="Staff exercise", weight=D("30"), ref="c-1"),
        ComponentData(name="Syndicate briefing", weight=D("30"), ref="c-2"),
    ]


def refusal(action) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value.message_dict


def test_course_create_saves_course_components_and_prerequisites(registrar):
    unmem = factories.CertificationTypeFactory(code="UNMEM", name="UN Military Expert")
    eng = factories.CertificationTypeFactory(code="ENG", name="English")
    course = course_create(
        data=course_data(
            admitted_categories=["military"],
            prerequisites=[eng],
            certification_type=unmem,
            validity_months=48,
            un_recognised=True,
            recognised_on=dt.date(2019, 1, 15),
            recognition_valid_until=dt.date(2027, 1, 14),
        ),
        components=three_components(),
        by=registrar,
    )
    course.refresh_from_db()
    assert course.admitted_categories == ["military"]
    assert list(course.prerequisites.all()) == [eng]
    assert course.certification_type == unmem
    components = list(course.components.order_by("order"))
    assert [(c.name, c.weight, c.order) for c in components] == [
        ("Written examination", D("40"), 1),
        ("Staff exercise", D("30"), 2),
        ("Syndicate briefing", D("30"), 3),
    ]
    assert components[0].must_pass
    assert components[0].pass_score == D("60")


@pytest.mark.parametrize(
    ("weights", "total"),
    [((D("40"), D("30"), D("20")), "90"), ((D("40"), D("30"), D("30.5")), "100.5")],
)
def test_weights_must_add_up_to_exactly_100_and_the_message_says_the_sum(registrar, weights, total):
    components = [
        ComponentData(name=f"Part {i}", weight=w, ref=f"c-{i}") for i, w in enumerate(weights)
    ]
    errors = refusal(lambda: course_create(data=course_data(), components=components, by=registrar))
    assert errors["components"] == [
        f"The component weights add up to {total}; they must add up to exactly 100."
    ]
    assert not Course.objects.exists()


def test_a_course_needs_at_least_one_component(registrar):
    errors = refusal(lambda: course_create(data=course_data(), components=[], by=registrar))
    assert errors["components"] == ["A course needs at least one assessment component."]


def test_weights_check_accepts_decimals_adding_to_100():
    weights_check([D("33.34"), D("33.33"), D("33.33")])


@pytest.mark.parametrize(
    ("component", "message"),
    [
        (
            {"pass_score": D("120")},
            "“Written examination”: the pass score 120 is outside the score range 0 to 100.",
        ),
        (
            {"pass_score": None, "must_pass": True},
            "“Written examination” must be passed, so it needs a pass score.",
        ),
        (
            {"min_score": D("50"), "max_score": D("50"), "pass_score": None},
            "“Written examination”: the highest score must be above the lowest.",
        ),
        ({"name": "  "}, "Every component needs a name."),
    ],
)
def test_component_rules_are_refused_on_that_component(registrar, component, message):
    errors = refusal(
        lambda: course_create(
            data=course_data(), components=three_components(**component), by=registrar
        )
    )
    assert message in errors["c-0"]


def test_two_components_cannot_share_a_name(registrar):
    components = three_components()
    components[2] = ComponentData(name="staff exercise", weight=D("30"), ref="c-2")
    errors = refusal(lambda: course_create(data=course_data(), components=components, by=registrar))
    assert errors["c-2"] == ["Two components are called “staff exercise”; give each its own name."]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"pass_mark": D("101")},
            "pass_mark",
            "The pass mark is a percentage from 0 to 100, not 101.",
        ),
        (
            {"min_attendance_percent": D("-5")},
            "min_attendance_percent",
            "The minimum attendance is a percentage from 0 to 100, not -5.",
        ),
        (
            {"validity_months": None, "certification_type": "UNSOC"},
            "validity_months",
            "A course that grants UNSOC needs the certificate's validity in months.",
        ),
        (
            {"un_recognised": True, "recognised_on": None},
            "recognised_on",
            "Say when the UN recognised the course.",
        ),
        (
            {
                "un_recognised": True,
                "recognised_on": dt.date(2019, 1, 15),
                "recognition_valid_until": dt.date(2019, 1, 14),
            },
            "recognition_valid_until",
            "The recognition cannot end (2019-01-14) before it was given (2019-01-15).",
        ),
        (
            {"recognised_on": dt.date(2019, 1, 15)},
            "un_recognised",
            "Recognition dates are given but UN-recognised is not ticked: tick it or clear the "
            "dates.",
        ),
        ({"admitted_categories": ["pirate"]}, "admitted_categories", None),
        ({"duration_days": 0}, "duration_days", "A course lasts at least one day."),
    ],
)
def test_course_rules_are_refused_on_their_field(registrar, overrides, field, message):
    if overrides.get("certification_type") == "UNSOC":
        overrides["certification_type"] = factories.CertificationTypeFactory()
    errors = refusal(
        lambda: course_create(
            data=course_data(**overrides), components=three_components(), by=registrar
        )
    )
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not Course.objects.exists()


def test_course_code_is_unique_with_a_message(registrar):
    factories.CourseFactory(code="UNSOC")
    errors = refusal(
        lambda: course_create(data=course_data(), components=three_components(), by=registrar)
    )
    assert errors["code"] == ["The code UNSOC is already used by another course."]


def _existing_course():
    course = factories.CourseFactory(code="POC", title="Protection of Civilians")
    exam = factories.AssessmentComponentFactory(
        course=course, name="Exam", weight=D("60"), max_score=D("20"), order=1
    )
    exercise = factories.AssessmentComponentFactory(
        course=course, name="Exercise", weight=D("40"), order=2
    )
    return course, exam, exercise


def _as_data(course: Course) -> CourseData:
    return course_data(
        code=course.code,
        title=course.title,
        kind=course.kind,
        duration_days=course.duration_days,
        certification_type=course.certification_type,
        validity_months=course.validity_months,
    )


def test_course_update_updates_adds_and_removes_components(registrar):
    course, exam, exercise = _existing_course()
    version = course_version(course)
    course_update(
        course=course,
        data=_as_data(course),
        components=[
            ComponentData(pk=exercise.pk, name="Field exercise", weight=D("50"), ref="c-0"),
            ComponentData(name="Briefing", weight=D("50"), ref="c-1"),
        ],
        version=version,
        by=registrar,
    )
    rows = list(course.components.order_by("order").values_list("pk", "name", "weight", "order"))
    assert rows[0] == (exercise.pk, "Field exercise", D("50"), 1)
    assert rows[1][1:] == ("Briefing", D("50"), 2)
    assert not AssessmentComponent.objects.filter(pk=exam.pk).exists()


def test_components_may_swap_names(registrar):
    course, exam, exercise = _existing_course()
    course_update(
        course=course,
        data=_as_data(course),
        components=[
            ComponentData(pk=exam.pk, name="Exercise", weight=D("60"), max_score=D("20")),
            ComponentData(pk=exercise.pk, name="Exam", weight=D("40")),
        ],
        version=course_version(course),
        by=registrar,
    )
    exam.refresh_from_db()
    exercise.refresh_from_db()
    assert (exam.name, exercise.name) == ("Exercise", "Exam")


def test_stale_update_is_refused_and_keeps_the_other_edit(registrar):
    course, exam, exercise = _existing_course()
    seen = course_version(course)
    AssessmentComponent.objects.filter(pk=exam.pk).update(name="Final exam")  # someone else
    errors = refusal(
        lambda: course_update(
            course=course,
            data=_as_data(course),
            components=[
                ComponentData(pk=exam.pk, name="Exam", weight=D("60"), max_score=D("20")),
                ComponentData(pk=exercise.pk, name="Exercise", weight=D("40")),
            ],
            version=seen,
            by=registrar,
        )
    )
    assert "Someone else changed course POC after you opened it" in errors[NON_FIELD_ERRORS][0]
    exam.refresh_from_db()
    assert exam.name == "Final exam"


def test_version_changes_with_course_values_prerequisites_and_components():
    course, exam, _exercise = _existing_course()
    versions = {course_version(course)}
    Course.objects.filter(pk=course.pk).update(pass_mark=D("75"))
    versions.add(course_version(course))
    course.prerequisites.add(factories.CertificationTypeFactory(code="ENG"))
    versions.add(course_version(course))
    AssessmentComponent.objects.filter(pk=exam.pk).update(pass_score=D("10"))
    versions.add(course_version(course))
    assert len(versions) == 4
    assert course_version(course) == course_version(course)


def _recorded_score(component, score):
    enrolment = factories.EnrolmentFactory(cohort__course=component.course)
    return AssessmentResult.objects.create(enrolment=enrolment, component=component, score=score)


def test_narrowing_a_range_below_recorded_scores_is_refused_by_the_database(registrar):
    """The service does not look first: the database trigger refuses, and the refusal comes
    back as a message on that component, with nothing saved."""
    course, exam, exercise = _existing_course()
    _recorded_score(exam, D("18"))
    _recorded_score(exam, D("4"))
    errors = refusal(
        lambda: course_update(
            course=course,
            data=_as_data(course),
            components=[
                ComponentData(
                    pk=exam.pk,
                    name="Exam",
                    weight=D("60"),
                    min_score=D("5"),
                    max_score=D("15"),
                    ref="components-0",
                ),
                ComponentData(pk=exercise.pk, name="Exercise renamed", weight=D("40")),
            ],
            version=course_version(course),
            by=registrar,
        )
    )
    assert errors["components-0"] == [
        "“Exam”: the scores already recorded run from 4 to 18, so the range 5 to 15 would "
        "leave 2 of them outside it. Keep a range that covers them, or correct those scores "
        "first."
    ]
    exam.refresh_from_db()
    exercise.refresh_from_db()
    assert (exam.min_score, exam.max_score, exercise.name) == (D("0"), D("20"), "Exercise")


def test_widening_a_range_around_recorded_scores_is_accepted(registrar):
    course, exam, exercise = _existing_course()
    _recorded_score(exam, D("18"))
    course_update(
        course=course,
        data=_as_data(course),
        components=[
            ComponentData(pk=exam.pk, name="Exam", weight=D("60"), max_score=D("40")),
            ComponentData(pk=exercise.pk, name="Exercise", weight=D("40")),
        ],
        version=course_version(course),
        by=registrar,
    )
    exam.refresh_from_db()
    assert exam.max_score == D("40")


def test_a_component_with_recorded_scores_cannot_be_removed(registrar):
    course, exam, exercise = _existing_course()
    _recorded_score(exam, D("12"))
    errors = refusal(
        lambda: course_update(
            course=course,
            data=_as_data(course),
            components=[ComponentData(pk=exercise.pk, name="Exercise", weight=D("100"))],
            version=course_version(course),
            by=registrar,
        )
    )
    assert errors["components"] == [
        "“Exam” has 1 recorded score and cannot be removed; keep it or delete the score first."
    ]
    assert AssessmentComponent.objects.filter(pk=exam.pk).exists()


def test_a_component_of_another_course_cannot_be_edited_through_this_one(registrar):
    course, exam, _exercise = _existing_course()
    foreign = factories.AssessmentComponentFactory(weight=D("40"))
    errors = refusal(
        lambda: course_update(
            course=course,
            data=_as_data(course),
            components=[
                ComponentData(pk=exam.pk, name="Exam", weight=D("60"), max_score=D("20")),
                ComponentData(pk=foreign.pk, name="Stolen", weight=D("40")),
            ],
            version=course_version(course),
            by=registrar,
        )
    )
    assert "no longer belongs to course POC" in errors["components"][0]
    foreign.refresh_from_db()
    assert foreign.name != "Stolen"
