"""The world of the contingent and rotation tests: a ministry with a battalion and its
company (the battalion commanded by `commander`, the ministry by a second commander), another
battalion with its own commander, an open mission, three roles asking for a medical
clearance and a passport, and a contingent of the battalion with posts in each role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.models import User
from accounts.roles import Role
from personnel.models import Person, Unit
from personnel.models.dates import period_end
from readiness.models import Contingent, ContingentPost, Mission, RequirementProfile
from tests import factories
from tests.readiness.deployment_support import START, make_ready

TOUR_START = START
TOUR_END = period_end(START, months=12)


@dataclass
class World:
    ministry: Unit
    battalion: Unit
    company: Unit
    other: Unit
    commander: User  # commands the battalion
    ministry_commander: User  # commands the ministry (the battalion is in their subtree)
    other_commander: User  # commands the other battalion
    mission: Mission
    officer: RequirementProfile
    staff: RequirementProfile
    member: RequirementProfile
    contingent: Contingent  # the battalion's rotation 1: 1 officer, 2 staff, 3 member posts


def build_world(commander: User) -> World:
    ministry_commander = factories.UserFactory(username="ministry-cdr", roles=[Role.COMMANDER])
    other_commander = factories.UserFactory(username="other-cdr", roles=[Role.COMMANDER])
    ministry = factories.UnitFactory(code="MOD", kind="headquarters", commander=ministry_commander)
    battalion = factories.UnitFactory(
        code="KAZBAT", kind="battalion", parent=ministry, commander=commander
    )
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    other = factories.UnitFactory(code="MIA-FPU", kind="battalion", commander=other_commander)
    mission = factories.MissionFactory()
    officer = factories.RequirementProfileFactory(code="c-officer", name="A officer")
    staff = factories.RequirementProfileFactory(code="c-staff", name="B staff")
    member = factories.RequirementProfileFactory(code="c-member", name="C member")
    contingent = Contingent.objects.create(
        mission=mission,
        unit=battalion,
        name="KAZCOY",
        rotation=1,
        starts_on=TOUR_START,
        ends_on=TOUR_END,
        planned_strength=6,
    )
    ContingentPost.objects.bulk_create(
        [
            ContingentPost(contingent=contingent, role=officer, count=1),
            ContingentPost(contingent=contingent, role=staff, count=2),
            ContingentPost(contingent=contingent, role=member, count=3),
        ]
    )
    return World(
        ministry=ministry,
        battalion=battalion,
        company=company,
        other=other,
        commander=commander,
        ministry_commander=ministry_commander,
        other_commander=other_commander,
        mission=mission,
        officer=officer,
        staff=staff,
        member=member,
        contingent=contingent,
    )


def ready_person(unit: Unit, last_name: str, **kwargs) -> Person:
    return make_ready(factories.PersonFactory(unit=unit, last_name=last_name, **kwargs))


def lapsing_person(unit: Unit, last_name: str, *, medical_until: dt.date) -> Person:
    """Ready on the tour's first day, with a medical clearance lapsing on `medical_until`."""
    person = factories.PersonFactory(unit=unit, last_name=last_name)
    factories.MedicalClearanceFactory(person=person, valid_until=medical_until)
    factories.PassportFactory(person=person, valid_until=dt.date(2032, 3, 1))
    return person
