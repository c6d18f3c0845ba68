"""The attendance register page: who may open and mark it, the grid and each trainee's share,
marking one day (bulk actions included), refused days, the finalised lock, a stale save, and
query counts that do not grow with the trainees."""

import json

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.grading import attendance_percent, course_days
from courses.models import Attendance, Cohort
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
    return running_cohort(trainees=3, instructors=[teacher, colleague], code="UNSOC-2026-05")


def url(cohort, day=None):
    base = reverse("courses:attendance", args=[cohort.pk])
    return f"{base}?day={day.isoformat()}" if day else base


def day_post(form_or_marks, *, seen=None, **extra):
    """POST data for one day: marks by enrolment id, and `seen` (the page's snapshot)."""
    data = {f"m-{pk}": value for pk, value in form_or_marks.items()}
    data["seen"] = json.dumps({str(pk): v for pk, v in (seen or {}).items() if v})
    data.update(extra)
    return data


def html(response) -> str:
    return response.content.decode()


# Who may open it


def test_anonymous_users_are_sent_to_sign_in(client, cohort):
    response = client.get(url(cohort))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.post(url(cohort, days_so_far(cohort)[0]), {}).status_code == 302
    assert not Attendance.objects.exists()


def test_commanders_are_refused(client, commander, cohort):
    client.force_login(commander)
    assert client.get(url(cohort)).status_code == 403
    a, *_ = enrolments(cohort)
    day = days_so_far(cohort)[0]
    assert client.post(url(cohort, day), day_post({a.pk: PRESENT})).status_code == 403
    assert not Attendance.objects.exists()


def test_an_instructor_of_another_cohort_gets_not_found(client, cohort):
    stranger = make_instructor("stranger")
    running_cohort(trainees=1, instructors=[stranger])
    client.force_login(stranger)
    a, *_ = enrolments(cohort)
    day = days_so_far(cohort)[0]

    assert client.get(url(cohort)).status_code == 404
    assert client.post(url(cohort, day), day_post({a.pk: PRESENT})).status_code == 404
    assert not Attendance.objects.exists()


def test_registrars_read_the_register_but_cannot_mark(client, registrar, cohort):
    a, *_ = enrolments(cohort)
    day = days_so_far(cohort)[0]
    mark(a, day, ABSENT)
    client.force_login(registrar)

    response = client.get(url(cohort))

    assert response.status_code == 200
    assert response.context["form"] is None
    assert "its instructors keep it" in html(response)
    assert 'name="m-' not in html(response)
    assert client.post(url(cohort, day), day_post({a.pk: PRESENT})).status_code == 403
    assert stored_marks(cohort, day) == {a.pk: ABSENT}


@pytest.mark.parametrize("who", ["teacher", "administrator"])
def test_the_cohorts_instructors_and_administrators_mark(client, cohort, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url(cohort))

    assert response.status_code == 200
    assert response.context["form"] is not None
    assert html(response).count('type="radio"') == 3 * 3


# The grid


def test_the_grid_shows_each_mark_and_each_trainees_share(client, teacher, cohort):
    a, b, c = enrolments(cohort)
    days = course_days(cohort.starts_on, cohort.ends_on)
    first, second = days[:2]
    mark(a, first, PRESENT)
    mark(a, second, PRESENT)
    mark(b, first, ABSENT)
    mark(c, first, EXCUSED)
    client.force_login(teacher)

    response = client.get(url(cohort))

    register = response.context["register"]
    assert register.days == days
    rows = {row.enrolment.pk: row for row in register.rows}
    assert rows[a.pk].marks[:3] == [PRESENT, PRESENT, ""]
    assert (rows[a.pk].present, rows[a.pk].marked) == (2, 2)
    assert (rows[b.pk].present, rows[b.pk].marked) == (0, 1)
    # The share is of the days held so far, not of the days still to come.
    held = len(days_so_far(cohort))
    share = attendance_percent(present=2, days=held)
    assert rows[a.pk].share == share
    page = html(response)
    assert f'data-testid="share">{floatformat(share, "-2")}%<' in page
    left = len(days) - held
    assert f"{held} held, {left} days left" in page
    assert page.count('data-testid="register-row"') == 3
    assert page.count('data-testid="day-head"') == len(days)
    # Each past day's column opens that day for marking; later days are not links.
    assert f"?day={first.isoformat()}#mark-day" in page
    assert f"?day={future_course_day(cohort).isoformat()}#mark-day" not in page
    # Each trainee's row opens their results.
    assert reverse("courses:enrolment_results", args=[a.pk]) in page


