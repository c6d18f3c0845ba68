"""The register's read (courses.selectors.attendance.attendance_register): marks by course
day, days present and marked, the day offered for marking, and its fixed query count."""

import datetime as dt

import pytest

from courses.grading import course_days
from courses.selectors.attendance import attendance_register
from tests.courses.gradebook_support import (
    add_trainees,
    enrolments,
    mark,
    running_cohort,
    weekend_day,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return running_cohort(trainees=2)


def test_marks_by_course_day_with_present_and_marked_counts(cohort):
    a, b = enrolments(cohort)
    days = course_days(cohort.starts_on, cohort.ends_on)
    mark(a, days[0], "present")
    mark(a, days[1], "excused")
    mark(b, days[1], "absent")

    register = attendance_register(cohort=cohort)

    assert register.days == days
    first, second = register.rows
    assert first.enrolment == a
    assert first.marks[:3] == ["present", "excused", ""]
    assert (first.present, first.marked) == (1, 2)
    assert (second.present, second.marked) == (0, 1)
    assert register.marks_on(days[1]) == {a.pk: "excused", b.pk: "absent"}
    assert register.marks_on(weekend_day(cohort)) == {a.pk: "", b.pk: ""}
    assert register.unmarked_days() == [days[0], *days[2:]]


def test_the_day_offered_for_marking(cohort):
    a, b = enrolments(cohort)
    days = course_days(cohort.starts_on, cohort.ends_on)
    register = attendance_register(cohort=cohort)

    # Today, when it is a course day.
    assert register.default_day(today=days[5]) == days[5]
    # Before the first course day: nothing to mark yet.
    assert register.default_day(today=cohort.starts_on - dt.timedelta(days=1)) is None

    # A weekend: the first course day before it still missing a mark...
    for day in days[:3]:
        mark(a, day, "present")
        mark(b, day, "present")
    mark(a, days[3], "present")  # b is missing on the fourth day
    saturday = next(d for d in calendar(cohort) if d.weekday() == 5 and d > days[4])
    register = attendance_register(cohort=cohort)
    assert register.default_day(today=saturday) == days[3]

    # ...or, with every day before it marked, the last course day before it.
    mark(b, days[3], "absent")
    for day in [d for d in days if days[3] < d < saturday]:
        mark(a, day, "present")
        mark(b, day, "present")
    register = attendance_register(cohort=cohort)
    assert register.default_day(today=saturday) == max(d for d in days if d < saturday)


def test_four_queries_however_many_trainees(cohort, django_assert_num_queries):
    with django_assert_num_queries(4):
        attendance_register(cohort=cohort)
    add_trainees(cohort, 28)
    first_day = course_days(cohort.starts_on, cohort.ends_on)[0]
    for enrolment in enrolments(cohort):
        mark(enrolment, first_day, "present")
    with django_assert_num_queries(4):
        register = attendance_register(cohort=cohort)
    assert len(register.rows) == 30


def calendar(cohort):
    """Every date of the cohort, weekends included."""
    return [cohort.starts_on + dt.timedelta(days=n) for n in range(cohort.days)]
