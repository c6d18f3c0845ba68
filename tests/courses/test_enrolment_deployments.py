"""Enrolment knows deployments (readiness fills courses' eligibility hook,
readiness/enrolment.py): a person on a tour over the cohort's dates is refused with the tour
named; departures during the cohort warn the registrar on the preview; one query for any
number of candidates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.services.enrolment import Outcome, enrolment_plan
from courses.services.enrolment.eligibility import ELIGIBILITY_CHECKS
from readiness.models import Deployment
from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people
from tests.readiness.deployment_support import ContingentFactory, DeploymentFactory

pytestmark = pytest.mark.django_db

Status = Deployment.Status
DAY = dt.timedelta(days=1)


def tour(person, cohort, *, start: int, end: int, status=Status.PLANNED, **fields):
    """A tour from `start` to `end` days after the cohort's first day."""
    return DeploymentFactory(
        person=person,
        starts_on=cohort.starts_on + start * DAY,
        ends_on=cohort.starts_on + end * DAY,
        status=status,
        **fields,
    )


def reasons_by_person(plan) -> dict[int, tuple[str, ...]]:
    return {line.person.pk: line.reasons for line in plan.lines}


def test_the_hook_is_registered_by_readiness():
    assert "readiness.tours" in ELIGIBILITY_CHECKS


@pytest.mark.parametrize(
    ("status", "start", "end", "refused"),
    [
        (Status.PLANNED, -100, 0, True),  # ends on the cohort's first day
        (Status.CONFIRMED, 9, 200, True),  # starts on its last day (10 days long)
        (Status.DEPLOYED, -100, 100, True),  # under way over the whole cohort
        (Status.PLANNED, 10, 200, False),  # starts the day after
        (Status.CANCELLED, -10, 100, False),
        (Status.RETURNED, -300, 5, False),  # back on day 5 (set below): see the next test
    ],
    ids=[
        "planned-ends-first-day",
        "confirmed-starts-last-day",
        "deployed",
        "after",
        "cancelled",
        "returned",
    ],
)
def test_a_person_on_a_tour_over_the_cohort_is_refused_with_the_tour_named(
    registrar, status, start, end, refused
):
    cohort = make_cohort(capacity=5, days=10)
    person, free = make_people(2)
    mission = factories.MissionFactory(
        acronym="UNDOF", name="UNDOF", started_on=dt.date(1974, 6, 1)
    )
    if status == Status.RETURNED:
        # A tour that came back before the cohort holds no days of it, whatever its plan said.
        DeploymentFactory(
            person=person,
            mission=mission,
            starts_on=cohort.starts_on - 300 * DAY,
            ends_on=cohort.starts_on + 5 * DAY,
            status=status,
            returned_on=cohort.starts_on - DAY,
        )
    else:
        tour(person, cohort, start=start, end=end, status=status, mission=mission)
    plan = enrolment_plan(cohort=cohort, people=[person, free], by=registrar)
    reasons = reasons_by_person(plan)
    assert reasons[free.pk] == ()
    if refused:
        [reason] = reasons[person.pk]
        assert reason.startswith("on a tour during the cohort: UNDOF as ")
        assert f"({Deployment.Status(status).label})" in reason
        assert plan.lines[0].outcome == Outcome.REFUSE
    else:
        assert reasons[person.pk] == ()


def test_departures_during_the_cohort_warn_the_registrar(registrar):
    cohort = make_cohort(capacity=10, days=10)
    mission = factories.MissionFactory(acronym="UNIFIL")
    contingent = ContingentFactory(mission=mission, name="KAZCOY")
    leaving = make_people(3)
    staying = make_people(2)
    for person in leaving:
        tour(person, cohort, start=4, end=300, contingent=contingent, mission=mission)
    # Already away over the cohort: refused, but not a departure during it.
    tour(staying[0], cohort, start=-50, end=50, status=Status.DEPLOYED, mission=mission)
    plan = enrolment_plan(cohort=cohort, people=[*leaving, *staying], by=registrar)
    day = (cohort.starts_on + 4 * DAY).isoformat()
    assert plan.warnings == [
        f"3 of these people are planned to depart on {day} with UNIFIL, KAZCOY, during this "
        "cohort: they are refused. Consider other dates for the cohort."
    ]
    assert [line.outcome for line in plan.lines].count(Outcome.ENROL) == 1


def test_the_preview_page_shows_the_warning(client, registrar):
    cohort = make_cohort(capacity=10, days=10)
    unit = factories.UnitFactory(code="KAZBAT")
    people = make_people(2, unit=unit)
    tour(people[0], cohort, start=2, end=200)
    client.force_login(registrar)
    response = client.get(reverse("courses:enrol_unit", args=[cohort.pk]), {"unit": unit.pk})
    html = response.content.decode()
    assert 'data-testid="enrol-warnings"' in html
    assert "planned to depart on" in html
    assert "on a tour during the cohort" in html


def test_a_tour_planned_after_the_preview_makes_it_stale(registrar):
    cohort = make_cohort(capacity=10, days=10)
    [person] = make_people(1)
    before = enrolment_plan(cohort=cohort, people=[person], by=registrar)
    tour(person, cohort, start=1, end=100)
    after = enrolment_plan(cohort=cohort, people=[person], by=registrar)
    assert before.fingerprint != after.fingerprint


def test_the_check_takes_one_query_for_any_number_of_people(registrar):
    cohort = make_cohort(capacity=100, days=10)
    few, many = make_people(2), make_people(40)
    for person in [*few[:1], *many[:20]]:
        tour(person, cohort, start=2, end=100)
    counts = []
    for people in (few, many):
        with CaptureQueriesContext(connection) as queries:
            enrolment_plan(cohort=cohort, people=people, by=registrar)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    tours = [q for q in queries.captured_queries if "personnel_deployment" in q["sql"]]
    assert len(tours) == 1
