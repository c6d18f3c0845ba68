"""Finalising a cohort: who may, when, what it refuses, how each outcome is decided, and
what it writes (enrolment outcomes with history, certifications, the status change)."""

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from courses.models import Certification, Cohort, Enrolment
from courses.services.finalisation import cohort_finalise, finalisation_check
from tests import factories
from tests.courses.enrolment_support import waitlist
from tests.courses.finalisation_support import (
    ABSENT,
    PRESENT,
    attend,
    finalisable,
    make_course,
    make_running_cohort,
    score,
    seated,
)

pytestmark = pytest.mark.django_db


def finalise(cohort, by, **kwargs):
    return cohort_finalise(cohort=cohort, by=by, seen_status=cohort.status, **kwargs)


def refusal(excinfo) -> tuple[str, str]:
    """(code, message) of a refusal."""
    error = excinfo.value.error_dict["__all__"][0]
    return error.code, " ".join(excinfo.value.messages)


def assert_unchanged(cohort):
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.IN_PROGRESS
    assert cohort.finalised_at is None
    assert not cohort.status_changes.exists()
    assert not Enrolment.objects.filter(
        cohort=cohort, status__in=(Enrolment.Status.PASSED, Enrolment.Status.FAILED)
    ).exists()
    assert not Certification.objects.filter(cohort=cohort).exists()


# What it writes


def test_finalising_decides_outcomes_issues_certificates_and_locks_the_cohort(instructor):
    course = make_course(code="UNSOC", validity_months=48)
    cohort = make_running_cohort(course=course, trainees=3, instructors=[instructor])
    good, weak, absent = seated(cohort)
    score(good, ["90", "70"])
    attend(good)
    score(weak, ["50", "60"])  # 55.00 < 60
    attend(weak)
    score(absent, ["90", "90"])
    attend(absent, [PRESENT, PRESENT, PRESENT, ABSENT, ABSENT])  # 60% < 80%
    today = timezone.localdate()

    done = finalise(cohort, instructor)

    assert str(done) == "1 passed, 2 failed, 1 certificate issued"
    good.refresh_from_db()
    weak.refresh_from_db()
    absent.refresh_from_db()
    assert (good.status, good.final_score, good.attendance_percent, good.status_reason) == (
        Enrolment.Status.PASSED,
        Decimal("80.00"),
        Decimal("100.00"),
        "",
    )
    assert weak.status == Enrolment.Status.FAILED
    assert weak.final_score == Decimal("55.00")
    assert weak.status_reason == "Weighted total 55.00 is below the pass mark 60.00."
    assert absent.status == Enrolment.Status.FAILED
    assert absent.attendance_percent == Decimal("60.00")
    assert absent.status_reason == "Attendance 60.00% is below the minimum 80.00%."
    # Every outcome is in the enrolment's history, by the instructor.
    last = good.history.first()
    assert (last.status, last.history_user, last.history_change_reason) == (
        Enrolment.Status.PASSED,
        instructor,
        "cohort finalised",
    )
    assert last.prev_record.status == Enrolment.Status.ENROLLED

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINALISED
    assert cohort.finalised_by == instructor
    assert cohort.finalised_at is not None
    change = cohort.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Cohort.Status.IN_PROGRESS,
        Cohort.Status.FINALISED,
        instructor,
    )

    certification = Certification.objects.get()
    assert certification.person == good.person
    assert certification.number == f"UNSOC-{today.year}-0001"
    assert certification.issued_on == today
    assert certification.valid_until == today + relativedelta(months=48)
    assert (certification.course, certification.cohort) == (course, cohort)
    assert certification.certification_type == course.certification_type
    assert certification.source == Certification.Source.COHORT
    assert certification.supersedes is None
    assert len(certification.verification_code) >= 20
    assert certification.history.get().history_user == instructor


def test_each_certificate_gets_its_own_verification_code(instructor):
    cohort = finalisable(trainees=5, instructor=instructor)

    finalise(cohort, instructor)

    codes = set(Certification.objects.values_list("verification_code", flat=True))
    assert len(codes) == 5