def test_only_seated_trainees_are_listed(client, teacher, cohort):
    waiting = factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(last_name="Waiting"),
        status="waitlisted",
        waitlist_position=1,
    )
    client.force_login(teacher)

    response = client.get(url(cohort))

    assert waiting.pk not in {row.enrolment.pk for row in response.context["register"].rows}
    assert "Waiting" not in html(response)


# Which day is marked


def test_today_is_marked_by_default_when_it_is_a_course_day(client, teacher, cohort):
    today = timezone.localdate()
    client.force_login(teacher)

    response = client.get(url(cohort))

    if today in course_days(cohort.starts_on, cohort.ends_on):
        assert response.context["day"] == today
    else:  # a weekend: the first course day still missing marks
        assert response.context["day"] == days_so_far(cohort)[0]


def test_otherwise_the_first_unmarked_course_day_is_offered(client, teacher):
    # A cohort that ended yesterday's week: today is not one of its course days.
    cohort = running_cohort(trainees=2, instructors=[teacher], started_days_ago=20, ends_in_days=-3)
    days = days_so_far(cohort)
    for enrolment in enrolments(cohort):
        mark(enrolment, days[0], PRESENT)
    mark(enrolments(cohort)[0], days[1], PRESENT)  # day 2 is marked for one trainee only
    client.force_login(teacher)

    response = client.get(url(cohort))

    assert response.context["day"] == days[1]


def test_a_weekend_day_is_refused_with_a_message(client, teacher, cohort):
    client.force_login(teacher)
    saturday = weekend_day(cohort)

    response = client.get(url(cohort, saturday))

    assert response.context["form"] is None
    assert f"{saturday.isoformat()} is not a course day of cohort UNSOC-2026-05" in html(response)


def test_a_day_after_today_is_refused_with_a_message(client, teacher, cohort):
    client.force_login(teacher)
    later = future_course_day(cohort)
    a, *_ = enrolments(cohort)

    response = client.get(url(cohort, later))
    assert response.context["form"] is None
    assert f"{later.isoformat()} is after today" in html(response)

    response = client.post(url(cohort, later), day_post({a.pk: PRESENT}), follow=True)
    assert "is after today" in html(response)
    assert "Nothing was saved" in html(response)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "20-11-2026"])
def test_a_day_that_is_not_a_date_is_refused(client, teacher, cohort, text):
    client.force_login(teacher)

    response = client.get(f"{url(cohort)}?day={text}")

    assert response.status_code == 200
    assert response.context["form"] is None
    assert f"“{text}” is not a date" in html(response)


# Marking a day


def test_saving_a_day_writes_the_marks_and_returns_to_it(client, teacher, cohort):
    a, b, c = enrolments(cohort)
    day = days_so_far(cohort)[0]
    client.force_login(teacher)

    response = client.post(url(cohort, day), day_post({a.pk: PRESENT, b.pk: ABSENT, c.pk: EXCUSED}))

    assert response.status_code == 302
    assert response.url == url(cohort, day)
    assert stored_marks(cohort, day) == {a.pk: PRESENT, b.pk: ABSENT, c.pk: EXCUSED}
    page = html(client.get(response.url))
    assert f"Attendance for {day.isoformat()} saved: 3 marks changed." in page


def test_the_day_form_shows_what_is_saved_and_carries_it_as_seen(client, teacher, cohort):
    a, b, _c = enrolments(cohort)
    day = days_so_far(cohort)[0]
    mark(a, day, ABSENT)
    client.force_login(teacher)

    response = client.get(url(cohort, day))

    page = html(response)
    assert f'name="m-{a.pk}" id="m-{a.pk}-absent" value="absent" autocomplete="off" checked' in page
    assert f'name="m-{b.pk}" id="m-{b.pk}-present" value="present" autocomplete="off">' in page
    assert json.loads(response.context["form"].seen_value()) == {str(a.pk): ABSENT}


