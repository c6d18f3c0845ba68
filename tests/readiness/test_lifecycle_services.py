"""A tour's moves (readiness/services/lifecycle.py): every transition, every refusal, who
may, stale pages, and the history of who moved it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from readiness.models import Deployment
from readiness.services import lifecycle
from readiness.services.deployments import NotReady
from tests import factories
from tests.readiness.lifecycle_support import Status, planned_tour, ready_person, today

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def battalion(commander):
    return factories.UnitFactory(code="KAZBAT", kind="battalion", commander=commander)


@pytest.fixture
def person(battalion):
    return ready_person(battalion)


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return {key: [str(m) for m in value] for key, value in error.message_dict.items()}


def move(name: str, tour: Deployment, by, **kwargs):
    """Call the service of move `name` with the page's token of `tour`."""
    function = {
        lifecycle.CONFIRM: lifecycle.deployment_confirm,
        lifecycle.DEPART: lifecycle.deployment_depart,
        lifecycle.RETURN: lifecycle.deployment_return,
        lifecycle.REPATRIATE: lifecycle.deployment_repatriate,
        lifecycle.EXTEND: lifecycle.deployment_extend,
        lifecycle.CANCEL: lifecycle.deployment_cancel,
    }[name]
    kwargs.setdefault("seen", tour.lifecycle_token)
    return function(deployment=tour, by=by, **kwargs)


# Valid arguments of each move for a tour from planned_tour (under way since 10 days ago).
def arguments(name: str) -> dict:
    return {
        lifecycle.CONFIRM: {},
        lifecycle.DEPART: {"departed_on": today() - 2 * DAY},
        lifecycle.RETURN: {"returned_on": today()},
        lifecycle.REPATRIATE: {"returned_on": today(), "reason": "Medical evacuation."},
        lifecycle.EXTEND: {"ends_on": today() + 260 * DAY},
        lifecycle.CANCEL: {"reason": "The post was withdrawn."},
    }[name]


ALLOWED = {
    (Status.PLANNED, lifecycle.CONFIRM): Status.CONFIRMED,
    (Status.PLANNED, lifecycle.DEPART): Status.DEPLOYED,
    (Status.CONFIRMED, lifecycle.DEPART): Status.DEPLOYED,
    (Status.DEPLOYED, lifecycle.RETURN): Status.RETURNED,
    (Status.DEPLOYED, lifecycle.REPATRIATE): Status.REPATRIATED,
    (Status.PLANNED, lifecycle.EXTEND): Status.PLANNED,
    (Status.CONFIRMED, lifecycle.EXTEND): Status.CONFIRMED,
    (Status.DEPLOYED, lifecycle.EXTEND): Status.DEPLOYED,
    (Status.PLANNED, lifecycle.CANCEL): Status.CANCELLED,
    (Status.CONFIRMED, lifecycle.CANCEL): Status.CANCELLED,
}
MOVES = list(lifecycle.MOVES_FROM)


@pytest.mark.parametrize("status", list(Status), ids=str)
@pytest.mark.parametrize("name", MOVES)
def test_every_move_from_every_status(status, name, person, registrar):
    tour = planned_tour(person, status=status)
    expected = ALLOWED.get((status, name))
    if expected is None:
        with pytest.raises(ValidationError) as refused:
            move(name, tour, registrar, **arguments(name))
        assert refused.value.error_dict["__all__"][0].code == "not_allowed"
        [message] = messages_of(refused.value)["__all__"]
        assert tour.get_status_display() in message
        tour.refresh_from_db()
        assert tour.status == status
    else:
        moved = move(name, tour, registrar, **arguments(name))
        moved.refresh_from_db()
        assert moved.status == expected
        assert moved.history.first().history_user == registrar
    assert sorted(lifecycle.moves_for(tour)) == sorted(n for (s, n) in ALLOWED if s == status)


def test_a_departure_records_its_day_and_the_return_its_own(person, commander):
    tour = planned_tour(person, status=Status.CONFIRMED)
    tour = move(lifecycle.DEPART, tour, commander, departed_on=today() - 3 * DAY)
    assert (tour.status, tour.departed_on, tour.returned_on) == (
        Status.DEPLOYED,
        today() - 3 * DAY,
        None,
    )
    tour = move(lifecycle.RETURN, tour, commander, returned_on=today())
    tour.refresh_from_db()
    assert (tour.status, tour.departed_on, tour.returned_on) == (
        Status.RETURNED,
        today() - 3 * DAY,
        today(),
    )
    moves = [(h.status, h.history_user) for h in tour.history.order_by("history_date")]
    assert moves[-2:] == [(Status.DEPLOYED, commander), (Status.RETURNED, commander)]


