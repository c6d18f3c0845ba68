"""attendance_record: one course day's marks, written set-based, only the cells the user
changed, and never over a change someone else saved after the page was loaded."""

import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Attendance, Cohort, Enrolment
from courses.services.attendance import attendance_record
from courses.services.records import StaleCells
from tests import factories
from tests.courses.gradebook_support import (
    add_trainees,
    days_so_far,
    enrolments,
    future_course_day,
    make_instructor,
    mark,
    running_cohort,
    stored_marks,
    weekend_day,
)

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, EXCUSED = "present", "absent", "excused"


@pytest.fixture
def cohort(teacher, colleague):
    return running_cohort(trainees=3, instructors=[teacher, colleague])


@pytest.fixture
def day(cohort):
    return days_so_far(cohort)[0]


def messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


# Writing


def test_marks_are_saved_with_who_recorded_them(cohort, day, teacher):
    a, b, c = enrolments(cohort)

    written = attendance_record(
        cohort=cohort,
        day=day,
        marks={a.pk: PRESENT, b.pk: ABSENT, c.pk: EXCUSED},
        seen={},
        by=teacher,
    )

    assert written == 3
    assert stored_marks(cohort, day) == {a.pk: PRESENT, b.pk: ABSENT, c.pk: EXCUSED}
    assert set(Attendance.objects.values_list("recorded_by", flat=True)) == {teacher.pk}


def test_a_changed_mark_is_updated_and_stamped(cohort, day, teacher, colleague):
    a, b, _c = enrolments(cohort)
    old = mark(a, day, ABSENT, by=colleague)
    mark(b, day, PRESENT, by=colleague)

    written = attendance_record(
        cohort=cohort,
        day=day,
        marks={a.pk: EXCUSED, b.pk: PRESENT},
        seen={a.pk: ABSENT, b.pk: PRESENT},
        by=teacher,
    )

    assert written == 1
    a_mark = Attendance.objects.get(enrolment=a, day=day)
    assert (a_mark.pk, a_mark.status, a_mark.recorded_by) == (old.pk, EXCUSED, teacher)
    assert a_mark.recorded_at > old.recorded_at
    # b was shown and left as it was: not written, still the colleague's
    assert Attendance.objects.get(enrolment=b, day=day).recorded_by == colleague


def test_nothing_changed_writes_nothing(cohort, day, teacher, colleague):
    a, *_ = enrolments(cohort)
    mark(a, day, PRESENT, by=colleague)

    with CaptureQueriesContext(connection) as queries:
        written = attendance_record(
            cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={a.pk: PRESENT}, by=teacher
        )

    assert written == 0
    assert not [q for q in queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    assert Attendance.objects.get(enrolment=a, day=day).recorded_by == colleague


def test_a_mark_set_back_to_none_is_removed(cohort, day, teacher):
    a, *_ = enrolments(cohort)
    mark(a, day, ABSENT)

    written = attendance_record(
        cohort=cohort, day=day, marks={a.pk: ""}, seen={a.pk: ABSENT}, by=teacher
    )

    assert written == 1
    assert stored_marks(cohort, day) == {}


# Two people marking the same day


def test_a_mark_changed_by_someone_else_is_never_overwritten(cohort, day, teacher, colleague):
    a, b, _c = enrolments(cohort)
    # Both opened the page with nothing marked; the colleague saved first.
    attendance_record(cohort=cohort, day=day, marks={a.pk: ABSENT}, seen={}, by=colleague)

    with pytest.raises(StaleCells) as caught:
        attendance_record(
            cohort=cohort, day=day, marks={a.pk: PRESENT, b.pk: PRESENT}, seen={}, by=teacher
        )

    assert caught.value.error_dict[NON_FIELD_ERRORS][0].code == "stale"
    assert "Nothing was saved" in messages_of(caught.value)
    (conflict,) = caught.value.conflicts
    assert conflict.enrolment == a
    assert (conflict.seen, conflict.current, conflict.yours) == (None, ABSENT, PRESENT)
    assert conflict.changed_by == colleague
    assert conflict.changed_at is not None
    assert (conflict.current_label, conflict.yours_label) == ("absent", "present")
    # Nothing of the stale save landed: b stays unmarked, a keeps the colleague's mark.
    assert stored_marks(cohort, day) == {a.pk: ABSENT}


def test_someone_elses_change_to_a_cell_i_left_alone_is_kept(cohort, day, teacher, colleague):
    a, b, _c = enrolments(cohort)
    mark(a, day, PRESENT, by=teacher)
    # The page showed a present; the colleague then marked a absent.
    attendance_record(
        cohort=cohort, day=day, marks={a.pk: ABSENT}, seen={a.pk: PRESENT}, by=colleague
    )

    written = attendance_record(
        cohort=cohort,
        day=day,
        marks={a.pk: PRESENT, b.pk: EXCUSED},  # a as the page showed it
        seen={a.pk: PRESENT},
        by=teacher,
    )

    assert written == 1
    assert stored_marks(cohort, day) == {a.pk: ABSENT, b.pk: EXCUSED}


def test_the_same_mark_saved_meanwhile_is_no_conflict(cohort, day, teacher, colleague):
    a, *_ = enrolments(cohort)
    attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=colleague)

    written = attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=teacher)

    assert written == 0
    assert Attendance.objects.get(enrolment=a, day=day).recorded_by == colleague


# Refusals


def test_a_day_that_is_not_a_course_day_is_refused(cohort, teacher):
    a, *_ = enrolments(cohort)
    saturday = weekend_day(cohort)

    with pytest.raises(ValidationError) as caught:
        attendance_record(cohort=cohort, day=saturday, marks={a.pk: PRESENT}, seen={}, by=teacher)

    assert f"{saturday.isoformat()} is not a course day of cohort {cohort.code}" in messages_of(
        caught.value
    )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("offset", [-1, +1])