def test_mark_everyone_present(client, teacher, cohort):
    a, b, c = enrolments(cohort)
    day = days_so_far(cohort)[0]
    mark(b, day, ABSENT)
    client.force_login(teacher)

    response = client.post(
        url(cohort, day), day_post({b.pk: ABSENT}, seen={b.pk: ABSENT}, bulk="all_present")
    )

    assert response.status_code == 302
    assert stored_marks(cohort, day) == {a.pk: PRESENT, b.pk: PRESENT, c.pk: PRESENT}


def test_mark_the_selected_trainees(client, teacher, cohort):
    a, b, c = enrolments(cohort)
    day = days_so_far(cohort)[0]
    client.force_login(teacher)

    response = client.post(
        url(cohort, day),
        {
            **day_post({a.pk: PRESENT}),
            "bulk": "selected",
            "bulk_status": EXCUSED,
            "selected": [b.pk, c.pk],
        },
    )

    assert response.status_code == 302
    assert stored_marks(cohort, day) == {a.pk: PRESENT, b.pk: EXCUSED, c.pk: EXCUSED}


def test_marking_selected_without_a_selection_says_so(client, teacher, cohort):
    a, *_ = enrolments(cohort)
    day = days_so_far(cohort)[0]
    client.force_login(teacher)

    response = client.post(
        url(cohort, day), {**day_post({a.pk: PRESENT}), "bulk": "selected", "bulk_status": ABSENT}
    )

    assert response.status_code == 200
    assert "Tick the trainees to mark first" in html(response)
    assert not Attendance.objects.exists()


def test_an_unknown_mark_names_the_trainee(client, teacher, cohort):
    a, b, _c = enrolments(cohort)
    day = days_so_far(cohort)[0]
    client.force_login(teacher)

    response = client.post(url(cohort, day), day_post({a.pk: PRESENT, b.pk: "late"}))

    assert response.status_code == 200
    assert f"{b.person}: “late” is not an attendance mark" in html(response)
    assert not Attendance.objects.exists()


def test_a_broken_seen_snapshot_saves_nothing(client, teacher, cohort):
    a, *_ = enrolments(cohort)
    day = days_so_far(cohort)[0]
    client.force_login(teacher)

    response = client.post(url(cohort, day), {f"m-{a.pk}": PRESENT, "seen": "{not json"})

    assert response.status_code == 200
    assert "could not be read back; nothing was saved" in html(response)
    assert not Attendance.objects.exists()


# Finalised and not started


def test_a_finalised_register_is_read_only_and_says_so(client, teacher, cohort):
    a, *_ = enrolments(cohort)
    day = days_so_far(cohort)[0]
    mark(a, day, PRESENT)
    Cohort.objects.filter(pk=cohort.pk).update(
        status=Cohort.Status.FINALISED, finalised_at=timezone.now()
    )
    client.force_login(teacher)

    response = client.get(url(cohort))

    page = html(response)
    assert response.context["form"] is None
    assert f"was finalised on {timezone.localdate().isoformat()}" in page
    assert "a registrar can reopen it" in page
    assert 'type="radio"' not in page
    assert f"?day={day.isoformat()}#mark-day" not in page  # days are no longer links

    response = client.post(url(cohort, day), day_post({a.pk: ABSENT}, seen={a.pk: PRESENT}))
    assert response.status_code == 200
    assert "Nothing was saved" in html(response)
    assert stored_marks(cohort, day) == {a.pk: PRESENT}


def test_a_cohort_not_started_shows_an_empty_register(client, teacher):
    cohort = running_cohort(trainees=1, instructors=[teacher], started_days_ago=-10)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.OPEN)
    client.force_login(teacher)

    response = client.get(url(cohort))

    assert response.status_code == 200
    assert response.context["form"] is None
    assert "only while the course is in progress" in html(response)


# Two people marking the same day