@pytest.mark.parametrize(
    ("days", "text"),
    [(1, "still ahead"), (-400, "no departure before it"), (201, "extend it before")],
    ids=["tomorrow", "before-the-mission", "after-the-planned-end"],
)
def test_a_departure_day_is_refused_naming_why(person, registrar, days, text):
    mission = factories.MissionFactory(acronym="UNDOF", started_on=today() - 300 * DAY)
    tour = planned_tour(person, mission=mission)
    if days == 201:  # a departure after the planned end: pass "today" late enough
        with pytest.raises(ValidationError) as refused:
            move(
                lifecycle.DEPART,
                tour,
                registrar,
                departed_on=today() + days * DAY,
                today=today() + 300 * DAY,
            )
    else:
        with pytest.raises(ValidationError) as refused:
            move(lifecycle.DEPART, tour, registrar, departed_on=today() + days * DAY)
    [message] = messages_of(refused.value)["departed_on"]
    assert text in message
    tour.refresh_from_db()
    assert tour.status == Status.PLANNED


@pytest.mark.parametrize("name", [lifecycle.RETURN, lifecycle.REPATRIATE])
def test_a_return_before_the_departure_or_ahead_is_refused(person, registrar, name):
    tour = planned_tour(person, status=Status.DEPLOYED)  # departed 10 days ago
    extra = {"reason": "Medical."} if name == lifecycle.REPATRIATE else {}
    for day, text in ((today() - 11 * DAY, "cannot be before"), (today() + DAY, "still ahead")):
        with pytest.raises(ValidationError) as refused:
            move(name, tour, registrar, returned_on=day, **extra)
        [message] = messages_of(refused.value)["returned_on"]
        assert text in message
    tour.refresh_from_db()
    assert tour.status == Status.DEPLOYED
    assert tour.returned_on is None


@pytest.mark.parametrize(
    ("status", "name"),
    [(Status.DEPLOYED, lifecycle.REPATRIATE), (Status.PLANNED, lifecycle.CANCEL)],
)
def test_repatriation_and_cancellation_need_a_reason_and_keep_it(person, registrar, status, name):
    tour = planned_tour(person, status=status)
    values = arguments(name)
    with pytest.raises(ValidationError) as refused:
        move(name, tour, registrar, **{**values, "reason": "  "})
    assert "reason" in messages_of(refused.value)
    moved = move(name, tour, registrar, **values)
    assert moved.status_reason == values["reason"]


def test_confirming_rechecks_readiness_and_keeps_a_planned_override(battalion, registrar):
    person = factories.PersonFactory(unit=battalion)  # no medical, no passport
    tour = planned_tour(person)
    with pytest.raises(NotReady) as refused:
        move(lifecycle.CONFIRM, tour, registrar)
    assert refused.value.reasons
    waived = planned_tour(
        factories.PersonFactory(unit=battalion),
        override_reason="Waiver by the chief of staff.",
        override_by=registrar,
    )
    assert move(lifecycle.CONFIRM, waived, registrar).status == Status.CONFIRMED


def test_an_extension_moves_the_end_and_keeps_the_first(person, commander):
    tour = planned_tour(person, status=Status.DEPLOYED)
    first_end = tour.ends_on
    tour = move(lifecycle.EXTEND, tour, commander, ends_on=first_end + 30 * DAY)
    tour = move(lifecycle.EXTEND, tour, commander, ends_on=first_end + 60 * DAY)
    tour.refresh_from_db()
    assert (tour.ends_on, tour.extended_from, tour.status) == (
        first_end + 60 * DAY,
        first_end,
        Status.DEPLOYED,
    )


def test_an_extension_must_end_later_and_within_the_longest_tour(person, registrar):
    tour = planned_tour(person)
    with pytest.raises(ValidationError) as refused:
        move(lifecycle.EXTEND, tour, registrar, ends_on=tour.ends_on)
    assert "choose a later day" in messages_of(refused.value)["ends_on"][0]
    with pytest.raises(ValidationError) as refused:
        move(lifecycle.EXTEND, tour, registrar, ends_on=tour.starts_on + 37 * 31 * DAY)
    assert "36 months" in messages_of(refused.value)["ends_on"][0]


def test_an_extension_into_the_next_tour_is_refused_naming_it(person, registrar):
    tour = planned_tour(person, status=Status.DEPLOYED)
    next_mission = factories.MissionFactory(acronym="MINURSO", name="MINURSO")
    planned_tour(
        person,
        mission=next_mission,
        starts_on=tour.ends_on + 20 * DAY,
        ends_on=tour.ends_on + 200 * DAY,
    )
    with pytest.raises(ValidationError) as refused:
        move(lifecycle.EXTEND, tour, registrar, ends_on=tour.ends_on + 20 * DAY)
    [message] = messages_of(refused.value)["ends_on"]
    assert "MINURSO as Plain role" in message
    assert "(planned)" in message


def test_an_extension_rechecks_readiness_over_the_new_window(battalion, registrar, administrator):
    person = factories.PersonFactory(unit=battalion)
    factories.MedicalClearanceFactory(person=person, valid_until=today() + 900 * DAY)
    # The role wants the passport valid 6 months after the tour: fine for the first window.
    factories.PassportFactory(person=person, valid_until=today() + 400 * DAY)
    tour = planned_tour(person, status=Status.DEPLOYED)
    late = tour.ends_on + 60 * DAY
    with pytest.raises(NotReady):
        move(lifecycle.EXTEND, tour, registrar, ends_on=late)
    with pytest.raises(NotReady) as refused:
        move(lifecycle.EXTEND, tour, registrar, ends_on=late, override_reason="Needed.")
    assert refused.value.override_refused
    extended = move(lifecycle.EXTEND, tour, administrator, ends_on=late, override_reason="Needed.")
    assert (extended.ends_on, extended.override_reason, extended.override_by) == (
        late,
        "Needed.",
        administrator,
    )


