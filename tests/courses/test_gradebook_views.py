"""The gradebook page: who may open and change it, the grid with each component's rules,
saving every cell together, every wrong cell named at the top and on the cell with the typed
values kept, totals and standings from the server, the finalised lock, a stale save, and
query counts that do not grow with the grid."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import AssessmentResult, Cohort
from tests.courses.gradebook_support import (
    add_trainees,
    days_so_far,
    enrolments,
    make_instructor,
    mark,
    running_cohort,
    score,
    stored_scores,
)

pytestmark = pytest.mark.django_db

D = Decimal


def url(cohort):
    return reverse("courses:gradebook", args=[cohort.pk])


def html(response) -> str:
    return response.content.decode()


def opened(client, cohort) -> dict[str, str]:
    """The form as the page drew it: every cell's value and the `seen` snapshot."""
    form = client.get(url(cohort)).context["form"]
    data = {"seen": form.seen_value()}
    for name in form.fields:
        if name.startswith("s-"):
            data[name] = str(form[name].value() or "")
    return data


def cell(enrolment, component) -> str:
    return f"s-{enrolment.pk}-{component.pk}"


# Who may open it


def test_anonymous_users_are_sent_to_sign_in(client, cohort):
    response = client.get(url(cohort))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_commanders_are_refused(client, commander, cohort, grid):
    (abenov, _t0, _t1), (written, _field) = grid
    client.force_login(commander)
    assert client.get(url(cohort)).status_code == 403
    assert client.post(url(cohort), {cell(abenov, written): "70"}).status_code == 403
    assert not AssessmentResult.objects.exists()


def test_an_instructor_of_another_cohort_gets_not_found(client, cohort, grid):
    (abenov, _t0, _t1), (written, _field) = grid
    stranger = make_instructor("stranger")
    running_cohort(trainees=1, instructors=[stranger])
    client.force_login(stranger)

    assert client.get(url(cohort)).status_code == 404
    assert client.post(url(cohort), {cell(abenov, written): "70"}).status_code == 404
    assert not AssessmentResult.objects.exists()


def test_registrars_read_the_gradebook_but_cannot_change_it(client, registrar, cohort, grid):
    (abenov, _t0, _t1), (written, _field) = grid
    score(abenov, written, "64")
    client.force_login(registrar)

    response = client.get(url(cohort))

    assert response.status_code == 200
    page = html(response)
    assert "its instructors keep it" in page
    assert 'type="number"' not in page
    assert ">64<" in page
    response = client.post(url(cohort), {cell(abenov, written): "90", "seen": "{}"})
    assert response.status_code == 403
    assert stored_scores(cohort) == {(abenov.pk, written.pk): D("64")}


@pytest.mark.parametrize("who", ["teacher", "administrator"])
def test_the_cohorts_instructors_and_administrators_edit(client, cohort, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url(cohort))

    assert response.status_code == 200
    assert html(response).count('type="number"') == 3 * 2


# The grid


def test_component_headers_show_range_weight_and_pass_rules(client, teacher, cohort):
    client.force_login(teacher)

    page = html(client.get(url(cohort)))

    assert "Written exam" in page
    assert "0\u2013100 · weight 60%" in page
    assert "must pass: 50" in page
    assert "Field exercise" in page
    assert "0\u201320 · weight 40%" in page


def test_inputs_are_numbers_with_the_components_range_in_row_order(client, teacher, cohort, grid):
    (abenov, t0, _t1), (written, field) = grid
    client.force_login(teacher)

    page = html(client.get(url(cohort)))

    assert f'name="{cell(abenov, written)}"' in page
    assert 'min="0.00" max="100.00" step="0.01"' in page
    assert 'min="0.00" max="20.00" step="0.01"' in page
    assert f'aria-label="{abenov.person}, Written exam"' in page
    # Tab order is document order: row by row, component by component.
    order = [page.index(f'name="{cell(e, c)}"') for e in (abenov, t0) for c in (written, field)]
    assert order == sorted(order)


def test_totals_attendance_and_standing_come_from_the_server(client, teacher, cohort, grid):
    (abenov, t0, t1), (written, field) = grid
    # Abenov: 80/100 and 15/20 = 48 + 30 = 78, every day present: passed.
    score(abenov, written, "80")
    score(abenov, field, "15")
    # Trainee000: 40/100 fails the must-pass exam.
    score(t0, written, "40")
    score(t0, field, "20")
    days = days_so_far(cohort)
    for day in days:
        mark(abenov, day, "present")
    client.force_login(teacher)

    response = client.get(url(cohort))

    standings = {t.enrolment.pk: t.standing for t in response.context["standings"].trainees}
    assert standings[abenov.pk].total == D("78.00")
    assert standings[t0.pk].total == D("64.00")
    assert standings[t1.pk].total == D("0.00")
    # Course days ahead are unmarked, so no outcome yet, but the failed exam is a reason.
    assert standings[t0.pk].passed is None
    assert "Written exam must be passed: 40.00 is below 50.00." in html(response)
    page = html(response)
    assert 'data-testid="total">78.00<' in page
    assert "undecided" in page  # course days ahead are not marked yet
    assert "Not scored yet: Written exam, Field exercise." in page  # Trainee001


