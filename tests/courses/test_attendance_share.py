"""The attendance share is of the course days held so far, with the days still to come said
apart; the outcome is still decided on every course day. The register, the gradebook and a
trainee's results show the figure of courses/grading.py that finalisation decides on."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.grading import course_days, days_held, standing_of
from courses.models import Cohort, Enrolment
from courses.selectors.standings import cohort_standings
from courses.services.finalisation import cohort_finalise
from tests.courses import finalisation_support as fin
from tests.courses.gradebook_support import (
    days_so_far,
    enrolments,
    mark,
    running_cohort,
)

pytestmark = pytest.mark.django_db

D = Decimal


def html(response) -> str:
    return response.content.decode()


# -- the rule on plain data -----------------------------------------------------------------


def test_days_held_count_today_and_stop_at_the_last_day():
    days = course_days(dt.date(2026, 3, 2), dt.date(2026, 3, 13))  # two weeks, ten days
    assert days_held(days, today=dt.date(2026, 3, 1)) == 0
    assert days_held(days, today=dt.date(2026, 3, 4)) == 3  # Mon, Tue and today
    assert days_held(days, today=dt.date(2026, 3, 8)) == 5  # a Sunday: the week held
    assert days_held(days, today=dt.date(2026, 4, 1)) == 10


def _course():
    return fin.make_course(min_attendance="90", components=[{"name": "Exam"}])


def test_present_every_day_so_far_reads_full_and_says_the_days_left():
    standing = standing_of(
        course=_course(),
        components=[],
        scores={},
        present_days=5,
        marked_days=5,
        course_day_count=10,
        held_day_count=5,
    )
    assert standing.attendance == D("100.00")  # not 50: five days are still to come
    assert (standing.present_days, standing.held_days, standing.days_left) == (5, 5, 5)
    assert standing.passed is None  # undecided until every course day is marked
    assert "5 course days still to come." in standing.reasons
    assert not any("not marked" in reason for reason in standing.reasons)


def test_a_held_day_not_marked_counts_against_and_is_named():
    standing = standing_of(
        course=_course(),
        components=[],
        scores={},
        present_days=4,
        marked_days=4,
        course_day_count=10,
        held_day_count=5,
    )
    assert standing.attendance == D("80.00")
    assert "Attendance not marked for 1 course day." in standing.reasons
    assert "5 course days still to come." in standing.reasons


def test_the_outcome_is_decided_on_every_course_day():
    # Every day marked: the share (and the pass rule) is over all ten, whatever "held" says.
    course = _course()
    (exam,) = course.components.all()
    standing = standing_of(
        course=course,
        components=[exam],
        scores={exam.pk: D("90")},
        present_days=8,
        marked_days=10,
        course_day_count=10,
        held_day_count=8,
    )
    assert standing.attendance == D("80.00")
    assert standing.held_days == 10
    assert standing.passed is False
    assert "Attendance 80.00% is below the minimum 90.00%." in standing.reasons


# -- a cohort in progress, with days to come ------------------------------------------------


@pytest.fixture
def cohort(teacher):
    """In progress: about three weeks held, two to come; one trainee present every day so
    far, one absent on the first day, one never marked."""
    cohort = running_cohort(trainees=3, instructors=[teacher], started_days_ago=20)
    steady, once_absent, _unmarked = enrolments(cohort)
    for index, day in enumerate(days_so_far(cohort)):
        mark(steady, day, "present")
        mark(once_absent, day, "absent" if index == 0 else "present")
    return cohort


def test_cohort_standings_count_the_days_held_by_today(cohort):
    held = len(days_so_far(cohort))
    left = len(course_days(cohort.starts_on, cohort.ends_on)) - held
    assert left > 0
    standings = cohort_standings(cohort=cohort)
    assert (standings.held, standings.days_left) == (held, left)
    steady, once_absent, unmarked = (t.standing for t in standings.trainees)
    assert steady.attendance == D("100.00")
    assert once_absent.attendance == (D(100) * (held - 1) / held).quantize(D("0.01"))
    assert unmarked.attendance == D("0.00")
    assert steady.days_left == left


def test_cohort_standings_on_another_day(cohort):
    days = course_days(cohort.starts_on, cohort.ends_on)
    # On the first day: one day held. After the last: all of them, as finalisation sees it.
    assert cohort_standings(cohort=cohort, today=days[0]).held == 1
    after = cohort_standings(cohort=cohort, today=days[-1] + dt.timedelta(days=3))
    assert (after.held, after.days_left) == (len(days), 0)
    steady = after.trainees[0].standing
    assert steady.attendance == (D(100) * len(days_so_far(cohort)) / len(days)).quantize(D("0.01"))


def test_a_finalised_cohort_counts_every_course_day(cohort):
    Cohort.objects.filter(pk=cohort.pk).update(
        status=Cohort.Status.FINALISED, finalised_at=timezone.now()
    )
    cohort.refresh_from_db()
    standings = cohort_standings(cohort=cohort)
    assert standings.held == len(standings.days)
    assert standings.days_left == 0


def test_the_register_shows_the_share_of_days_held_and_the_days_left(client, teacher, cohort):
    held = len(days_so_far(cohort))
    left = len(course_days(cohort.starts_on, cohort.ends_on)) - held
    client.force_login(teacher)

    page = html(client.get(reverse("courses:attendance", args=[cohort.pk])))

    assert 'data-testid="share">100%<' in page
    assert 'data-testid="share">0%<' in page  # held days not marked are not presence
    assert f"{held} held, {left} days left" in page
    assert f"of {held} days held" in page


def test_the_gradebook_shows_the_same_share_and_the_days_left(client, teacher, cohort):
    held = len(days_so_far(cohort))
    left = len(course_days(cohort.starts_on, cohort.ends_on)) - held
    client.force_login(teacher)

    page = html(client.get(reverse("courses:gradebook", args=[cohort.pk])))

    assert 'data-testid="attendance-share">100%<' in page
    assert f"of {held} days held, {left} days left" in page
    assert f"{held} of {held} days" in page
    assert f"{left} course days still to come." in page


def test_finalising_decides_on_every_course_day_as_the_gradebook_showed_it(teacher):
    # A cohort that ended last week: four days of five present, against 90%.
    course = fin.make_course(min_attendance="90", components=[{"name": "Exam"}])
    cohort = fin.make_running_cohort(course=course, trainees=1, instructors=[teacher])
    (enrolment,) = fin.seated(cohort)
    fin.score(enrolment, ["95"])
    fin.attend(enrolment, ["present", "present", "present", "present", "absent"])
    shown = cohort_standings(cohort=cohort).trainees[0].standing
    assert (shown.attendance, shown.held_days, shown.days_left) == (D("80.00"), 5, 0)

    cohort_finalise(cohort=cohort, by=teacher, seen_status=Cohort.Status.IN_PROGRESS)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.FAILED
    assert enrolment.attendance_percent == shown.attendance
    assert "Attendance 80.00% is below the minimum 90.00%." in enrolment.status_reason


def test_a_trainees_results_show_the_days_held_and_to_come(client, teacher, cohort):
    steady = enrolments(cohort)[0]
    held = len(days_so_far(cohort))
    total = len(course_days(cohort.starts_on, cohort.ends_on))
    client.force_login(teacher)

    page = html(client.get(reverse("courses:enrolment_results", args=[steady.pk])))

    assert 'data-testid="attendance-share">100%<' in page
    assert (
        f"present {held} of {held} course days held ({held} marked); "
        f"{total - held} of {total} still to come"
    ) in page


def test_before_the_first_day_nothing_is_held(teacher):
    today = timezone.localdate()
    cohort = running_cohort(trainees=1, instructors=[teacher], started_days_ago=-7)
    assert cohort.starts_on > today
    standings = cohort_standings(cohort=cohort)
    assert standings.held == 0
    assert standings.trainees[0].standing.attendance == D("0")
    assert standings.days_left == len(standings.days)