def test_an_extension_past_the_mandate_needs_an_administrator_and_a_reason(
    person, registrar, administrator
):
    mission = factories.MissionFactory(
        acronym="UNDOF", mandate_until=today() + 220 * DAY, started_on=dt.date(1974, 6, 1)
    )
    tour = planned_tour(person, mission=mission)
    past = today() + 230 * DAY
    with pytest.raises(ValidationError) as refused:
        move(lifecycle.EXTEND, tour, registrar, ends_on=past)
    [message] = messages_of(refused.value)["ends_on"]
    assert "mandate runs until" in message
    assert "Administrator" in message  # who may
    with pytest.raises(ValidationError) as refused:
        move(lifecycle.EXTEND, tour, registrar, ends_on=past, mandate_override_reason="Asked.")
    assert refused.value.error_dict["ends_on"][0].code == "mandate_override_not_permitted"
    extended = move(
        lifecycle.EXTEND, tour, administrator, ends_on=past, mandate_override_reason="Asked."
    )
    assert (extended.mandate_override_reason, extended.mandate_override_by) == (
        "Asked.",
        administrator,
    )
    # Within the mandate nothing is asked.
    within = planned_tour(ready_person(person.unit), mission=mission)
    assert move(lifecycle.EXTEND, within, registrar, ends_on=today() + 220 * DAY).pk


def test_a_stale_page_is_refused_naming_the_tour_as_it_is(person, registrar, commander):
    tour = planned_tour(person)
    seen = tour.lifecycle_token
    move(lifecycle.CONFIRM, tour, commander)
    with pytest.raises(ValidationError) as refused:
        move(lifecycle.CANCEL, tour, registrar, reason="Withdrawn.", seen=seen)
    assert refused.value.error_dict["__all__"][0].code == "stale"
    [message] = messages_of(refused.value)["__all__"]
    assert "it is now confirmed" in message
    tour.refresh_from_db()
    assert tour.status == Status.CONFIRMED


def test_an_extension_seen_before_another_is_stale(person, registrar):
    tour = planned_tour(person)
    seen = tour.lifecycle_token
    move(lifecycle.EXTEND, tour, registrar, ends_on=tour.ends_on + 10 * DAY)
    with pytest.raises(ValidationError) as refused:
        move(lifecycle.EXTEND, tour, registrar, ends_on=tour.ends_on + 20 * DAY, seen=seen)
    assert refused.value.error_dict["__all__"][0].code == "stale"


def test_who_may_move_a_tour(person, commander, instructor, registrar, administrator):
    tour = planned_tour(person)
    other_commander = factories.UserFactory(username="cmdr2", roles=[Role.COMMANDER])
    factories.UnitFactory(code="KAZBRIG", commander=other_commander)
    for user in (instructor, other_commander):
        with pytest.raises(PermissionDenied):
            move(lifecycle.CONFIRM, tour, user)
        assert not lifecycle.may_move(user, tour)
    tour.refresh_from_db()
    assert tour.status == Status.PLANNED
    for user in (commander, registrar, administrator):
        assert lifecycle.may_move(user, tour)
    assert move(lifecycle.CONFIRM, tour, commander).status == Status.CONFIRMED


def test_a_commander_moves_the_tours_of_units_under_theirs(battalion, commander):
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    tour = planned_tour(ready_person(company))
    assert move(lifecycle.CONFIRM, tour, commander).status == Status.CONFIRMED


def test_a_tour_cut_short_frees_the_rest_of_its_days(person, registrar):
    tour = planned_tour(person, status=Status.DEPLOYED)
    move(lifecycle.REPATRIATE, tour, registrar, returned_on=today(), reason="Medical.")
    # A new tour inside the first one's planned days, after its early return.
    later = planned_tour(
        person,
        mission=factories.MissionFactory(acronym="UNDOF", name="UNDOF"),
        starts_on=today() + 30 * DAY,
        ends_on=today() + 100 * DAY,
    )
    assert later.pk


def test_deployed_on_reads_the_lifecycle_on_any_day(person, registrar):
    tour = planned_tour(person, status=Status.CONFIRMED)
    assert not Deployment.objects.deployed_on(today()).exists()
    move(lifecycle.DEPART, tour, registrar, departed_on=today() - 5 * DAY)
    deployed = Deployment.objects.deployed_on
    assert not deployed(today() - 6 * DAY).exists()
    assert list(deployed(today() - 5 * DAY)) == [tour]
    assert list(deployed(today())) == [tour]
    tour.refresh_from_db()
    move(lifecycle.RETURN, tour, registrar, returned_on=today())
    assert list(deployed(today() - DAY)) == [tour]  # history stays true
    assert not deployed(today()).exists()  # the return day is spent at home