def test_rows_link_to_each_trainees_results(client, teacher, cohort, grid):
    (abenov, _t0, _t1), _components = grid
    client.force_login(teacher)

    page = html(client.get(url(cohort)))

    assert reverse("courses:enrolment_results", args=[abenov.pk]) in page


# Saving


def test_saving_writes_every_changed_cell_and_shows_the_new_totals(client, teacher, cohort, grid):
    (abenov, t0, _t1), (written, field) = grid
    client.force_login(teacher)
    data = opened(client, cohort)
    data[cell(abenov, written)] = "90"
    data[cell(abenov, field)] = "12,5"  # a decimal comma is read as a point
    data[cell(t0, written)] = "55"

    response = client.post(url(cohort), data)

    assert response.status_code == 302
    assert response.url == url(cohort)
    assert stored_scores(cohort) == {
        (abenov.pk, written.pk): D("90"),
        (abenov.pk, field.pk): D("12.5"),
        (t0.pk, written.pk): D("55"),
    }
    response = client.get(response.url)
    assert "Gradebook of UNSOC-2026-03 saved: 3 scores changed." in html(response)
    assert 'data-testid="total">79.00<' in html(response)  # 54 + 25


def test_an_emptied_cell_deletes_the_score_and_its_history_keeps_it(client, teacher, cohort, grid):
    (abenov, _t0, _t1), (written, _field) = grid
    result = score(abenov, written, "70")
    client.force_login(teacher)
    data = opened(client, cohort)
    data[cell(abenov, written)] = ""

    assert client.post(url(cohort), data).status_code == 302

    assert not AssessmentResult.objects.exists()
    deleted = AssessmentResult.history.filter(id=result.pk).latest()
    assert (deleted.history_type, deleted.score, deleted.history_user) == ("-", D("70"), teacher)


def test_nothing_changed_saves_nothing(client, teacher, cohort, grid):
    (abenov, _t0, _t1), (written, _field) = grid
    score(abenov, written, "70")
    client.force_login(teacher)

    response = client.post(url(cohort), opened(client, cohort), follow=True)

    assert "Nothing to save: no score was changed." in html(response)
    assert AssessmentResult.history.count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("105", "Abenov Arman (KZ-1234), Written exam: 105 is above the highest score 100."),
        ("-3", "Abenov Arman (KZ-1234), Written exam: -3 is below the lowest score 0."),
        ("abc", "Abenov Arman (KZ-1234), Written exam: “abc” is not a number."),
        ("72.125", "Abenov Arman (KZ-1234), Written exam: 72.125 has more than 2 decimal places."),
        ("Infinity", "Abenov Arman (KZ-1234), Written exam: “Infinity” is not a number."),
    ],
)
def test_a_wrong_cell_is_named_at_the_top_and_on_the_cell(
    client, teacher, cohort, grid, typed, message
):
    (abenov, t0, _t1), (written, field) = grid
    client.force_login(teacher)
    data = opened(client, cohort)
    data[cell(abenov, written)] = typed
    data[cell(t0, field)] = "14"  # a good cell, not saved either

    response = client.post(url(cohort), data)

    assert response.status_code == 200
    page = html(response)
    assert response.context["cell_errors"] == [message]
    assert page.count(message) == 1  # in the list at the top
    problem = message.split(": ", 1)[1]
    assert f'id="{cell(abenov, written)}-error">{problem}<' in page  # and on the cell
    assert f'name="{cell(abenov, written)}" id="{cell(abenov, written)}" value="{typed}"' in page
    assert f'name="{cell(t0, field)}" id="{cell(t0, field)}" value="14"' in page
    assert "Nothing was saved: 1 score needs correcting." in page
    assert not AssessmentResult.objects.exists()


def test_every_wrong_cell_is_listed_in_grid_order(client, teacher, cohort, grid):
    (abenov, t0, t1), (written, field) = grid
    client.force_login(teacher)
    data = opened(client, cohort)
    data[cell(t1, field)] = "21"
    data[cell(abenov, written)] = "101"
    data[cell(t0, written)] = "x"

    response = client.post(url(cohort), data)

    assert response.context["cell_errors"] == [
        "Abenov Arman (KZ-1234), Written exam: 101 is above the highest score 100.",
        f"{t0.person}, Written exam: “x” is not a number.",
        f"{t1.person}, Field exercise: 21 is above the highest score 20.",
    ]
    assert "Nothing was saved: 3 scores need correcting." in html(response)


def test_a_broken_seen_snapshot_saves_nothing(client, teacher, cohort, grid):
    (abenov, _t0, _t1), (written, _field) = grid
    client.force_login(teacher)

    response = client.post(url(cohort), {cell(abenov, written): "70", "seen": '{"x": 1}'})

    assert response.status_code == 200
    assert "could not be read back; nothing was saved" in html(response)
    assert not AssessmentResult.objects.exists()


