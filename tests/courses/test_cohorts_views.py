"""The cohort list and scheduling pages: who may see and change what, the list's filters and
counts, the forms' refusals, status buttons, and a query count that does not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from courses.models import Cohort, Enrolment
from courses.selectors.cohorts import cohort_version
from tests import factories

pytestmark = pytest.mark.django_db

Status = Cohort.Status


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


@pytest.fixture
def taught(instructor, course, today):
    return factories.CohortFactory(
        course=course,
        code="UNSOC-TAUGHT",
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=48),
        instructors=[instructor],
    )


@pytest.fixture
def other(course, today):
    return factories.CohortFactory(
        course=course,
        code="UNSOC-OTHER",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=15),
        status=Status.IN_PROGRESS,
    )


def codes(response) -> list[str]:
    return [cohort.code for cohort in response.context["page"]]


# -- who may come in ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("cohort_list", ()),
        ("cohort_create", ()),
        ("cohort_suggest", ()),
        ("cohort_update", (1,)),
        ("cohort_transition", (1,)),
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, name, args):
    response = client.get(url(name, *args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_commanders_and_users_without_a_role_do_not_see_cohorts(client, commander, taught):
    for user in (commander, factories.UserFactory(username="nobody")):
        client.force_login(user)
        assert client.get(url("cohort_list")).status_code == 403


@pytest.mark.parametrize("who", ["instructor", "commander"])
def test_only_registrars_and_administrators_schedule(client, request, who, taught):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("cohort_create")).status_code == 403
    assert client.post(url("cohort_create"), {"course": taught.course_id}).status_code == 403
    assert client.get(url("cohort_update", taught.pk)).status_code == 403
    assert client.post(url("cohort_update", taught.pk), {"capacity": 1}).status_code == 403
    response = client.post(
        url("cohort_transition", taught.pk), {"to": "cancelled", "seen_status": "open"}
    )
    assert response.status_code == 403
    assert client.get(url("cohort_suggest"), {"course": taught.course_id}).status_code == 403
    taught.refresh_from_db()
    assert (taught.status, taught.capacity) == (Status.OPEN, 20)


def test_unknown_cohort_is_404(client, registrar):
    client.force_login(registrar)
    assert client.get(url("cohort_update", 999999)).status_code == 404
    assert client.post(url("cohort_transition", 999999), {}).status_code == 404


# -- the list -----------------------------------------------------------------------------


def test_registrars_see_every_cohort_instructors_only_theirs(
    client, registrar, instructor, taught, other
):
    client.force_login(registrar)
    response = client.get(url("cohort_list"))
    assert set(codes(response)) == {"UNSOC-TAUGHT", "UNSOC-OTHER"}
    assert url("cohort_update", other.pk) in response.content.decode()
    client.force_login(instructor)
    response = client.get(url("cohort_list"))
    assert codes(response) == ["UNSOC-TAUGHT"]
    html = response.content.decode()
    assert url("cohort_update", taught.pk) not in html
    assert url("cohort_transition", taught.pk) not in html
    assert "instructor" not in response.context["filters"].fields


def test_an_instructor_cannot_widen_the_list_with_filters(client, instructor, taught, other):
    someone = factories.UserFactory(username="teacher2", roles=[Role.INSTRUCTOR])
    other.instructors.add(someone)
    client.force_login(instructor)
    response = client.get(url("cohort_list"), {"instructor": someone.pk})
    assert codes(response) == ["UNSOC-TAUGHT"]


def test_filters(client, registrar, instructor, taught, other, today):
    past = factories.CohortFactory(
        code="ENG-PAST",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today - dt.timedelta(days=30),
        status=Status.FINALISED,
        finalised_at=timezone.now(),
    )
    client.force_login(registrar)

    def listed(**query):
        return codes(client.get(url("cohort_list"), query))

    assert listed(when="upcoming") == ["UNSOC-TAUGHT"]
    assert listed(when="running") == ["UNSOC-OTHER"]
    assert listed(when="past") == ["ENG-PAST"]
    assert listed(status="in_progress") == ["UNSOC-OTHER"]
    assert listed(instructor=instructor.pk) == ["UNSOC-TAUGHT"]
    assert set(listed(course=taught.course_id)) == {"UNSOC-TAUGHT", "UNSOC-OTHER"}
    assert listed(course=past.course_id, status="finalised") == ["ENG-PAST"]
    assert listed(when="upcoming", status="cancelled") == []
    # A filter value that makes no sense is ignored, not an error.
    assert len(listed(status="postponed")) == 3


def test_list_counts_seats_and_waitlist(client, registrar, taught):
    for status in ("enrolled", "enrolled", "passed", "withdrawn", "nominated"):
        factories.EnrolmentFactory(cohort=taught, status=status)
    for position in (1, 2):
        factories.EnrolmentFactory(
            cohort=taught, status=Enrolment.Status.WAITLISTED, waitlist_position=position
        )
    client.force_login(registrar)
    row = client.get(url("cohort_list")).context["page"][0]
    assert (row.seated, row.waitlisted) == (3, 2)


def _many_cohorts(n: int) -> None:
    for _ in range(n):
        cohort = factories.CohortFactory(
            instructors=[factories.UserFactory(roles=[Role.INSTRUCTOR]) for _ in range(2)]
        )
        factories.EnrolmentFactory(cohort=cohort)
        factories.EnrolmentFactory(
            cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=1
        )


@pytest.mark.parametrize("who", ["registrar", "instructor"])
def test_cohort_list_queries_do_not_grow_with_cohorts(
    client, request, who, django_assert_num_queries
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    _many_cohorts(2)
    Cohort.objects.first().instructors.add(user)
    with CaptureQueriesContext(connection) as few:
        client.get(url("cohort_list"))
    _many_cohorts(20)
    for cohort in Cohort.objects.all():
        cohort.instructors.add(user)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url("cohort_list"))
    assert response.context["page"].paginator.count == 22


# -- scheduling ---------------------------------------------------------------------------


def test_schedule_form_starts_from_the_course(client, registrar, course):
    client.force_login(registrar)
    response = client.get(url("cohort_create"), {"course": course.pk})
    form = response.context["form"]
    assert form.initial["course"] == course
    assert form.initial["capacity"] == 24
    html = response.content.decode()
    assert url("cohort_suggest") in html


@pytest.mark.parametrize("asked", ["abc", "²", "99999999999999999999", "-1"])
def test_schedule_form_says_when_the_address_names_no_course(client, registrar, course, asked):
    client.force_login(registrar)
    response = client.get(url("cohort_create"), {"course": asked})
    assert response.status_code == 200
    assert "course" not in response.context["form"].initial
    html = response.content.decode()
    assert f"The address asks for course “{asked}”, which is not an active course" in html


def test_schedule_form_ignores_an_inactive_course(client, registrar, course):
    course.is_active = False
    course.save()
    client.force_login(registrar)
    response = client.get(url("cohort_create"), {"course": course.pk})
    assert "course" not in response.context["form"].initial
    assert "which is not an active course" in response.content.decode()


def test_schedule_with_blanks_takes_the_suggested_code_end_and_capacity(
    client, registrar, course, instructor
):
    factories.CohortFactory(course=course, code="UNSOC-2027-01")
    client.force_login(registrar)
    response = client.post(
        url("cohort_create"),
        {
            "course": course.pk,
            "starts_on": "2027-03-01",
            "location": "KAZCENT, Almaty region",
            "instructors": [instructor.pk],
        },
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(code="UNSOC-2027-02")
    assert response.url == url("cohort_detail", cohort.pk)  # the new cohort's page
    assert (cohort.starts_on, cohort.ends_on) == (dt.date(2027, 3, 1), dt.date(2027, 3, 19))
    assert cohort.capacity == 24
    assert cohort.status == Status.PLANNED
    assert list(cohort.instructors.all()) == [instructor]
    assert (cohort.course, cohort.location) == (course, "KAZCENT, Almaty region")


def test_end_before_start_is_an_error_on_the_end_date(client, registrar, course):
    client.force_login(registrar)
    response = client.post(
        url("cohort_create"),
        {"course": course.pk, "starts_on": "2027-03-01", "ends_on": "2027-02-28", "capacity": 5},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == [
        "The cohort cannot end (2027-02-28) before it starts (2027-03-01)."
    ]
    assert not Cohort.objects.exists()


def test_zero_capacity_and_non_instructors_are_refused(client, registrar, course, commander):
    client.force_login(registrar)
    response = client.post(
        url("cohort_create"),
        {
            "course": course.pk,
            "starts_on": "2027-03-01",
            "capacity": "0",
            "instructors": [commander.pk],
        },
    )
    errors = response.context["form"].errors
    assert "capacity" in errors
    assert "instructors" in errors  # a commander is not among the choices
    assert not Cohort.objects.exists()


def test_a_taken_code_is_refused_on_the_code(client, registrar, course):
    factories.CohortFactory(code="UNSOC-X")
    client.force_login(registrar)
    response = client.post(
        url("cohort_create"), {"course": course.pk, "starts_on": "2027-03-01", "code": "UNSOC-X"}
    )
    assert response.context["form"].errors["code"]
    assert Cohort.objects.count() == 1


def test_suggest_answers_code_end_and_capacity(client, registrar, course):
    factories.CohortFactory(course=course, code="UNSOC-2027-04")
    client.force_login(registrar)
    response = client.get(url("cohort_suggest"), {"course": course.pk, "starts_on": "2027-06-07"})
    facts = response.json()
    assert {key: facts[key] for key in ("code", "ends_on", "capacity", "duration_days")} == {
        "code": "UNSOC-2027-05",
        "ends_on": "2027-06-25",
        "capacity": 24,
        "duration_days": 19,
    }
    assert len(facts["course_days"]) == 15  # three weeks of Monday to Friday
    assert client.get(url("cohort_suggest")).status_code == 400
    for query, field in (
        ({"course": "²"}, "course"),
        ({"course": course.pk, "starts_on": "2027-13-45"}, "starts_on"),
    ):
        refused = client.get(url("cohort_suggest"), query)
        assert refused.status_code == 400
        assert list(refused.json()["errors"]) == [field]


# -- editing ------------------------------------------------------------------------------


def edit_post(cohort, **overrides):
    data = {
        "code": cohort.code,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "capacity": str(cohort.capacity),
        "location": cohort.location,
        "instructors": [user.pk for user in cohort.instructors.all()],
        "version": cohort_version(cohort),
    }
    data.update(overrides)
    return data


def test_registrar_edits_a_cohort(client, registrar, taught, instructor, today):
    second = factories.UserFactory(username="instr2", roles=[Role.INSTRUCTOR])
    client.force_login(registrar)
    changes = {
        "code": "UNSOC-EDITED",
        "starts_on": (today + dt.timedelta(days=31)).isoformat(),
        "ends_on": (today + dt.timedelta(days=50)).isoformat(),
        "capacity": "17",
        "location": "Illisu",
        "instructors": [instructor.pk, second.pk],
    }
    response = client.post(url("cohort_update", taught.pk), edit_post(taught, **changes))
    assert response.status_code == 302
    taught.refresh_from_db()
    assert (taught.code, taught.starts_on, taught.ends_on, taught.capacity, taught.location) == (
        "UNSOC-EDITED",
        today + dt.timedelta(days=31),
        today + dt.timedelta(days=50),
        17,
        "Illisu",
    )
    assert set(taught.instructors.values_list("pk", flat=True)) == set(changes["instructors"])


def test_course_of_a_cohort_does_not_change_on_edit(client, registrar, taught):
    client.force_login(registrar)
    another = factories.CourseFactory(code="POC")
    client.post(url("cohort_update", taught.pk), edit_post(taught, course=another.pk))
    taught.refresh_from_db()
    assert taught.course.code == "UNSOC"


def test_capacity_below_the_seated_says_how_many(client, registrar, taught):
    for _ in range(3):
        factories.EnrolmentFactory(cohort=taught)
    client.force_login(registrar)
    response = client.post(url("cohort_update", taught.pk), edit_post(taught, capacity="2"))
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "3 people hold a seat in this cohort, so the capacity cannot drop below 3. "
        "Withdraw trainees first to make it smaller."
    ]
    taught.refresh_from_db()
    assert taught.capacity == 20


def test_a_stale_cohort_form_is_refused(client, registrar, taught):
    client.force_login(registrar)
    data = edit_post(taught, location="Mine")
    Cohort.objects.get(pk=taught.pk).save()  # someone saved meanwhile
    response = client.post(url("cohort_update", taught.pk), data)
    assert response.status_code == 200
    assert "Someone else changed cohort UNSOC-TAUGHT" in response.content.decode()
    assert 'value="Mine"' in response.content.decode()
    taught.refresh_from_db()
    assert taught.location == ""


def test_a_cancelled_cohort_is_not_edited(client, registrar, taught):
    Cohort.objects.filter(pk=taught.pk).update(status=Status.CANCELLED)
    client.force_login(registrar)
    response = client.get(url("cohort_update", taught.pk), follow=True)
    assert "can no longer be edited" in response.content.decode()
    response = client.post(url("cohort_update", taught.pk), edit_post(taught, location="X"))
    taught.refresh_from_db()
    assert taught.location == ""


# -- status changes -----------------------------------------------------------------------


def test_list_offers_only_the_allowed_transitions(client, registrar, taught, other):
    client.force_login(registrar)
    html = client.get(url("cohort_list")).content.decode()
    assert f'action="{url("cohort_transition", taught.pk)}"' in html  # open: buttons
    assert url("cohort_transition", other.pk) not in html  # in progress: none here


def test_a_transition_from_the_list_goes_back_to_the_list(client, registrar, taught):
    Cohort.objects.filter(pk=taught.pk).update(status=Status.PLANNED)
    client.force_login(registrar)
    back = url("cohort_list") + "?status=planned"
    response = client.post(
        url("cohort_transition", taught.pk),
        {"to": "open", "seen_status": "planned", "next": back},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == back
    assert "Cohort UNSOC-TAUGHT is now open for enrolment." in response.content.decode()
    taught.refresh_from_db()
    assert taught.status == Status.OPEN


def test_a_stale_status_button_changes_nothing_and_says_the_status(client, registrar, taught):
    client.force_login(registrar)
    response = client.post(
        url("cohort_transition", taught.pk),
        {"to": "open", "seen_status": "planned"},
        follow=True,
    )
    assert "Cohort UNSOC-TAUGHT is now open for enrolment: someone changed it" in (
        response.content.decode()
    )
    taught.refresh_from_db()
    assert taught.status == Status.OPEN


def test_finalising_from_here_points_to_the_gradebook(client, registrar, other):
    client.force_login(registrar)
    response = client.post(
        url("cohort_transition", other.pk),
        {"to": "finalised", "seen_status": "in_progress"},
        follow=True,
    )
    assert "gradebook" in response.content.decode()
    other.refresh_from_db()
    assert other.status == Status.IN_PROGRESS


def test_cancel_asks_for_a_reason(client, registrar, taught):
    enrolment = factories.EnrolmentFactory(cohort=taught)
    client.force_login(registrar)
    page = client.get(url("cohort_transition", taught.pk), {"to": "cancelled"})
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    response = client.post(
        url("cohort_transition", taught.pk), {"to": "cancelled", "seen_status": "open"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"][0].startswith("Say why cohort UNSOC-TAUGHT")
    taught.refresh_from_db()
    assert taught.status == Status.OPEN
    response = client.post(
        url("cohort_transition", taught.pk),
        {"to": "cancelled", "seen_status": "open", "reason": "Too few nominations"},
    )
    assert response.status_code == 302
    taught.refresh_from_db()
    enrolment.refresh_from_db()
    assert taught.status == Status.CANCELLED
    assert enrolment.status_reason == "Cohort cancelled: Too few nominations"


def test_transition_never_redirects_to_another_host(client, registrar, taught):
    client.force_login(registrar)
    response = client.post(
        url("cohort_transition", taught.pk),
        {"to": "planned", "seen_status": "open", "next": "https://evil.example/"},
    )
    assert response.url == url("cohort_list")
    taught.refresh_from_db()
    assert taught.status == Status.PLANNED


@pytest.mark.parametrize("back", ["abc", "cohort_list", "//evil.example/"])
def test_transition_goes_back_only_to_a_path_here(client, registrar, taught, back):
    """A return address that is not a path here (a word redirect() would take for a view
    name) goes back to the list."""
    client.force_login(registrar)
    response = client.get(url("cohort_transition", taught.pk), {"to": "cancelled", "next": back})
    assert response.status_code == 200
    assert response.context["back"] == url("cohort_list")


def test_a_transition_not_offered_is_not_shown(client, registrar, other):
    client.force_login(registrar)
    response = client.get(url("cohort_transition", other.pk), {"to": "cancelled"}, follow=True)
    assert "that status change is not offered" in response.content.decode()


# -- course days and a weekend start ----------------------------------------------------------


@pytest.fixture
def five_day_course():
    return factories.CourseFactory(code="MILOB", duration_days=5, default_capacity=12)


def test_a_weekend_start_is_warned_and_saved_only_once_confirmed(
    client, registrar, five_day_course
):
    client.force_login(registrar)
    saturday = {"course": five_day_course.pk, "starts_on": "2027-03-06", "location": "Almaty"}

    warned = client.post(url("cohort_create"), saturday)

    assert warned.status_code == 200
    assert not Cohort.objects.exists()
    html = warned.content.decode()
    assert 'data-testid="weekend-confirm"' in html
    assert "would start on a Saturday and have 3 course days" in html
    assert 'data-testid="form-error-summary"' not in html  # a warning, not an error
    assert warned.context["form"].errors == {}
    assert [day.isoformat() for day in warned.context["course_days"].days] == [
        "2027-03-08",
        "2027-03-09",
        "2027-03-10",
    ]
    assert 'name="confirm_weekend_start"' in html

    confirmed = client.post(url("cohort_create"), {**saturday, "confirm_weekend_start": "on"})

    cohort = Cohort.objects.get()
    assert confirmed.url == url("cohort_detail", cohort.pk)
    assert (cohort.starts_on, cohort.ends_on) == (dt.date(2027, 3, 6), dt.date(2027, 3, 10))


def test_a_weekday_start_saves_at_once_and_the_form_shows_its_course_days(
    client, registrar, five_day_course
):
    client.force_login(registrar)
    monday = {"course": five_day_course.pk, "starts_on": "2027-03-08", "ends_on": "2027-03-05"}
    refused = client.post(url("cohort_create"), monday)  # ends before it starts: no days
    assert refused.context["course_days"] is None
    saved = client.post(url("cohort_create"), {**monday, "ends_on": ""})
    assert saved.status_code == 302
    assert Cohort.objects.get().ends_on == dt.date(2027, 3, 12)


def test_editing_warns_only_when_the_start_moves_to_a_weekend(client, registrar, five_day_course):
    cohort = factories.CohortFactory(
        course=five_day_course, starts_on=dt.date(2027, 3, 6), ends_on=dt.date(2027, 3, 10)
    )
    client.force_login(registrar)
    page = client.get(url("cohort_update", cohort.pk))
    assert page.context["course_days"].count == 3  # the saved dates' course days, shown
    assert 'data-testid="weekend-warning"' in page.content.decode()

    kept = client.post(url("cohort_update", cohort.pk), edit_post(cohort, capacity="9"))
    assert kept.status_code == 302  # the weekend start was confirmed when it was chosen
    saved = Cohort.objects.get(pk=cohort.pk)
    assert (saved.capacity, saved.starts_on, saved.ends_on) == (
        9,
        dt.date(2027, 3, 6),
        dt.date(2027, 3, 10),
    )

    moved = client.post(
        url("cohort_update", cohort.pk), edit_post(cohort, starts_on="2027-03-07", capacity="9")
    )
    assert moved.status_code == 200
    assert 'data-testid="weekend-confirm"' in moved.content.decode()


def test_suggest_shows_the_course_days_of_the_dates(client, registrar, five_day_course):
    client.force_login(registrar)
    facts = client.get(
        url("cohort_suggest"), {"course": five_day_course.pk, "starts_on": "2027-03-06"}
    ).json()
    assert facts["ends_on"] == "2027-03-10"
    assert facts["course_days"] == ["2027-03-08", "2027-03-09", "2027-03-10"]
    assert 'data-testid="weekend-warning"' in facts["course_days_html"]
    typed_end = client.get(
        url("cohort_suggest"),
        {"course": five_day_course.pk, "starts_on": "2027-03-08", "ends_on": "2027-03-19"},
    ).json()
    assert len(typed_end["course_days"]) == 10
    assert "weekend-warning" not in typed_end["course_days_html"]
    bad_end = client.get(
        url("cohort_suggest"),
        {"course": five_day_course.pk, "starts_on": "2027-03-08", "ends_on": "soon"},
    )
    assert bad_end.status_code == 400  # refused like a bad start date, the field named
    assert "ends_on" in bad_end.json()["errors"]
