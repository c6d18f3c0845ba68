"""The cohort sweeps (starting soon, results missing) and UN recognition lapsing."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta

from accounts.roles import Role
from courses.grading import course_days
from courses.models import AssessmentComponent, AssessmentResult, Attendance, Cohort, Enrolment
from notifications.models import Reminder
from notifications.selectors import cohorts_missing_results
from notifications.services import (
    sweep_cohorts_starting,
    sweep_recognition_lapsing,
    sweep_results_missing,
)
from tests import factories
from tests.notifications.support import ON, days, person, recorded

pytestmark = pytest.mark.django_db

STARTING, MISSING, RECOGNITION = "cohort_starting", "results_missing", "recognition_lapsing"


def teacher(name: str = "teacher", **kwargs):
    return factories.UserFactory(username=name, email=f"{name}@centre.kz", **kwargs)


def starting_cohort(starts_in: int, *, status=Cohort.Status.OPEN, instructors=(), code=None):
    return factories.CohortFactory(
        code=code or f"COH-S{starts_in}",
        starts_on=days(starts_in),
        ends_on=days(starts_in + 9),
        status=status,
        instructors=list(instructors),
    )


def enrol(cohort, who, status=Enrolment.Status.ENROLLED, **kwargs):
    if status == Enrolment.Status.WAITLISTED:
        kwargs.setdefault("waitlist_position", 1)
    return factories.EnrolmentFactory(cohort=cohort, person=who, status=status, **kwargs)


# --- Cohorts starting -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_in", "expected"),
    [(8, set()), (7, {"7"}), (6, {"7"}), (2, {"7"}), (1, {"1"}), (0, {"1"}), (-1, set())],
)
def test_cohort_starting_thresholds(starts_in, expected):
    cohort = starting_cohort(starts_in, instructors=[teacher()])

    sweep_cohorts_starting(on=ON)

    assert {t for _k, _o, t, _r in recorded()} == expected
    if expected:
        assert Reminder.objects.get().due_on == cohort.starts_on


def test_enrolled_trainees_with_an_email_and_instructors_are_told_once():
    instructor = teacher()
    cohort = starting_cohort(7, instructors=[instructor])
    unit = factories.UnitFactory(code="U1")
    enrol(cohort, person(unit=unit, email="Trainee@mod.kz", service_number="KZ-1"))
    enrol(cohort, person(unit=unit, email="", service_number="KZ-2"))
    enrol(
        cohort,
        person(unit=unit, email="waiting@mod.kz", service_number="KZ-3"),
        Enrolment.Status.WAITLISTED,
    )
    enrol(
        cohort,
        person(unit=unit, email="left@mod.kz", service_number="KZ-4"),
        Enrolment.Status.WITHDRAWN,
    )

    assert sweep_cohorts_starting(on=ON) == 2
    assert sweep_cohorts_starting(on=ON) == 0
    assert sweep_cohorts_starting(on=ON + dt.timedelta(days=1)) == 0  # still the 7-day one
    assert sweep_cohorts_starting(on=ON + dt.timedelta(days=6)) == 2  # tomorrow

    assert recorded() == {
        (STARTING, cohort.pk, threshold, email)
        for threshold in ("7", "1")
        for email in ("trainee@mod.kz", "teacher@centre.kz")
    }
    to_instructor = Reminder.objects.filter(recipient_email="teacher@centre.kz").first()
    assert to_instructor.recipient_user == instructor
    assert to_instructor.details["instructor"] is True


def test_cancelled_and_finalised_cohorts_are_not_announced():
    starting_cohort(3, status=Cohort.Status.CANCELLED, instructors=[teacher()], code="C1")
    sweep_cohorts_starting(on=ON)
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("trainees", [2, 12])
def test_cohorts_starting_runs_a_fixed_number_of_queries(trainees, django_assert_num_queries):
    unit = factories.UnitFactory(code="U1")
    for c in range(2):
        cohort = starting_cohort(3 + c, instructors=[teacher(f"t{c}")])
        for i in range(trainees):
            enrol(cohort, person(unit=unit, email=f"p{c}-{i}@mod.kz", service_number=f"S{c}-{i}"))
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Cohort)  # cached, as in a running worker

    # cohorts, trainees, instructors, users by e-mail, insert (returning what it inserted)
    with django_assert_num_queries(5):
        assert sweep_cohorts_starting(on=ON) == 2 * (trainees + 1)


# --- Results missing ------------------------------------------------------------------------

WEEK_START, WEEK_END = dt.date(2026, 11, 16), dt.date(2026, 11, 20)  # Monday to Friday


def ended_cohort(*, trainees: int = 2, instructors=(), code="COH-E", ends_on=WEEK_END, **kw):
    """A cohort of a two-component course that ran Monday 16 to Friday 20 November (or up to
    `ends_on`), with `trainees` seated and everything recorded: nothing missing yet."""
    course = factories.CourseFactory(code=f"K-{code}")
    components = [
        AssessmentComponent.objects.create(course=course, name=name, weight=Decimal(50), order=n)
        for n, name in enumerate(("Exam", "Exercise"))
    ]
    cohort = factories.CohortFactory(
        course=course,
        code=code,
        starts_on=WEEK_START,
        ends_on=ends_on,
        status=kw.pop("status", Cohort.Status.IN_PROGRESS),
        instructors=list(instructors),
    )
    unit = factories.UnitFactory(code=f"U-{code}")
    for i in range(trainees):
        enrolment = enrol(cohort, person(unit=unit, email="", service_number=f"{code}-{i}"))
        for component in components:
            AssessmentResult.objects.create(enrolment=enrolment, component=component, score=70)
        for day in course_days(WEEK_START, ends_on):
            Attendance.objects.create(enrolment=enrolment, day=day, status="present")
    return cohort


def test_a_complete_cohort_is_not_missing_anything():
    ended_cohort(instructors=[teacher()])
    assert cohorts_missing_results(on=ON) == []
    assert sweep_results_missing(on=ON) == 0


def test_missing_scores_and_attendance_are_found_by_the_course_rules():
    cohort = ended_cohort(trainees=3, instructors=[teacher()])
    first, second, _third = Enrolment.objects.filter(cohort=cohort).order_by("pk")
    AssessmentResult.objects.filter(enrolment=first, component__name="Exercise").delete()
    Attendance.objects.filter(enrolment__in=[first, second], day=WEEK_END).delete()
    # A mark outside the course days (Saturday) does not make up for a missing one.
    Attendance.objects.create(
        enrolment=second, day=WEEK_END + dt.timedelta(days=1), status="present"
    )

    (missing,) = cohorts_missing_results(on=ON)

    assert missing.cohort == cohort
    assert (missing.missing_scores, missing.unmarked, missing.components) == (1, 2, ["Exercise"])


def test_instructors_are_told_at_once_and_registrars_after_three_days():
    registrar = factories.UserFactory(username="reg", roles=[Role.REGISTRAR], email="Reg@centre.kz")
    factories.UserFactory(username="reg2", roles=[Role.REGISTRAR], email="")  # cannot be mailed
    factories.UserFactory(
        username="old", roles=[Role.REGISTRAR], email="old@centre.kz", is_active=False
    )
    instructor = teacher()
    cohort = ended_cohort(instructors=[instructor])
    AssessmentResult.objects.filter(enrolment__cohort=cohort).first().delete()

    assert sweep_results_missing(on=WEEK_END + dt.timedelta(days=1)) == 1
    assert sweep_results_missing(on=WEEK_END + dt.timedelta(days=2)) == 0
    assert sweep_results_missing(on=WEEK_END + dt.timedelta(days=3)) == 1  # ON
    assert sweep_results_missing(on=WEEK_END + dt.timedelta(days=4)) == 0

    assert recorded() == {
        (MISSING, cohort.pk, "instructors", "teacher@centre.kz"),
        (MISSING, cohort.pk, "registrars", "reg@centre.kz"),
    }
    assert Reminder.objects.get(threshold="registrars").recipient_user == registrar
    assert Reminder.objects.get(threshold="instructors").due_on == WEEK_END


def test_finalised_cancelled_and_running_cohorts_are_left_alone():
    for status, code, ends_on in (
        (Cohort.Status.CANCELLED, "CAN", WEEK_END),
        (Cohort.Status.IN_PROGRESS, "RUN", ON),  # ends today: not ended yet
    ):
        cohort = ended_cohort(
            code=code, instructors=[teacher(code)], status=status, ends_on=ends_on
        )
        AssessmentResult.objects.filter(enrolment__cohort=cohort).delete()

    assert sweep_results_missing(on=ON) == 0


@pytest.mark.parametrize("cohorts", [1, 4])
def test_results_missing_runs_a_fixed_number_of_queries(cohorts, django_assert_num_queries):
    factories.UserFactory(username="reg", roles=[Role.REGISTRAR])
    for c in range(cohorts):
        cohort = ended_cohort(code=f"E{c}", trainees=3, instructors=[teacher(f"t{c}")])
        Attendance.objects.filter(enrolment__cohort=cohort, day=WEEK_END).delete()
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Cohort)

    # cohorts, components, seated, results, attendance, instructors, registrars, insert
    with django_assert_num_queries(8):
        assert sweep_results_missing(on=ON) == 2 * cohorts


# --- UN recognition -------------------------------------------------------------------------


def recognised_course(until, code="UNSOC-C", **kwargs):
    return factories.CourseFactory(
        code=code,
        un_recognised=True,
        recognised_on=dt.date(2022, 1, 1),
        recognition_valid_until=until,
        **kwargs,
    )


def test_recognition_lapsing_within_six_months_goes_to_the_registrars():
    factories.UserFactory(username="reg", roles=[Role.REGISTRAR], email="reg@centre.kz")
    factories.UserFactory(username="cmd", roles=[Role.COMMANDER], email="cmd@centre.kz")
    six_months = ON + relativedelta(months=6)
    lapsing = recognised_course(six_months - dt.timedelta(days=1))
    recognised_course(six_months, code="LATER")  # exactly six months ahead: not yet
    recognised_course(ON - dt.timedelta(days=1), code="LAPSED")
    recognised_course(days(10), code="RETIRED", is_active=False)
    today = recognised_course(ON, code="TODAY")

    assert sweep_recognition_lapsing(on=ON) == 2
    assert sweep_recognition_lapsing(on=ON) == 0

    assert recorded() == {
        (RECOGNITION, lapsing.pk, "6m", "reg@centre.kz"),
        (RECOGNITION, today.pk, "6m", "reg@centre.kz"),
    }