# Locked


def test_a_finalised_gradebook_is_read_only_and_says_so(client, teacher, cohort, grid):
    (abenov, _t0, _t1), (written, _field) = grid
    score(abenov, written, "70")
    Cohort.objects.filter(pk=cohort.pk).update(
        status=Cohort.Status.FINALISED, finalised_at=timezone.now()
    )
    client.force_login(teacher)

    response = client.get(url(cohort))

    page = html(response)
    assert f"was finalised on {timezone.localdate().isoformat()}" in page
    assert "a registrar can reopen it" in page
    assert 'type="number"' not in page
    assert "Save scores" not in page

    data = {cell(abenov, written): "99", "seen": json.dumps({f"{abenov.pk}-{written.pk}": "70"})}
    response = client.post(url(cohort), data)
    assert response.status_code == 200
    assert "Nothing was saved" in html(response)
    assert ">70<" in html(response)  # the saved score, not the one typed
    assert stored_scores(cohort) == {(abenov.pk, written.pk): D("70")}


# Two people editing the same gradebook


def test_a_stale_save_is_refused_and_shows_current_values_keeping_mine(
    client, teacher, colleague, cohort, grid
):
    (abenov, t0, t1), (written, field) = grid
    score(abenov, written, "60", by=teacher)
    score(t1, field, "10", by=teacher)
    client.force_login(teacher)
    data = opened(client, cohort)
    # Meanwhile the colleague changes Abenov's exam and Trainee001's exercise.
    colleague_client = client_class_for(client)
    colleague_client.force_login(colleague)
    theirs = opened(colleague_client, cohort)
    theirs[cell(abenov, written)] = "65"
    theirs[cell(t1, field)] = "12"
    assert colleague_client.post(url(cohort), theirs).status_code == 302

    data[cell(abenov, written)] = "58"  # I change the same cell...
    data[cell(t0, written)] = "77"  # ...and another one nobody touched

    response = client.post(url(cohort), data)

    assert response.status_code == 200
    page = html(response)
    assert "Someone else saved scores of cohort UNSOC-2026-03" in page
    assert stored_scores(cohort) == {
        (abenov.pk, written.pk): D("65"),
        (t1.pk, field.pk): D("12"),
    }
    (conflict,) = response.context["stale"].conflicts
    assert (conflict.current, conflict.changed_by) == (D("65"), colleague)
    assert "Marat Ospanov" in page
    assert 'data-testid="conflict-note">saved now: 65<' in page
    form = response.context["form"]
    assert form[cell(abenov, written)].value() == "58"  # mine, kept
    assert form[cell(t0, written)].value() == "77"  # mine, kept
    assert form[cell(t1, field)].value() == "12"  # theirs: I had not touched it
    assert json.loads(form.seen_value())[f"{abenov.pk}-{written.pk}"] == "65"

    # Saving the page again, knowingly, applies my values over theirs where I changed them.
    again = {"seen": form.seen_value()}
    again.update({n: str(form[n].value() or "") for n in form.fields if n.startswith("s-")})
    assert client.post(url(cohort), again).status_code == 302
    assert stored_scores(cohort) == {
        (abenov.pk, written.pk): D("58"),
        (t0.pk, written.pk): D("77"),
        (t1.pk, field.pk): D("12"),
    }


def client_class_for(client):
    return type(client)()


# Queries


def _fill_all(client, cohort, value):
    data = opened(client, cohort)
    for name in data:
        if name.startswith("s-"):
            data[name] = value
    return data


def test_queries_do_not_grow_with_the_grid(
    client, teacher, cohort, grid, django_assert_num_queries
):
    (abenov, _t0, _t1), (written, _field) = grid
    score(abenov, written, "5")  # so that both saves update as well as create
    client.force_login(teacher)
    # Counted at once: the next request resets the connection's query log.
    with CaptureQueriesContext(connection) as get_few:
        client.get(url(cohort))
    get_count = len(get_few.captured_queries)
    data = _fill_all(client, cohort, "10")
    with CaptureQueriesContext(connection) as post_few:
        assert client.post(url(cohort), data).status_code == 302
    post_count = len(post_few.captured_queries)
    # GET: session, user, roles, cohort, its instructors, permissions 2, standings 4.
    # POST: the same, then the service (scope, lock, components, trainees, results, the
    # writes with their history, savepoints).
    assert get_count <= 11
    assert post_count <= 25

    add_trainees(cohort, 27)
    for enrolment in enrolments(cohort)[:10]:
        for day in days_so_far(cohort):
            mark(enrolment, day, "present")
    with django_assert_num_queries(get_count):
        response = client.get(url(cohort))
    assert len(response.context["rows"]) == 30
    data = _fill_all(client, cohort, "11")
    with django_assert_num_queries(post_count):
        assert client.post(url(cohort), data).status_code == 302
    assert len(stored_scores(cohort)) == 60
