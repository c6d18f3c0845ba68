"""The finalise and reopen pages, and the cohort's results box (_finalisation_actions.html):
who may open them, what they show, and what a stale or incomplete page gets."""

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.roles import Role
from courses.models import Certification, Cohort, Enrolment
from courses.selectors.certifications import with_status_history
from courses.services.finalisation import cohort_finalise, cohort_reopen
from tests import factories
from tests.courses.finalisation_support import (
    attend,
    finalisable,
    make_course,
    make_running_cohort,
    score,
    seated,
)

pytestmark = pytest.mark.django_db


def url(name, cohort):
    return reverse(f"courses:{name}", args=[cohort.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def cohort(instructor):
    """Two pass, one fails; ready to finalise."""
    cohort = make_running_cohort(
        course=make_course(code="UNSOC"), trainees=3, instructors=[instructor]
    )
    for enrolment, value in zip(seated(cohort), ("80", "90", "20"), strict=True):
        score(enrolment, [value, value])
        attend(enrolment)
    return cohort


def finalised(cohort, by):
    cohort.refresh_from_db()
    cohort_finalise(cohort=cohort, by=by, seen_status=cohort.status)
    cohort.refresh_from_db()
    return cohort


# Who may


@pytest.mark.parametrize("name", ["cohort_finalise", "cohort_reopen"])
def test_anonymous_users_are_sent_to_sign_in(client, cohort, name):
    for response in (client.get(url(name, cohort)), client.post(url(name, cohort))):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_commanders_and_registrars_cannot_finalise(client, cohort, commander, registrar):
    for user in (commander, registrar):
        client.force_login(user)
        assert client.get(url("cohort_finalise", cohort)).status_code == 403
        response = client.post(url("cohort_finalise", cohort), {"seen_status": "in_progress"})
        assert response.status_code == 403
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.IN_PROGRESS


def test_an_instructor_who_does_not_teach_the_cohort_gets_not_found(client, cohort):
    other = factories.UserFactory(roles=[Role.INSTRUCTOR])
    client.force_login(other)

    assert client.get(url("cohort_finalise", cohort)).status_code == 404
    response = client.post(url("cohort_finalise", cohort), {"seen_status": "in_progress"})
    assert response.status_code == 404
    assert not Certification.objects.exists()


def test_instructors_and_commanders_cannot_reopen(client, cohort, instructor, commander):
    finalised(cohort, instructor)
    for user in (instructor, commander):
        client.force_login(user)
        assert client.get(url("cohort_reopen", cohort)).status_code == 403
        response = client.post(
            url("cohort_reopen", cohort), {"reason": "x", "seen_status": "finalised"}
        )
        assert response.status_code == 403
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINALISED


def test_a_cohort_that_does_not_exist_is_not_found(client, administrator):
    client.force_login(administrator)
    for name in ("cohort_finalise", "cohort_reopen"):
        assert client.get(reverse(f"courses:{name}", args=[999_999])).status_code == 404


# The confirm page


def test_the_confirm_page_shows_each_outcome_to_be(client, cohort, instructor):
    client.force_login(instructor)

    response = client.get(url("cohort_finalise", cohort))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="outcome-row"') == 3
    assert 'data-testid="to-pass">2<' in html
    assert 'data-testid="to-fail">1<' in html
    assert 'data-testid="to-issue">2<' in html
    assert "Weighted total 20.00 is below the pass mark 60.00." in html
    assert 'name="seen_status" value="in_progress"' in html
    assert 'data-testid="finalise-problems"' not in html
    button = html[html.index('data-testid="finalise-button"') :].split(">", 1)[0]
    assert "disabled" not in button


def test_the_confirm_page_says_what_is_missing_and_where(client, instructor):
    cohort = make_running_cohort(course=make_course(), trainees=2, instructors=[instructor])
    complete_one, missing = seated(cohort)
    score(complete_one, ["80", "80"])
    attend(complete_one)
    score(missing, ["80"])
    client.force_login(instructor)

    response = client.get(url("cohort_finalise", cohort))

    html = response.content.decode()
    assert 'data-testid="finalise-problems"' in html
    assert (
        f"{missing.person.full_name} (not scored in Exercise; attendance not marked for 5 "
        "course days)" in html
    )
    assert f'href="{url("gradebook", cohort)}"' in html
    assert f'href="{url("attendance", cohort)}"' in html
    button = html[html.index('data-testid="finalise-button"') :].split(">", 1)[0]
    assert "disabled" in button


def test_the_confirm_page_takes_the_same_queries_for_3_or_30_trainees(
    client, administrator, django_assert_num_queries
):
    client.force_login(administrator)
    small, large = finalisable(trainees=3), finalisable(trainees=30)
    client.get(url("cohort_finalise", small))  # the session and permissions, once

    with django_assert_num_queries(13) as counted:
        assert client.get(url("cohort_finalise", small)).status_code == 200
    with django_assert_num_queries(len(counted)):
        assert client.get(url("cohort_finalise", large)).status_code == 200


def test_a_finalised_cohort_sends_the_finaliser_back_to_its_page(client, cohort, instructor):
    finalised(cohort, instructor)
    client.force_login(instructor)

    response = client.get(url("cohort_finalise", cohort), follow=True)

    assert response.redirect_chain[-1][0] == url("cohort_detail", cohort)
    assert messages_of(response) == [f"Cohort {cohort.code} is finalised."]


# Finalising


def test_finalising_goes_back_to_the_cohort_with_what_was_done(client, cohort, instructor):
    client.force_login(instructor)

    response = client.post(
        url("cohort_finalise", cohort), {"seen_status": "in_progress"}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("cohort_detail", cohort)
    assert messages_of(response) == [
        f"Cohort {cohort.code} finalised: 2 passed, 1 failed, 2 certificates issued."
    ]
    cohort.refresh_from_db()
    assert (cohort.status, cohort.finalised_by) == (Cohort.Status.FINALISED, instructor)
    assert Certification.objects.filter(cohort=cohort).count() == 2


def test_a_stale_confirm_page_finalises_nothing(client, cohort, instructor):
    client.force_login(instructor)

    response = client.post(url("cohort_finalise", cohort), {"seen_status": "open"}, follow=True)

    assert response.redirect_chain[0][0] == url("cohort_finalise", cohort)
    assert messages_of(response)[0].startswith(f"Cohort {cohort.code} is now in progress")
    # The page shown is the current one: still ready to finalise.
    assert response.context["check"].ready
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.IN_PROGRESS
    assert not Certification.objects.exists()


def test_a_score_deleted_after_the_page_loaded_is_refused_by_name(client, cohort, instructor):
    client.force_login(instructor)
    client.get(url("cohort_finalise", cohort))
    first = seated(cohort)[0]
    first.results.first().delete()

    response = client.post(
        url("cohort_finalise", cohort), {"seen_status": "in_progress"}, follow=True
    )

    (message,) = messages_of(response)
    assert f"{first.person.full_name} (not scored in Exam)" in message
    assert not Enrolment.objects.filter(status=Enrolment.Status.PASSED).exists()


def test_a_damaged_post_finalises_nothing(client, cohort, instructor):
    client.force_login(instructor)
    response = client.post(url("cohort_finalise", cohort), {"seen_status": "bogus"}, follow=True)
    assert "The page was damaged" in messages_of(response)[0]
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.IN_PROGRESS


# Reopening


def test_the_reopen_page_asks_for_a_reason(client, cohort, instructor, registrar):
    finalised(cohort, instructor)
    client.force_login(registrar)

    response = client.get(url("cohort_reopen", cohort))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reason"' in html
    assert 'name="seen_status" value="finalised"' in html


def test_reopening_without_a_reason_is_refused_on_the_form(client, cohort, instructor, registrar):
    finalised(cohort, instructor)
    client.force_login(registrar)

    response = client.post(
        url("cohort_reopen", cohort), {"reason": "  ", "seen_status": "finalised"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINALISED


def test_reopening_with_a_reason(client, cohort, instructor, registrar):
    finalised(cohort, instructor)
    client.force_login(registrar)

    response = client.post(
        url("cohort_reopen", cohort),
        {"reason": "A trainee's exam was marked twice.", "seen_status": "finalised"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == url("cohort_detail", cohort)
    assert messages_of(response)[0].startswith(f"Cohort {cohort.code} is reopened")
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.IN_PROGRESS
    assert cohort.status_changes.last().reason == "A trainee's exam was marked twice."


def test_a_stale_reopen_page_changes_nothing(client, cohort, instructor, registrar):
    finalised(cohort, instructor)
    cohort_reopen(cohort=cohort, by=registrar, reason="first", seen_status="finalised")
    client.force_login(registrar)

    response = client.post(
        url("cohort_reopen", cohort), {"reason": "second", "seen_status": "finalised"}, follow=True
    )

    assert messages_of(response)[0].startswith(f"Cohort {cohort.code} is now in progress")
    assert cohort.status_changes.filter(reason="second").count() == 0


def test_reopening_a_cohort_in_progress_is_not_offered(client, cohort, registrar):
    client.force_login(registrar)
    response = client.get(url("cohort_reopen", cohort), follow=True)
    assert response.redirect_chain[-1][0] == url("cohort_detail", cohort)
    assert "only finalised results are reopened" in messages_of(response)[0]


# The results box other pages include


def render_actions(cohort, user) -> str:
    cohort = with_status_history(Cohort.objects.all()).get(pk=cohort.pk)
    return render_to_string(
        "courses/_finalisation_actions.html", {"cohort": cohort, "perms": PermWrapper(user)}
    )


def test_the_results_box_offers_finalising_to_the_instructor_only(cohort, instructor, registrar):
    assert url("cohort_finalise", cohort) in render_actions(cohort, instructor)
    html = render_actions(cohort, registrar)
    assert url("cohort_finalise", cohort) not in html
    assert url("cohort_reopen", cohort) not in html


def test_the_results_box_offers_reopening_and_shows_the_history(
    cohort, instructor, registrar, django_assert_num_queries
):
    finalised(cohort, instructor)
    cohort_reopen(cohort=cohort, by=registrar, reason="Marked twice", seen_status="finalised")
    finalised(cohort, instructor)
    registrar.has_perm("courses.reopen_cohort")  # the permission cache, filled once
    loaded = with_status_history(Cohort.objects.all()).get(pk=cohort.pk)

    with django_assert_num_queries(0):
        html = render_to_string(
            "courses/_finalisation_actions.html",
            {"cohort": loaded, "perms": PermWrapper(registrar)},
        )

    assert url("cohort_reopen", cohort) in html
    assert html.count('data-testid="status-change"') == 3
    assert "Marked twice" in html
    assert "the gradebook and the attendance register are locked" in html
    assert url("cohort_reopen", cohort) not in render_actions(cohort, instructor)
