"""A trainee's results: who may read them (the cohort's instructors, registrars,
administrators, and commanders whose subtree holds the person), every score with its full
history, attendance by day with the share, the standing or outcome, and the certification."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.grading import course_days
from courses.models import AssessmentComponent, Cohort, Enrolment
from courses.services.gradebook import results_record
from tests import factories
from tests.courses.gradebook_support import (
    components,
    days_so_far,
    enrolments,
    make_instructor,
    mark,
    running_cohort,
    score,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def cohort(teacher, colleague):
    return running_cohort(trainees=2, instructors=[teacher, colleague], code="UNSOC-2026-07")


@pytest.fixture
def trainee(cohort):
    return enrolments(cohort)[0]


def url(enrolment):
    return reverse("courses:enrolment_results", args=[enrolment.pk])


def html(response) -> str:
    return response.content.decode()


# Who may read them


def test_anonymous_users_are_sent_to_sign_in(client, trainee):
    response = client.get(url(trainee))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("who", ["teacher", "registrar", "administrator"])
def test_the_cohorts_instructors_registrars_and_administrators_read(client, trainee, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(url(trainee))

    assert response.status_code == 200
    assert trainee.person.full_name in html(response)
    # They may open the cohort, so the page leads back to its gradebook.
    assert reverse("courses:gradebook", args=[trainee.cohort_id]) in html(response)


def test_an_instructor_of_another_cohort_gets_not_found(client, trainee):
    stranger = make_instructor("stranger")
    # The stranger teaches the same person elsewhere: still not this cohort's results.
    elsewhere = running_cohort(trainees=0, instructors=[stranger])
    factories.EnrolmentFactory(cohort=elsewhere, person=trainee.person)
    client.force_login(stranger)

    assert client.get(url(trainee)).status_code == 404


def test_a_commander_reads_the_results_of_people_in_their_subtree(client, commander, trainee):
    brigade = factories.UnitFactory(code="BDE", commander=commander)
    company = factories.UnitFactory(code="COY", parent=brigade)
    trainee.person.unit = company
    trainee.person.save()
    client.force_login(commander)

    response = client.get(url(trainee))

    assert response.status_code == 200
    page = html(response)
    assert trainee.person.full_name in page
    # Cohort pages are not theirs: no links into them.
    assert reverse("courses:cohort_detail", args=[trainee.cohort_id]) not in page
    assert reverse("courses:gradebook", args=[trainee.cohort_id]) not in page


def test_a_commander_of_another_unit_gets_not_found(client, commander, trainee):
    factories.UnitFactory(code="OTHER", commander=commander)
    client.force_login(commander)

    assert client.get(url(trainee)).status_code == 404


def test_a_user_without_a_role_is_refused(client, trainee):
    client.force_login(factories.UserFactory(username="visitor"))

    assert client.get(url(trainee)).status_code == 403


def test_an_unknown_enrolment_is_not_found(client, registrar):
    client.force_login(registrar)

    assert client.get(reverse("courses:enrolment_results", args=[999_999])).status_code == 404


# What they show


def test_every_change_of_a_score_is_listed_in_time_order_with_who_old_and_new(
    client, teacher, colleague, cohort, trainee
):
    written, field = components(cohort)
    results_record(cohort=cohort, scores={(trainee.pk, written.pk): D("70")}, seen={}, by=teacher)
    results_record(
        cohort=cohort,
        scores={(trainee.pk, written.pk): D("74.5")},
        seen={(trainee.pk, written.pk): D("70")},
        by=colleague,
    )
    results_record(cohort=cohort, scores={(trainee.pk, field.pk): D("12")}, seen={}, by=teacher)
    results_record(
        cohort=cohort,
        scores={(trainee.pk, field.pk): None},
        seen={(trainee.pk, field.pk): D("12")},
        by=colleague,
    )
    client.force_login(teacher)

    response = client.get(url(trainee))

    page = response.context["page"]
    exam, exercise = page.components
    assert exam.score == D("74.5")
    assert [(c.by, c.old, c.new) for c in exam.changes] == [
        (teacher, None, D("70")),
        (colleague, D("70"), D("74.5")),
    ]
    assert exam.changes[0].at <= exam.changes[1].at
    assert exercise.score is None
    assert [(c.by, c.old, c.new) for c in exercise.changes] == [
        (teacher, None, D("12")),
        (colleague, D("12"), None),
    ]
    text = html(response)
    assert text.count('data-testid="change"') == 4
    assert "Aliya Seitkali" in text
    assert "Marat Ospanov" in text
    assert "70 → <strong>74.50</strong>" in text
    assert "12 → <em>cleared</em>" in text
    assert text.index("— → <strong>70</strong>") < text.index("70 → <strong>74.50</strong>")


def test_attendance_by_day_with_the_share(client, teacher, cohort, trainee):
    days = days_so_far(cohort)
    mark(trainee, days[0], "present")
    mark(trainee, days[1], "absent")
    mark(trainee, days[2], "excused")
    client.force_login(teacher)

    response = client.get(url(trainee))

    page = response.context["page"]
    # every course day, marked or not
    assert [day for day, _mark in page.attendance] == course_days(cohort.starts_on, cohort.ends_on)
    assert (page.present, page.marked) == (1, 3)
    text = html(response)
    assert text.count('data-testid="attendance-day"') == len(page.attendance)
    # Of the days held so far (today included), not of the days still to come.
    held, left = len(days), len(page.attendance) - len(days)
    assert (page.held, page.days_left) == (held, left)
    assert page.standing.attendance == (D(100) / held).quantize(D("0.01"))
    assert (
        f"present 1 of {held} course days held (3 marked); {left} of {len(page.attendance)} "
        "still to come"
    ) in text


def test_the_standing_says_what_is_still_open(client, teacher, cohort, trainee):
    written, _field = components(cohort)
    score(trainee, written, "45")
    client.force_login(teacher)

    response = client.get(url(trainee))

    text = html(response)
    assert "Standing so far" in text
    assert "undecided" in text
    assert "Written exam must be passed: 45.00 is below 50.00." in text
    assert "Not scored yet: Field exercise." in text


def test_a_finalised_outcome_shows_the_fixed_figures_reason_and_certification(
    client, registrar, cohort, trainee
):
    finalised_at = timezone.now()
    Cohort.objects.filter(pk=cohort.pk).update(
        status=Cohort.Status.FINALISED, finalised_at=finalised_at
    )
    Enrolment.objects.filter(pk=trainee.pk).update(
        status=Enrolment.Status.FAILED,
        final_score=D("58.40"),
        attendance_percent=D("76.19"),
        status_reason="Weighted total 58.40 is below the pass mark 60.00.",
    )
    client.force_login(registrar)

    response = client.get(url(trainee))

    text = html(response)
    assert "Outcome" in text
    assert 'data-testid="final-score">58.40<' in text
    assert 'data-testid="final-attendance">76.19%<' in text
    assert "Weighted total 58.40 is below the pass mark 60.00." in text
    assert "This cohort issued no certification to this trainee." in text

    certification = factories.CertificationFactory(
        person=trainee.person,
        cohort=cohort,
        course=cohort.course,
        number="UNSOC-2026-0042",
        issued_on=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=4 * 365),
    )
    text = html(client.get(url(trainee)))
    assert reverse("courses:certification_detail", args=[certification.pk]) in text
    assert "UNSOC-2026-0042" in text


def test_another_cohorts_certification_is_not_shown(client, registrar, cohort, trainee):
    other = running_cohort(trainees=0)
    factories.CertificationFactory(person=trainee.person, cohort=other, number="OTHER-1")
    client.force_login(registrar)

    assert "OTHER-1" not in html(client.get(url(trainee)))


def test_queries_do_not_grow_with_components_changes_or_days(
    client, teacher, colleague, cohort, trainee, django_assert_num_queries
):
    written, _field = components(cohort)
    score(trainee, written, "50", by=teacher)
    client.force_login(teacher)
    with CaptureQueriesContext(connection) as few:
        client.get(url(trainee))
    count = len(few.captured_queries)  # read now: the next request resets the log

    for index in range(4):
        AssessmentComponent.objects.create(
            course=cohort.course, name=f"Extra {index}", weight=D("1"), order=10 + index
        )
    extra = list(AssessmentComponent.objects.filter(name__startswith="Extra"))
    for value in range(51, 60):
        results_record(
            cohort=cohort,
            scores={
                (trainee.pk, written.pk): D(value),
                **{(trainee.pk, c.pk): D(value) for c in extra},
            },
            seen={
                (trainee.pk, written.pk): D(value - 1),
                **({(trainee.pk, c.pk): D(value - 1) for c in extra} if value > 51 else {}),
            },
            by=colleague,
        )
    for day in days_so_far(cohort):
        mark(trainee, day, "present")
    factories.CertificationFactory(person=trainee.person, cohort=cohort)

    with django_assert_num_queries(count):
        response = client.get(url(trainee))
    assert len(response.context["page"].components[0].changes) == 10
    # session, user, roles, the enrolment in scope, whether the cohort opens to the user,
    # components, results, history, attendance, certification
    assert count <= 10
