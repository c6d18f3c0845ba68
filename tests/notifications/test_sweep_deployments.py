"""Departures and returns due and not recorded (sweep_deployments_due): the commander is
reminded on the day and a week later, never for a tour whose move is recorded, and the sweep
records nothing on the tour itself."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from notifications import wording
from notifications.models import Reminder, ReminderKind
from notifications.services import sweep_deployments_due
from readiness.models import Deployment
from tests import factories
from tests.notifications.support import ON, commanded_unit, days, person, recorded
from tests.readiness.deployment_support import ContingentFactory, DeploymentFactory

pytestmark = pytest.mark.django_db

Status = Deployment.Status
DEPARTURE, RETURN = ReminderKind.DEPARTURE_DUE, ReminderKind.RETURN_DUE


def tour(who, *, start: int, end: int, status=Status.PLANNED, **fields):
    return DeploymentFactory(
        person=who, starts_on=days(start), ends_on=days(end), status=status, **fields
    )


def test_a_departure_due_today_and_a_week_late_remind_the_commander():
    asel = person()
    due_today = tour(asel, start=0, end=200, status=Status.CONFIRMED)
    other = person(unit=asel.unit, first_name="Dana", email="dana@mod.kz")
    late = tour(other, start=-7, end=200)
    tour(person(unit=asel.unit, email="c@mod.kz"), start=1, end=200)  # tomorrow: not yet
    assert sweep_deployments_due(on=ON) == 2
    assert recorded() == {
        (DEPARTURE, due_today.pk, f"due-{ON.isoformat()}", "cmdr@mod.kz"),
        (DEPARTURE, late.pk, f"late-{days(-7).isoformat()}", "cmdr@mod.kz"),
    }
    assert sweep_deployments_due(on=ON) == 0  # once
    due_today.refresh_from_db()
    assert (due_today.status, due_today.departed_on) == (Status.CONFIRMED, None)  # nothing made up


def test_a_return_is_due_the_day_after_the_planned_end():
    asel = person()
    ended = tour(asel, start=-200, end=-1, status=Status.DEPLOYED)
    ends_today = tour(
        person(unit=asel.unit, email="b@mod.kz"), start=-200, end=0, status=Status.DEPLOYED
    )
    assert sweep_deployments_due(on=ON) == 1
    assert recorded() == {(RETURN, ended.pk, f"due-{ON.isoformat()}", "cmdr@mod.kz")}
    # A week later: the first is late, the second (due the day after today) is due.
    assert sweep_deployments_due(on=days(7)) == 2
    assert recorded() == {
        (RETURN, ended.pk, f"due-{ON.isoformat()}", "cmdr@mod.kz"),
        (RETURN, ended.pk, f"late-{ON.isoformat()}", "cmdr@mod.kz"),
        (RETURN, ends_today.pk, f"due-{days(1).isoformat()}", "cmdr@mod.kz"),
    }


@pytest.mark.parametrize("status", [Status.RETURNED, Status.REPATRIATED, Status.CANCELLED], ids=str)
def test_a_recorded_move_ends_the_reminders(status):
    tour(person(), start=-200, end=-5, status=status)
    assert sweep_deployments_due(on=ON) == 0


def test_an_extended_tour_is_reminded_of_its_new_end():
    ended = tour(person(), start=-200, end=-1, status=Status.DEPLOYED)
    sweep_deployments_due(on=ON)
    Deployment.objects.filter(pk=ended.pk).update(ends_on=days(30))
    assert sweep_deployments_due(on=days(31)) == 1
    assert (RETURN, ended.pk, f"due-{days(31).isoformat()}", "cmdr@mod.kz") in recorded()


def test_the_nearest_commander_above_is_told_when_the_unit_has_none():
    battalion = commanded_unit("KAZBAT", "bat@mod.kz")
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    tour(person(unit=company), start=0, end=100)
    sweep_deployments_due(on=ON)
    assert {r[3] for r in recorded()} == {"bat@mod.kz"}


def test_the_sentence_names_the_person_the_tour_and_what_to_do():
    asel = person()
    contingent = ContingentFactory(name="KAZCOY")
    departing = tour(asel, start=0, end=100, contingent=contingent, mission=contingent.mission)
    back = tour(
        person(unit=asel.unit, email="b@mod.kz", first_name="Arman", last_name="Abenov"),
        start=-100,
        end=-1,
        status=Status.DEPLOYED,
    )
    sweep_deployments_due(on=ON)
    departure = Reminder.objects.get(object_id=departing.pk)
    returning = Reminder.objects.get(object_id=back.pk)
    rank = asel.rank.name
    with translation.override("en"):
        assert wording.sentence(departure, today=ON) == (
            f"{rank} Nurlanova Asel was planned to depart to UNIFIL, KAZCOY on "
            f"{ON.isoformat()} (today) and no departure is recorded: record the day they left, "
            "or extend or cancel the tour."
        )
        assert wording.sentence(returning, today=ON) == (
            f"The tour of {rank} Abenov Arman in UNIFIL ended on {days(-1).isoformat()} and no "
            "return is recorded: record the day they came back, or extend the tour."
        )
    assert wording.link(departure) == reverse("personnel:person_detail", args=[asel.pk])


def test_the_sweep_takes_the_same_queries_for_many_tours():
    unit = commanded_unit()
    tour(person(unit=unit), start=0, end=100)
    with CaptureQueriesContext(connection) as few:
        sweep_deployments_due(on=ON)
    for n in range(20):
        tour(person(unit=unit, email=f"p{n}@mod.kz"), start=-n, end=100)
    with CaptureQueriesContext(connection) as many:
        sweep_deployments_due(on=ON)
    assert len(many) == len(few)