def test_a_stale_save_is_refused_and_shows_current_marks_keeping_mine(
    client, teacher, colleague, cohort
):
    a, b, c = enrolments(cohort)
    day = days_so_far(cohort)[0]
    client.force_login(teacher)
    opened = client.get(url(cohort, day)).context["form"].seen_value()  # nothing marked
    # Meanwhile the colleague marks a absent and c excused.
    mark(a, day, ABSENT, by=colleague)
    mark(c, day, EXCUSED, by=colleague)

    response = client.post(
        url(cohort, day),
        {f"m-{a.pk}": PRESENT, f"m-{b.pk}": PRESENT, "seen": opened},  # c left blank
    )

    assert response.status_code == 200
    page = html(response)
    assert "Someone else saved attendance" in page
    assert "Nothing was saved" in page
    assert stored_marks(cohort, day) == {a.pk: ABSENT, c.pk: EXCUSED}
    conflicts = response.context["stale"].conflicts
    assert [conflict.enrolment.pk for conflict in conflicts] == [a.pk]
    assert page.count('data-testid="conflict-row"') == 1
    assert "Marat Ospanov" in page
    form = response.context["form"]
    rows = {row.enrolment.pk: row for row, _line in response.context["rows"]}
    assert rows[a.pk].value == PRESENT  # mine, kept and highlighted
    assert rows[a.pk].conflict is not None
    assert rows[b.pk].value == PRESENT  # mine, not in conflict
    assert rows[c.pk].value == EXCUSED  # theirs: I had not touched it
    assert json.loads(form.seen_value()) == {str(a.pk): ABSENT, str(c.pk): EXCUSED}

    # Saving again, knowingly, applies my marks and keeps theirs where I changed nothing.
    data = {f"m-{pk}": row.value for pk, row in rows.items()}
    data["seen"] = form.seen_value()
    assert client.post(url(cohort, day), data).status_code == 302
    assert stored_marks(cohort, day) == {a.pk: PRESENT, b.pk: PRESENT, c.pk: EXCUSED}


# Queries


def _marks_for_all(cohort, status):
    return {e.pk: status for e in enrolments(cohort)}


def test_queries_do_not_grow_with_trainees(client, teacher, cohort, django_assert_num_queries):
    first, second = days_so_far(cohort)[:2]
    client.force_login(teacher)
    post_few = day_post(_marks_for_all(cohort, PRESENT))
    # Counted at once: the next request resets the connection's query log.
    with CaptureQueriesContext(connection) as get_few:
        client.get(url(cohort, first))
    get_count = len(get_few.captured_queries)
    with CaptureQueriesContext(connection) as saved_few:
        assert client.post(url(cohort, first), post_few).status_code == 302
    post_count = len(saved_few.captured_queries)
    # GET: session, user, roles, cohort, its instructors, permissions 2, register 4.
    assert get_count <= 11
    assert post_count <= 18

    add_trainees(cohort, 27)
    for enrolment in enrolments(cohort):
        for day in days_so_far(cohort)[2:]:
            mark(enrolment, day, PRESENT)
    with django_assert_num_queries(get_count):
        response = client.get(url(cohort, second))
    assert len(response.context["register"].rows) == 30
    post_many = day_post(_marks_for_all(cohort, ABSENT))
    with django_assert_num_queries(post_count):
        assert client.post(url(cohort, second), post_many).status_code == 302
    assert len(stored_marks(cohort, second)) == 30


def test_a_long_course_renders_every_day(client, teacher):
    """Six months of pre-deployment training: about 130 course days."""
    cohort = running_cohort(trainees=2, instructors=[teacher], started_days_ago=90, ends_in_days=90)
    client.force_login(teacher)

    response = client.get(url(cohort))

    days = course_days(cohort.starts_on, cohort.ends_on)
    assert len(days) > 120
    assert html(response).count('data-testid="day-head"') == len(days)


def test_the_week_around_today_links_to_the_previous_and_next_days(client, teacher, cohort):
    days = days_so_far(cohort)
    client.force_login(teacher)

    response = client.get(url(cohort, days[1]))

    assert response.context["previous_day"] == days[0]
    assert response.context["next_day"] == days[2]
    response = client.get(url(cohort, days[-1]))
    assert response.context["next_day"] is None  # nothing after today to mark