def test_a_course_that_grants_no_certification_issues_none(instructor):
    cohort = finalisable(course=make_course(certifies=False), instructor=instructor)

    done = finalise(cohort, instructor)

    assert str(done) == "3 passed, 0 failed, 0 certificates issued"
    assert not Certification.objects.exists()


def test_finalising_on_a_given_day_issues_on_that_day(instructor):
    cohort = finalisable(trainees=1, instructor=instructor, course=make_course(code="POC"))
    day = dt.date(2027, 1, 31)

    finalise(cohort, instructor, today=day)

    certification = Certification.objects.get()
    assert certification.number == "POC-2027-0001"
    assert (certification.issued_on, certification.valid_until) == (day, dt.date(2031, 1, 31))


def test_waitlisted_and_nominated_people_are_withdrawn_and_declined_with_a_reason(instructor):
    cohort = finalisable(trainees=2, instructor=instructor, capacity=2)
    first, second = waitlist(cohort, [factories.PersonFactory(), factories.PersonFactory()])
    nominee = factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.NOMINATED)
    mail.outbox.clear()

    done = finalise(cohort, instructor)

    assert {e.pk for e in done.withdrawn} == {first.pk, second.pk}
    assert [e.pk for e in done.declined] == [nominee.pk]
    for enrolment in (first, second):
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.WITHDRAWN
        assert enrolment.waitlist_position is None
        assert enrolment.status_reason.startswith("Cohort finalised on ")
        assert enrolment.history.first().history_user == instructor
    nominee.refresh_from_db()
    assert nominee.status == Enrolment.Status.DECLINED
    assert "before the nomination was decided" in nominee.status_reason
    assert mail.outbox == []  # nobody was promoted


# Outcome boundaries (pass mark 60, two components 0-100 weighing 50 each, 5 course days)


@pytest.mark.parametrize(
    ("scores", "passed"),
    [
        (["60", "60"], True),  # exactly the pass mark
        (["60", "59.98"], False),  # 59.99: one cent below
    ],
)
def test_the_weighted_total_passes_at_the_pass_mark_and_fails_a_cent_below(
    instructor, scores, passed
):
    cohort = make_running_cohort(course=make_course(), trainees=1, instructors=[instructor])
    (enrolment,) = seated(cohort)
    score(enrolment, scores)
    attend(enrolment)

    finalise(cohort, instructor)

    enrolment.refresh_from_db()
    assert enrolment.status == (Enrolment.Status.PASSED if passed else Enrolment.Status.FAILED)
    assert enrolment.final_score == (Decimal("60.00") if passed else Decimal("59.99"))


@pytest.mark.parametrize(("exam", "passed"), [("50", True), ("49.99", False)])
def test_a_must_pass_component_passes_at_its_pass_score(instructor, exam, passed):
    course = make_course(
        components=[
            {"name": "Exam", "must_pass": True, "pass_score": Decimal("50")},
            {"name": "Exercise"},
        ]
    )
    cohort = make_running_cohort(course=course, trainees=1, instructors=[instructor])
    (enrolment,) = seated(cohort)
    score(enrolment, [exam, "100"])  # total 75 or 74.995: above the pass mark either way
    attend(enrolment)

    finalise(cohort, instructor)

    enrolment.refresh_from_db()
    assert enrolment.status == (Enrolment.Status.PASSED if passed else Enrolment.Status.FAILED)
    if not passed:
        assert enrolment.status_reason == "Exam must be passed: 49.99 is below 50.00."


