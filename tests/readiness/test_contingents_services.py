"""Contingents and rotations (readiness/services/contingents.py, selectors/contingents.py):
every rule at its boundary, the next rotation, filling posts through deployment_plan, the
posts filled / open / at risk and the proposed roster."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from readiness.models import Contingent, ContingentPost, Deployment
from readiness.selectors.contingents import posts_summary, rotation_proposal
from readiness.services.contingents import (
    MAX_POSTS,
    contingent_next_rotation,
    contingent_save,
    post_fill,
    proposal_accept,
)
from readiness.services.deployments import NotReady
from tests import factories
from tests.readiness.contingent_support import (
    TOUR_END,
    TOUR_START,
    build_world,
    lapsing_person,
    ready_person,
)
from tests.readiness.deployment_support import DeploymentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(commander):
    return build_world(commander)


def save(world, by, **overrides):
    arguments = {
        "mission": world.mission,
        "unit": world.battalion,
        "name": "KAZCOY UNDOF",
        "rotation": 1,
        "starts_on": TOUR_START,
        "ends_on": TOUR_END,
        "posts": {world.officer: 12, world.staff: 18, world.member: 90},
    }
    arguments.update(overrides)
    if "mission" not in overrides:
        arguments["mission"] = factories.MissionFactory(
            acronym="UNDOF", started_on=dt.date(1974, 6, 1)
        )
    return contingent_save(by=by, **arguments)


def errors_of(error: ValidationError) -> dict[str, list[str]]:
    return {key: [str(m) for m in value] for key, value in error.message_dict.items()}


# --- creating and editing ------------------------------------------------------------------


def test_a_commander_creates_a_contingent_of_120_whose_planned_strength_is_its_posts(world):
    contingent = save(world, world.commander, partner_country="IN", partner_unit="INDBATT")
    assert contingent.planned_strength == 120
    assert {(p.role.code, p.count) for p in contingent.posts.all()} == {
        ("c-officer", 12),
        ("c-staff", 18),
        ("c-member", 90),
    }
    assert contingent.is_joint
    assert contingent.partner_unit == "INDBATT"


def test_an_administrator_creates_one_for_any_unit(world, administrator):
    assert save(world, administrator, unit=world.other).unit == world.other


def test_a_commander_above_the_unit_manages_it_too(world):
    assert save(world, world.ministry_commander).unit == world.battalion


@pytest.mark.parametrize("who", ["registrar", "instructor"])
def test_registrars_and_instructors_may_not_create_contingents(world, request, who):
    with pytest.raises(PermissionDenied):
        save(world, request.getfixturevalue(who))
    assert Contingent.objects.count() == 1


def test_a_commander_may_not_create_one_for_another_unit(world):
    with pytest.raises(ValidationError) as refused:
        save(world, world.other_commander)
    assert "KAZBAT is not in your units" in errors_of(refused.value)["unit"][0]


def test_a_commander_may_not_move_a_contingent_out_of_another_unit(world):
    with pytest.raises(ValidationError) as refused:
        save(world, world.other_commander, unit=world.other, contingent=world.contingent)
    assert "KAZBAT is not in your units" in errors_of(refused.value)["unit"][0]
    world.contingent.refresh_from_db()
    assert world.contingent.unit == world.battalion


def test_a_closed_mission_takes_no_new_contingent(world):
    closed = factories.MissionFactory(
        acronym="MINUSMA", started_on=dt.date(2013, 4, 25), ended_on=dt.date(2023, 12, 31)
    )
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, mission=closed)
    assert "MINUSMA closed on" in errors_of(refused.value)["mission"][0]


def test_the_first_day_may_be_the_missions_first_day_but_not_before(world):
    mission = factories.MissionFactory(acronym="NEW", started_on=TOUR_START)
    assert save(world, world.commander, mission=mission).starts_on == TOUR_START
    with pytest.raises(ValidationError) as refused:
        save(
            world,
            world.commander,
            mission=mission,
            rotation=2,
            starts_on=TOUR_START - dt.timedelta(days=1),
        )
    assert "NEW started on" in errors_of(refused.value)["starts_on"][0]


def test_one_whole_month_is_the_shortest_rotation(world):
    month_end = TOUR_START + dt.timedelta(days=30)  # 23 Dec .. 22 Jan: one whole month
    assert save(world, world.commander, ends_on=month_end).ends_on == month_end
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, rotation=2, ends_on=month_end - dt.timedelta(days=1))
    assert errors_of(refused.value)["ends_on"] == ["A rotation lasts at least one whole month."]
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, rotation=3, ends_on=TOUR_START - dt.timedelta(days=1))
    assert errors_of(refused.value)["ends_on"] == ["The end date cannot be before the start date."]


def test_a_partner_unit_needs_its_country(world):
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, partner_unit="INDBATT")
    assert "partner country" in errors_of(refused.value)["partner_country"][0]


def test_posts_from_one_to_the_maximum_per_role(world):
    contingent = save(world, world.commander, posts={world.member: MAX_POSTS})
    assert contingent.planned_strength == MAX_POSTS
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, rotation=2, posts={world.member: MAX_POSTS + 1})
    assert "C member: from 1 to 5000 posts." in errors_of(refused.value)["posts"]
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, rotation=2, posts={world.member: 0})
    assert errors_of(refused.value)["posts"] == ["Give at least one role its number of posts."]


def test_a_rotation_number_is_taken_once_per_mission_and_unit(world):
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, mission=world.mission)
    assert errors_of(refused.value)["rotation"] == ["KAZBAT already has rotation 1 in UNIFIL."]


def test_editing_keeps_its_rotation_and_changes_posts_in_place(world):
    contingent = save(
        world,
        world.commander,
        mission=world.mission,
        rotation=1,
        contingent=world.contingent,
        posts={world.officer: 2, world.member: 3},
    )
    assert contingent.pk == world.contingent.pk
    assert contingent.planned_strength == 5
    assert {(p.role_id, p.count) for p in contingent.posts.all()} == {
        (world.officer.pk, 2),
        (world.member.pk, 3),
    }


def test_posts_cannot_go_below_the_tours_filling_them(world):
    for name in ("Amanov", "Baimanov"):
        post_fill(
            contingent=world.contingent,
            person=ready_person(world.company, name),
            role=world.member,
            by=world.commander,
        )
    keep = {world.officer: 1, world.staff: 2}
    with pytest.raises(ValidationError) as refused:
        save(
            world,
            world.commander,
            mission=world.mission,
            contingent=world.contingent,
            posts={**keep, world.member: 1},
        )
    assert errors_of(refused.value)["posts"] == [
        "C member: 2 tours fill its posts; keep at least 2 posts."
    ]
    saved = save(
        world,
        world.commander,
        mission=world.mission,
        contingent=world.contingent,
        posts={**keep, world.member: 2},
    )
    assert saved.planned_strength == 5


def test_the_database_refuses_a_post_count_of_zero_and_two_rows_for_one_role(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContingentPost.objects.filter(contingent=world.contingent, role=world.member).update(
            count=0
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ContingentPost.objects.create(contingent=world.contingent, role=world.member, count=1)


# --- the next rotation ---------------------------------------------------------------------


def test_the_next_rotation_follows_on_with_the_same_posts_and_partner(world):
    world.contingent.partner_country = "IN"
    world.contingent.partner_unit = "INDBATT"
    world.contingent.save()
    following = contingent_next_rotation(contingent=world.contingent, by=world.commander)
    assert following.rotation == 2
    assert following.starts_on == TOUR_END + dt.timedelta(days=1)  # 2027-12-23
    assert following.ends_on == dt.date(2028, 12, 22)  # 12 months, over a 29 February
    assert following.planned_strength == 6
    assert {(p.role_id, p.count) for p in following.posts.all()} == {
        (p.role_id, p.count) for p in world.contingent.posts.all()
    }
    assert (following.partner_country, following.partner_unit) == ("IN", "INDBATT")
    assert following.name == world.contingent.name
    assert following.unit == world.battalion


def test_a_rotation_of_odd_length_is_followed_by_as_many_days(world):
    world.contingent.ends_on = TOUR_START + dt.timedelta(days=99)
    world.contingent.save()
    following = contingent_next_rotation(contingent=world.contingent, by=world.commander)
    assert following.starts_on == TOUR_START + dt.timedelta(days=100)
    assert following.ends_on - following.starts_on == dt.timedelta(days=99)


def test_the_next_rotation_is_created_once(world):
    contingent_next_rotation(contingent=world.contingent, by=world.commander)
    with pytest.raises(ValidationError) as refused:
        contingent_next_rotation(contingent=world.contingent, by=world.commander)
    assert errors_of(refused.value)["rotation"] == ["KAZBAT already has rotation 2 in UNIFIL."]


def test_a_rotation_without_posts_has_no_next_one(world):
    world.contingent.posts.all().delete()
    with pytest.raises(ValidationError) as refused:
        contingent_next_rotation(contingent=world.contingent, by=world.commander)
    assert "has no posts by role" in errors_of(refused.value)["posts"][0]


def test_only_its_managers_create_the_next_rotation(world, registrar):
    with pytest.raises(ValidationError):
        contingent_next_rotation(contingent=world.contingent, by=world.other_commander)
    with pytest.raises(PermissionDenied):
        contingent_next_rotation(contingent=world.contingent, by=registrar)
    assert Contingent.objects.count() == 1


# --- filling posts -------------------------------------------------------------------------


def test_filling_a_post_plans_a_tour_over_the_contingent(world):
    person = ready_person(world.company, "Amanov")
    tour = post_fill(
        contingent=world.contingent, person=person, role=world.officer, by=world.commander
    )
    assert (tour.starts_on, tour.ends_on) == (TOUR_START, TOUR_END)
    assert (tour.contingent, tour.mission, tour.role) == (
        world.contingent,
        world.mission,
        world.officer,
    )
    assert tour.status == Deployment.Status.PLANNED
    assert tour.history.get().history_user == world.commander


def test_the_last_post_of_a_role_is_filled_once(world):
    post_fill(
        contingent=world.contingent,
        person=ready_person(world.company, "Amanov"),
        role=world.officer,
        by=world.commander,
    )
    with pytest.raises(ValidationError) as refused:
        post_fill(
            contingent=world.contingent,
            person=ready_person(world.company, "Baimanov"),
            role=world.officer,
            by=world.commander,
        )
    assert errors_of(refused.value)["role"] == ["The 1 A officer post of KAZCOY is filled."]


def test_a_cancelled_or_repatriated_tour_frees_its_post(world):
    for status in (Deployment.Status.CANCELLED, Deployment.Status.REPATRIATED):
        DeploymentFactory(
            contingent=world.contingent,
            mission=world.mission,
            role=world.officer,
            person__unit=world.company,
            status=status,
        )
    tour = post_fill(
        contingent=world.contingent,
        person=ready_person(world.company, "Amanov"),
        role=world.officer,
        by=world.commander,
    )
    assert tour.pk


def test_a_role_without_posts_is_refused(world):
    other_role = factories.RequirementProfileFactory(code="c-pilot", name="Pilot")
    with pytest.raises(ValidationError) as refused:
        post_fill(
            contingent=world.contingent,
            person=ready_person(world.company, "Amanov"),
            role=other_role,
            by=world.commander,
        )
    assert errors_of(refused.value)["role"] == ["KAZCOY has no Pilot posts."]


def test_the_deployment_services_checks_pass_through(world):
    not_ready = factories.PersonFactory(unit=world.company)
    with pytest.raises(NotReady):
        post_fill(
            contingent=world.contingent, person=not_ready, role=world.member, by=world.commander
        )
    outsider = ready_person(world.other, "Outsider")
    with pytest.raises(ValidationError) as refused:
        post_fill(
            contingent=world.contingent, person=outsider, role=world.member, by=world.commander
        )
    assert "not in your units" in errors_of(refused.value)["person"][0]
    assert not Deployment.objects.exists()


def test_another_units_commander_fills_no_post(world):
    with pytest.raises(ValidationError) as refused:
        post_fill(
            contingent=world.contingent,
            person=ready_person(world.other, "Outsider"),
            role=world.member,
            by=world.other_commander,
        )
    assert "unit" in errors_of(refused.value)


def test_accepting_picks_plans_each_and_keeps_the_refusals(world):
    first = ready_person(world.company, "Amanov")
    second = ready_person(world.company, "Baimanov")
    not_ready = factories.PersonFactory(unit=world.company, last_name="Chokin")
    outcome = proposal_accept(
        contingent=world.contingent,
        picks=[(first, world.officer), (second, world.officer), (not_ready, world.member)],
        by=world.commander,
    )
    assert [t.person for t in outcome.planned] == [first]
    assert [(r.person, r.role) for r in outcome.refused] == [
        (second, world.officer),
        (not_ready, world.member),
    ]
    assert "filled" in outcome.refused[0].messages[0]
    assert "not ready" in outcome.refused[1].messages[0]


# --- posts filled, open, at risk -----------------------------------------------------------


def test_posts_summary_counts_filled_open_and_at_risk_per_role(world, commander):
    post_fill(
        contingent=world.contingent,
        person=ready_person(world.company, "Amanov"),
        role=world.member,
        by=world.commander,
    )
    lapsing = lapsing_person(
        world.company, "Baimanov", medical_until=TOUR_END - dt.timedelta(days=10)
    )
    post_fill(contingent=world.contingent, person=lapsing, role=world.member, by=world.commander)
    DeploymentFactory(
        contingent=world.contingent,
        mission=world.mission,
        role=world.member,
        person__unit=world.company,
        status=Deployment.Status.CANCELLED,
    )
    summary = posts_summary(contingent=world.contingent, user=commander)
    rows = {row.role.code: row for row in summary.rows}
    assert [(r.posts, r.filled, r.open, len(r.at_risk)) for r in summary.rows] == [
        (1, 0, 1, 0),
        (2, 0, 2, 0),
        (3, 2, 1, 1),
    ]
    risk = rows["c-member"].at_risk[0]
    assert risk.deployment.person == lapsing
    assert risk.visible
    assert "medical" in risk.reasons[0].lower()
    assert (summary.posts, summary.filled, summary.open, summary.at_risk) == (6, 2, 4, 1)
    # Another unit's commander sees the counts, not who is at risk.
    other = posts_summary(contingent=world.contingent, user=world.other_commander)
    assert other.at_risk == 1
    assert not other.rows[2].at_risk[0].visible


# --- the proposed roster -------------------------------------------------------------------


def test_the_proposal_offers_free_ready_people_of_the_subtree_with_their_verdicts(world):
    ready_person(world.company, "Amanov")
    ready_person(world.battalion, "Bekov")
    lapsing_person(world.company, "Aaronov", medical_until=TOUR_END - dt.timedelta(days=10))
    factories.PersonFactory(unit=world.company, last_name="Notready")
    ready_person(world.other, "Outsider")
    ready_person(world.company, "Inactive", is_active=False)
    busy = ready_person(world.company, "Busy")
    DeploymentFactory(
        person=busy,
        mission=world.mission,
        role=world.member,
        starts_on=TOUR_END - dt.timedelta(days=5),
        ends_on=TOUR_END + dt.timedelta(days=200),
        status=Deployment.Status.PLANNED,
    )
    proposal = rotation_proposal(contingent=world.contingent)
    assert proposal.considered == 4  # Amanov, Bekov, Aaronov, Notready
    proposed = {
        row.role.code: [(c.person.last_name, bool(c.lapsing)) for c in row.candidates]
        for row in proposal.rows
    }
    # Each person in one role; the fully ready first (by name), a lapsing record after them;
    # the roles with as many ready people in the order of their posts.
    assert proposed == {
        "c-officer": [("Amanov", False)],
        "c-staff": [("Bekov", False), ("Aaronov", True)],
        "c-member": [],
    }
    lapsing = proposal.rows[1].candidates[1]
    assert "medical" in lapsing.lapsing[0].reason.lower()


def test_the_proposal_is_capped_by_open_posts_and_skips_those_already_serving(world):
    serving = [ready_person(world.company, f"Serving{i}") for i in range(3)]
    for person in serving:
        post_fill(contingent=world.contingent, person=person, role=world.member, by=world.commander)
    free = [ready_person(world.company, f"Free{i:02d}") for i in range(10)]
    proposal = rotation_proposal(contingent=world.contingent)
    by_role = {row.role.code: row for row in proposal.rows}
    assert by_role["c-member"].open == 0
    assert by_role["c-member"].candidates == []
    assert len(by_role["c-officer"].candidates) == 1
    assert len(by_role["c-staff"].candidates) == 2
    proposed = {c.person.pk for row in proposal.rows for c in row.candidates}
    assert proposed <= {p.pk for p in free}


def test_the_next_rotations_proposal_is_accepted_into_its_posts(world):
    people = [ready_person(world.company, f"Next{i}") for i in range(6)]
    following = contingent_next_rotation(contingent=world.contingent, by=world.commander)
    proposal = rotation_proposal(contingent=following)
    picks = [(c.person, row.role) for row in proposal.rows for c in row.candidates]
    assert len(picks) == 6
    from personnel.models import Person

    by_pk = Person.objects.in_bulk([p.pk for p, _role in picks])
    outcome = proposal_accept(
        contingent=following,
        picks=[(by_pk[p.pk], role) for p, role in picks],
        by=world.commander,
    )
    assert len(outcome.planned) == 6
    assert not outcome.refused
    assert {t.person_id for t in outcome.planned} == {p.pk for p in people}
    summary = posts_summary(contingent=following, user=world.commander)
    assert (summary.filled, summary.open) == (6, 0)
    assert rotation_proposal(contingent=following).proposed == 0


def test_a_contingent_with_tours_stays_in_its_mission(world):
    post_fill(
        contingent=world.contingent,
        person=ready_person(world.company, "Amanov"),
        role=world.member,
        by=world.commander,
    )
    posts = {world.officer: 1, world.staff: 2, world.member: 3}
    with pytest.raises(ValidationError) as refused:
        save(world, world.commander, contingent=world.contingent, posts=posts)
    assert "it stays in UNIFIL" in errors_of(refused.value)["mission"][0]
    world.contingent.refresh_from_db()
    assert world.contingent.mission == world.mission