def test_days_outside_the_cohort_are_refused(cohort, teacher, offset):
    a, *_ = enrolments(cohort)
    day = (cohort.starts_on if offset < 0 else cohort.ends_on) + dt.timedelta(days=offset)

    with pytest.raises(ValidationError, match="is not a course day"):
        attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=teacher)


def test_a_day_after_today_is_refused(cohort, teacher):
    a, *_ = enrolments(cohort)
    later = future_course_day(cohort)

    with pytest.raises(ValidationError) as caught:
        attendance_record(cohort=cohort, day=later, marks={a.pk: PRESENT}, seen={}, by=teacher)

    assert f"{later.isoformat()} is after today" in messages_of(caught.value)
    assert not Attendance.objects.exists()


def test_a_finalised_cohort_is_read_only(cohort, day, teacher):
    a, *_ = enrolments(cohort)
    Cohort.objects.filter(pk=cohort.pk).update(
        status=Cohort.Status.FINALISED, finalised_at=timezone.now()
    )

    with pytest.raises(ValidationError) as caught:
        attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=teacher)

    text = messages_of(caught.value)
    assert f"was finalised on {timezone.localdate().isoformat()}" in text
    assert "a registrar can reopen it" in text
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("status", [Cohort.Status.OPEN, Cohort.Status.PLANNED])
def test_a_cohort_not_yet_in_progress_is_refused(cohort, day, teacher, status):
    a, *_ = enrolments(cohort)
    Cohort.objects.filter(pk=cohort.pk).update(status=status)

    with pytest.raises(ValidationError, match="only while the course is in progress"):
        attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=teacher)


def test_registrars_read_but_do_not_mark(cohort, day, registrar):
    a, *_ = enrolments(cohort)

    with pytest.raises(ValidationError, match="but not change it"):
        attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=registrar)
    assert not Attendance.objects.exists()


def test_an_instructor_of_another_cohort_cannot_mark(cohort, day):
    stranger = make_instructor("stranger")
    running_cohort(trainees=1, instructors=[stranger])
    a, *_ = enrolments(cohort)

    with pytest.raises(ValidationError, match="but not change it"):
        attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=stranger)


def test_administrators_may_mark(cohort, day, administrator):
    a, *_ = enrolments(cohort)

    assert (
        attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=administrator)
        == 1
    )


def test_an_unknown_mark_is_refused(cohort, day, teacher):
    a, *_ = enrolments(cohort)

    with pytest.raises(ValidationError) as caught:
        attendance_record(cohort=cohort, day=day, marks={a.pk: "late"}, seen={}, by=teacher)

    assert messages_of(caught.value) == (
        f"{a.person}: unknown attendance mark “late”, use present, absent or excused."
    )


def test_people_who_hold_no_seat_in_the_cohort_are_refused(cohort, day, teacher):
    a, b, _c = enrolments(cohort)
    Enrolment.objects.filter(pk=b.pk).update(status=Enrolment.Status.WITHDRAWN)
    elsewhere = factories.EnrolmentFactory()

    with pytest.raises(ValidationError) as caught:
        attendance_record(
            cohort=cohort,
            day=day,
            marks={a.pk: PRESENT, b.pk: PRESENT, elsewhere.pk: PRESENT},
            seen={},
            by=teacher,
        )

    assert (
        f"Enrolments {min(b.pk, elsewhere.pk)}, {max(b.pk, elsewhere.pk)} are not"
        in messages_of(caught.value)
    )
    assert not Attendance.objects.exists()


# Set-based


def _mark_all(cohort, day, user, status) -> dict:
    """The arguments that give everyone `status` on `day`, over what is stored now, as by a
    fresh request's user (no permission cache)."""
    return {
        "cohort": cohort,
        "day": day,
        "marks": {e.pk: status for e in enrolments(cohort)},
        "seen": stored_marks(cohort, day),
        "by": type(user).objects.get(pk=user.pk),
    }


def test_queries_do_not_grow_with_trainees(cohort, teacher, django_assert_num_queries):
    first, second = days_so_far(cohort)[:2]
    create = _mark_all(cohort, first, teacher, PRESENT)
    with CaptureQueriesContext(connection) as create_few:
        assert attendance_record(**create) == 3
    update = _mark_all(cohort, first, teacher, ABSENT)
    with CaptureQueriesContext(connection) as update_few:
        assert attendance_record(**update) == 3

    add_trainees(cohort, 27)
    create = _mark_all(cohort, second, teacher, PRESENT)
    with django_assert_num_queries(len(create_few.captured_queries)):
        assert attendance_record(**create) == 30
    update = _mark_all(cohort, second, teacher, ABSENT)
    with django_assert_num_queries(len(update_few.captured_queries)):
        assert attendance_record(**update) == 30
    assert stored_marks(cohort, second) == {e.pk: ABSENT for e in enrolments(cohort)}
    # permissions 2, roles 1, scope 1, lock 1, trainees 1, the day's marks 1, one write,
    # savepoint and release
    assert len(create_few.captured_queries) <= 10


def test_teaching_a_cohort_without_the_instructor_role_grants_nothing(cohort, day):
    user = factories.UserFactory(username="nobody")
    cohort.instructors.add(user)
    a, *_ = enrolments(cohort)

    with pytest.raises(ValidationError, match="but not change it"):
        attendance_record(cohort=cohort, day=day, marks={a.pk: PRESENT}, seen={}, by=user)