@pytest.mark.parametrize(
    ("marks", "passed"),
    [
        ([PRESENT, PRESENT, PRESENT, PRESENT, ABSENT], True),  # 80.00%: the minimum
        ([PRESENT, PRESENT, PRESENT, ABSENT, ABSENT], False),  # 60.00%
        ([PRESENT, PRESENT, PRESENT, PRESENT, "excused"], True),
        ([PRESENT, PRESENT, PRESENT, "excused", "excused"], False),  # excused is not presence
    ],
)
def test_attendance_passes_at_the_minimum(instructor, marks, passed):
    cohort = make_running_cohort(course=make_course(), trainees=1, instructors=[instructor])
    (enrolment,) = seated(cohort)
    score(enrolment, ["90", "90"])
    attend(enrolment, marks)

    finalise(cohort, instructor)

    enrolment.refresh_from_db()
    assert enrolment.status == (Enrolment.Status.PASSED if passed else Enrolment.Status.FAILED)


def test_a_trainee_failing_on_several_counts_keeps_every_reason(instructor):
    course = make_course(
        components=[
            {"name": "Exam", "must_pass": True, "pass_score": Decimal("50")},
            {"name": "Exercise"},
        ]
    )
    cohort = make_running_cohort(course=course, trainees=1, instructors=[instructor])
    (enrolment,) = seated(cohort)
    score(enrolment, ["40", "40"])
    attend(enrolment, [PRESENT, ABSENT, ABSENT, ABSENT, ABSENT])

    finalise(cohort, instructor)

    enrolment.refresh_from_db()
    assert enrolment.status_reason == (
        "Weighted total 40.00 is below the pass mark 60.00. "
        "Exam must be passed: 40.00 is below 50.00. "
        "Attendance 20.00% is below the minimum 80.00%."
    )


# Refusals: nothing changes


def test_a_missing_score_is_refused_naming_the_trainee_and_the_component(instructor):
    cohort = make_running_cohort(course=make_course(), trainees=2, instructors=[instructor])
    done, missing = seated(cohort)
    score(done, ["80", "80"])
    attend(done)
    score(missing, ["80", None])
    attend(missing)

    with pytest.raises(ValidationError) as excinfo:
        finalise(cohort, instructor)

    code, message = refusal(excinfo)
    assert code == "incomplete"
    assert message == (
        f"Cohort {cohort.code} cannot be finalised yet: 1 trainee is not complete: "
        f"{missing.person.full_name} (not scored in Exercise). Complete the gradebook and the "
        "attendance register first."
    )
    assert_unchanged(cohort)


def test_an_unmarked_course_day_is_refused(instructor):
    cohort = make_running_cohort(course=make_course(), trainees=1, instructors=[instructor])
    (enrolment,) = seated(cohort)
    score(enrolment, ["80", "80"])
    attend(enrolment, [PRESENT, PRESENT, None, PRESENT, None])

    with pytest.raises(ValidationError) as excinfo:
        finalise(cohort, instructor)

    assert (
        f"{enrolment.person.full_name} (attendance not marked for 2 course days)"
        in (refusal(excinfo)[1])
    )
    assert_unchanged(cohort)


def test_the_refusal_names_the_first_three_and_counts_the_rest(instructor):
    cohort = make_running_cohort(course=make_course(), trainees=5, instructors=[instructor])

    with pytest.raises(ValidationError) as excinfo:
        finalise(cohort, instructor)

    message = refusal(excinfo)[1]
    assert "5 trainees are not complete" in message
    assert "Trainee000 " in message
    assert "Trainee002 " in message
    assert "Trainee003" not in message
    assert "and 2 more trainees." in message
    assert "(not scored in Exam, Exercise; attendance not marked for 5 course days)" in message
    assert_unchanged(cohort)


def test_a_course_without_components_is_refused(instructor):
    cohort = make_running_cohort(
        course=make_course(components=[]), trainees=1, instructors=[instructor]
    )
    attend(seated(cohort)[0])

    with pytest.raises(ValidationError) as excinfo:
        finalise(cohort, instructor)

    assert "has no assessment components" in refusal(excinfo)[1]
    assert_unchanged(cohort)


def test_a_stale_page_is_refused(instructor):
    cohort = finalisable(instructor=instructor)

    with pytest.raises(ValidationError) as excinfo:
        cohort_finalise(cohort=cohort, by=instructor, seen_status=Cohort.Status.OPEN)

    code, message = refusal(excinfo)
    assert code == "stale"
    assert message == (
        f"Cohort {cohort.code} is now in progress: someone changed it after your page was "
        "loaded, so nothing was changed."
    )
    assert_unchanged(cohort)


def test_finalising_twice_is_refused(instructor):
    cohort = finalisable(instructor=instructor)
    finalise(cohort, instructor)
    cohort.refresh_from_db()

    with pytest.raises(ValidationError) as stale:  # the page loaded before the first
        cohort_finalise(cohort=cohort, by=instructor, seen_status=Cohort.Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as again:
        finalise(cohort, instructor)

    assert refusal(stale)[0] == "stale"
    assert refusal(again)[0] == "not_in_progress"
    assert Certification.objects.count() == 3
    assert cohort.status_changes.count() == 1


@pytest.mark.parametrize("status", [Cohort.Status.OPEN, Cohort.Status.PLANNED])
def test_only_a_cohort_in_progress_is_finalised(instructor, status):
    cohort = finalisable(instructor=instructor)
    Cohort.objects.filter(pk=cohort.pk).update(status=status)
    cohort.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        finalise(cohort, instructor)

    assert refusal(excinfo)[0] == "not_in_progress"


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.COMMANDER])
def test_users_without_the_permission_cannot_finalise(role):
    user = factories.UserFactory(roles=[role])
    cohort = finalisable()

    with pytest.raises(PermissionDenied):
        finalise(cohort, user)

    assert_unchanged(cohort)


def test_an_administrator_may_finalise(administrator):
    cohort = finalisable()

    assert str(finalise(cohort, administrator)).startswith("3 passed")


# The check the confirm page shows


def test_the_check_says_what_finalising_would_do_without_writing(instructor):
    cohort = make_running_cohort(course=make_course(), trainees=3, instructors=[instructor])
    passing, failing, incomplete = seated(cohort)
    score(passing, ["80", "80"])
    attend(passing)
    score(failing, ["10", "10"])
    attend(failing)
    score(incomplete, ["80"])

    check = finalisation_check(cohort=cohort)

    assert not check.ready
    assert [t.enrolment for t in check.passing] == [passing]
    assert [t.enrolment for t in check.failing] == [failing]
    assert [t.enrolment for t in check.incomplete] == [incomplete]
    assert [row.certificate for row in check.rows] == ["issue", "", ""]
    assert check.rows[2].missing == (
        "not scored in Exercise; attendance not marked for 5 course days"
    )
    assert_unchanged(cohort)


def test_the_check_takes_six_queries_however_many_trainees(django_assert_num_queries):
    for size in (3, 30):
        cohort = finalisable(trainees=size)
        cohort = Cohort.objects.select_related("course").get(pk=cohort.pk)
        with django_assert_num_queries(6):
            check = finalisation_check(cohort=cohort)
            assert len(check.rows) == size
            assert check.ready


# Queries and time


def _finalise_counting(size: int, by) -> int:
    cohort = make_running_cohort(
        course=make_course(components=[{"name": f"Part {n}"} for n in range(6)]),
        trainees=size,
        instructors=[by],
    )
    enrolments = seated(cohort)
    for index, enrolment in enumerate(enrolments):
        failing = index % 3 == 0
        score(enrolment, ["30" if failing else "80"] * 6)
        attend(enrolment)
    waitlist(cohort, [factories.PersonFactory()])
    with CaptureQueriesContext(connection) as queries:
        done = finalise(cohort, by)
    assert len(done.passed) + len(done.failed) == size
    assert done.failed
    assert done.issued
    return len(queries)


def test_finalising_takes_the_same_number_of_queries_for_3_or_30_trainees(instructor):
    instructor.has_perm("courses.finalise_cohort")  # the permission cache, filled once
    small = _finalise_counting(3, instructor)
    large = _finalise_counting(30, instructor)

    assert small == large
    assert large <= 40
