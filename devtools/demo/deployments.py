"""Contingents and their rotations, individual tours of observers and staff officers, and
unit readiness assessments (PCRS)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from personnel.models import Passport, Person
from readiness.models import (
    AssessmentArea,
    AssessmentAreaResult,
    Contingent,
    Deployment,
    PCRSLevelChange,
    PCRSPledge,
    UnitReadinessAssessment,
)
from readiness.models.missions import DEPARTED
from readiness.models.units import STANDARD_AREAS

from .context import DemoContext
from .dates import add_months, at, tour_end

UNMO, STAFF, CONTINGENT, IPO = (
    "un-military-observer",
    "staff-officer",
    "contingent-member",
    "individual-police-officer",
)
ROLE_COURSE = {UNMO: "UNMEM", STAFF: "UNSOC"}  # the course a role's certification comes from


@dataclass(frozen=True)
class ContingentSpec:
    mission: str
    unit: str
    rotation: int
    name: str
    starts: int | dt.date  # days from demo today, or a fixed date for history
    tour_months: int
    strength: int
    members: str  # who served: see `contingent_members`
    partner_country: str = ""
    partner_unit: str = ""

    def starts_on(self, ctx: DemoContext) -> dt.date:
        return self.starts if isinstance(self.starts, dt.date) else ctx.days(self.starts)


FIRST_UNIFIL = dt.date(2018, 10, 30)
JOINT = {"partner_country": "IN", "partner_unit": "Indian Battalion (INDBATT)"}
CONTINGENTS = (
    # The first UNIFIL deployment, October 2018: 120 servicemen inside the Indian battalion,
    # for 18 months.
    ContingentSpec(
        "UNIFIL", "KAZBAT-1", 1, "KAZCOY UNIFIL", FIRST_UNIFIL, 18, 120, "veterans", **JOINT
    ),
    ContingentSpec("UNIFIL", "KAZBAT-1", 7, "KAZCOY UNIFIL", -700, 12, 120, "KAZBAT-3:15", **JOINT),
    ContingentSpec("UNIFIL", "KAZBAT-1", 8, "KAZCOY UNIFIL", -335, 12, 120, "KAZBAT-1", **JOINT),
    # The first independent contingent: the UNDOF company, 139 strong, 12-month rotations.
    ContingentSpec("UNDOF", "KAZBAT-2", 1, "KAZCOY UNDOF", -457, 12, 139, "KAZBAT-4,KAZBAT:12"),
    ContingentSpec("UNDOF", "KAZBAT-2", 2, "KAZCOY UNDOF", -92, 12, 139, "KAZBAT-2"),
)

# Observers' and staff officers' posts held now: (mission, role, days from demo today).
# The first eight are held by women (the seed documents: eight women serve as observers and
# staff officers); the first two end within 60 days.
CURRENT_POSTS = (
    ("MINURSO", UNMO, -340),
    ("MINUSCA", STAFF, -320),
    ("MINURSO", UNMO, -250),
    ("MINURSO", UNMO, -120),
    ("MINUSCA", UNMO, -200),
    ("MONUSCO", STAFF, -150),
    ("MONUSCO", UNMO, -60),
    ("UNIFIL", STAFF, -90),
    ("MINURSO", UNMO, -300),
    ("MINURSO", UNMO, -180),
    ("MINURSO", UNMO, -30),
    ("MINUSCA", STAFF, -220),
    ("MONUSCO", STAFF, -45),
    ("UNDOF", STAFF, -270),
)
PLANNED_POSTS = (("MINURSO", UNMO, 40), ("MONUSCO", UNMO, 60), ("UNMISS", STAFF, 75))
COMPLETED_POSTS = (("MINURSO", UNMO, -760), ("MONUSCO", STAFF, -720))
POLICE_POSTS = (("MINUSCA", IPO, 50), ("UNMISS", IPO, 80))
# Closed missions keep their history: (mission, role, start, who, imported certification).
HISTORIC_POSTS = (
    ("UNOCI", UNMO, dt.date(2014, 3, 1), "MOD-SOD:LTC", ("UNMEM", dt.date(2013, 11, 29))),
    ("MINUSMA", STAFF, dt.date(2018, 5, 15), "MOD-SOD:LTC", ("UNSOC", dt.date(2017, 12, 8))),
    ("UNMIN", UNMO, dt.date(2008, 1, 15), "KAZCENT:COL", ("UNMEM", dt.date(2007, 10, 26))),
)


@dataclass
class Tour:
    """One planned deployment row."""

    person: Person
    mission: str
    role: str
    starts_on: dt.date
    tour_months: int = 12
    contingent: ContingentSpec | None = None
    status: str = ""
    returned_on: dt.date | None = None
    status_reason: str = ""
    override_reason: str = ""
    imported: tuple[str, dt.date] | None = None  # a certification from before the system

    @property
    def ends_on(self) -> dt.date:
        return tour_end(self.starts_on, self.tour_months)


def plan_tours(ctx: DemoContext) -> list[Tour]:
    """Who serves where and when; each tour books the person so no course overlaps it."""
    rng, today = ctx.rng, ctx.today
    active = [p for p in ctx.people if p.is_active and p.user_id is None]
    tours = []
    for spec in CONTINGENTS:
        start = spec.starts_on(ctx)
        for person in contingent_members(ctx, spec, active):
            tours.append(Tour(person, spec.mission, CONTINGENT, start, spec.tour_months, spec))
    sod = [p for p in active if p.unit and p.unit.code == "MOD-SOD"]
    women = [p for p in sod if p.gender == "F"]
    men = [p for p in sod if p.gender == "M"]
    rng.shuffle(men)
    posts = (
        list(zip(women[:8] + men[:6], CURRENT_POSTS, strict=True))
        + list(zip(men[6:9], PLANNED_POSTS, strict=True))
        + list(zip(men[9:11], COMPLETED_POSTS, strict=True))
    )
    police = [p for p in active if p.unit and p.unit.code == "MIA-PPD" and p.rank.is_officer]
    posts += list(zip(rng.sample(police, len(POLICE_POSTS)), POLICE_POSTS, strict=True))
    for person, (mission, role, offset) in posts:
        tours.append(Tour(person, mission, role, ctx.days(offset)))
    for mission, role, start, who, imported in HISTORIC_POSTS:
        person = historic_officer(ctx, who, tours)
        tours.append(Tour(person, mission, role, start, imported=imported))
    for tour in tours:
        if tour.starts_on > today:
            tour.status = Deployment.Status.PLANNED
        elif tour.ends_on < today:
            tour.status = Deployment.Status.RETURNED
            tour.returned_on = tour.ends_on
        else:
            tour.status = Deployment.Status.DEPLOYED
        ctx.book(tour.person, tour.starts_on, tour.ends_on)
    undof = [t for t in tours if t.contingent and t.contingent.mission == "UNDOF"]
    repatriated = undof[0]  # a medical repatriation from the first UNDOF rotation
    repatriated.status = Deployment.Status.REPATRIATED
    repatriated.returned_on = repatriated.starts_on + dt.timedelta(days=150)
    repatriated.status_reason = "Medical repatriation."
    override_short_passport([t for t in undof if t.status == Deployment.Status.DEPLOYED])
    return tours


def override_short_passport(tours: list[Tour]) -> None:
    """The first deployed soldier whose passport ends within six months of the tour's end was
    deployed anyway, with a recorded override."""
    expiry = dict(
        Passport.objects.filter(person__in=[t.person for t in tours])
        .values("person")
        .annotate(last=Max("valid_until"))
        .values_list("person", "last")
    )
    for tour in tours:
        last = expiry.get(tour.person.pk)
        if last and last < add_months(tour.ends_on, 6):
            tour.override_reason = (
                "Passport valid for less than six months after the tour; renewal under way "
                "through the consular section. Deployed on the battalion commander's request."
            )
            return


def contingent_members(
    ctx: DemoContext, spec: ContingentSpec, active: list[Person]
) -> list[Person]:
    """A whole company ("KAZBAT-1"), or a sample from units ("KAZBAT-4,KAZBAT:12"), or the
    battalion's veterans of 2018 (in service then, sergeants and above)."""
    if spec.members == "veterans":
        candidates = [
            p
            for p in active
            if p.unit
            and p.unit.code.startswith("KAZBAT")
            and p.service_start_date <= dt.date(2018, 6, 30)
            and (p.rank.is_officer or p.rank.seniority >= 4)
        ]
        return ctx.rng.sample(candidates, 10)
    units, _, count = spec.members.partition(":")
    members = [p for p in active if p.unit and p.unit.code in units.split(",")]
    return ctx.rng.sample(members, int(count)) if count else members


def historic_officer(ctx: DemoContext, who: str, tours: list[Tour]) -> Person:
    """A senior officer of `who` ("MOD-SOD:LTC") not already given a historic tour."""
    unit, rank = who.split(":")
    taken = {t.person.pk for t in tours if t.starts_on.year < 2020}
    return next(
        p
        for p in ctx.people
        if p.is_active
        and p.unit
        and p.unit.code == unit
        and p.rank
        and p.rank.code == rank
        and p.pk not in taken
    )


def seed_deployments(ctx: DemoContext, tours: list[Tour], certified: set[int]) -> None:
    """Insert the contingents and the tours; a contingent member whose pre-deployment training
    did not certify them stays at home (only current rotations are checked)."""
    contingents = {}
    for spec in CONTINGENTS:
        start = spec.starts_on(ctx)
        contingents[spec] = Contingent.objects.create(
            mission=ctx.missions[spec.mission],
            unit=ctx.units[spec.unit],
            name=spec.name,
            rotation=spec.rotation,
            partner_country=spec.partner_country,
            partner_unit=spec.partner_unit,
            starts_on=start,
            ends_on=tour_end(start, spec.tour_months),
            planned_strength=spec.strength,
        )
    registrar = ctx.users["registrar"]
    rows = []
    for tour in tours:
        current = tour.status in (Deployment.Status.DEPLOYED, Deployment.Status.PLANNED)
        if tour.contingent and current and tour.person.pk not in certified:
            continue
        deployment = Deployment(
            person=tour.person,
            mission=ctx.missions[tour.mission],
            contingent=contingents.get(tour.contingent),
            role=ctx.profiles[tour.role],
            starts_on=tour.starts_on,
            ends_on=tour.ends_on,
            departed_on=tour.starts_on if tour.status in DEPARTED else None,
            returned_on=tour.returned_on,
            status=tour.status,
            status_reason=tour.status_reason,
            override_reason=tour.override_reason,
            override_by=registrar if tour.override_reason else None,
        )
        deployment._history_user = registrar
        deployment._history_date = at(min(tour.starts_on, ctx.today) - dt.timedelta(days=30), 10)
        rows.append(deployment)
    bulk_create_with_history(rows, Deployment, batch_size=500)


# (unit, kind, days from demo today, PCRS level, outcome, assessed by, remarks, areas)
S, NI = "satisfactory", "needs_improvement"
ASSESSMENTS = (
    (
        "KAZBAT-1",
        "aav",
        -380,
        "2",
        "passed",
        "UN DPO Office of Military Affairs, Force Generation Service (AAV team)",
        "Assessment and Advisory Visit at the end of pre-deployment training; the company is "
        "eligible for deployment with the Indian battalion in UNIFIL.",
        (
            ("general", S, "Command and control, company standing operating procedures."),
            ("training", S, "CPTM and STM delivered; checkpoint and convoy drills observed."),
            ("equipment", NI, "Two APCs awaiting spare parts; update the COE list before loading."),
            ("movement", S, "Load lists and movement plan agreed with the Indian battalion."),
            ("medical", S, "Level 1 medical team complete; vaccination records in order."),
            ("engineering", S, "Counter-IED robotics demonstrated."),
            ("ict", NI, "Second HF radio net to be set up; UN e-mail accounts pending."),
        ),
    ),
    (
        "KAZBAT-2",
        "aav",
        -500,
        "2",
        "passed",
        "UN DPO Office of Military Affairs, Force Generation Service (AAV team)",
        "First AAV of the UNDOF company before its first rotation.",
        (
            ("general", S, ""),
            ("training", S, ""),
            ("equipment", S, ""),
            ("medical", NI, "Second medical officer still to be assigned."),
        ),
    ),
    (
        "KAZBAT-2",
        "pdv",
        -105,
        "3",
        "passed",
        "UN assessment team, UNDOF Force Headquarters and DPO",
        "Pre-deployment visit closing six months of training: personnel and COE aligned with "
        "the UNDOF Statement of Unit Requirements.",
        (
            ("general", S, ""),
            ("training", S, "Base security, patrolling and first aid demonstrated on the range."),
            ("equipment", S, ""),
            ("movement", S, "Strategic lift booked."),
            ("medical", S, ""),
            ("conduct", S, "Conduct and discipline briefings given to every soldier."),
        ),
    ),
    (
        "KAZBAT-3",
        "internal",
        -30,
        "",
        "conditional",
        "KAZBAT headquarters",
        "Internal readiness check of the 3rd company for the next rotation.",
        (
            ("training", NI, "Part of the company below English 1-1-1-1; PDT not started yet."),
            ("equipment", S, ""),
            ("medical", NI, "Several medical clearances lapse within 90 days."),
            ("logistics", S, ""),
        ),
    ),
)


def seed_readiness(ctx: DemoContext) -> None:
    """KAZBAT's AAVs (the UNIFIL company reached PCRS level 2), the UNDOF company's
    pre-deployment visit and an internal check of the 3rd company, with per-area results."""
    # The areas are data the migration seeds; a database emptied since (a test's flush) lacks
    # them, and the results below refer to them.
    for order, (code, name) in enumerate(STANDARD_AREAS, start=1):
        AssessmentArea.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    areas = []
    visits = {}
    for unit, kind, offset, level, outcome, assessed_by, remarks, results in ASSESSMENTS:
        assessment = visits[unit, kind] = UnitReadinessAssessment.objects.create(
            unit=ctx.units[unit],
            assessed_on=ctx.days(offset),
            kind=kind,
            pcrs_level=level,
            outcome=outcome,
            assessed_by=assessed_by,
            remarks=remarks,
        )
        areas += [
            AssessmentAreaResult(assessment=assessment, area_id=area, result=result, remarks=note)
            for area, result, note in results
        ]
    AssessmentAreaResult.objects.bulk_create(areas)
    seed_pledges(ctx, visits)


# (unit, capability, days registered before demo today, level, the AAV that backs it)
PLEDGES = (
    ("KAZBAT-1", "Infantry company (120), with the Indian battalion in UNIFIL", 760, "2"),
    ("KAZBAT-2", "Infantry company (139), Force Commander's reserve in UNDOF", 820, "2"),
    ("KAZBAT-3", "Infantry company (120), next rotation", 200, "1"),
)


def seed_pledges(ctx: DemoContext, visits: dict) -> None:
    """The companies' PCRS pledges: the two that passed their AAV at Level 2 (backed by it),
    the 3rd company registered at Level 1; renewed 2 months ago, so due in 4."""
    for unit, capability, registered, level in PLEDGES:
        aav = visits.get((unit, "aav")) if level != "1" else None
        pledge = PCRSPledge.objects.create(
            unit=ctx.units[unit],
            registered_on=ctx.days(-registered),
            capability=capability,
            level=level,
            level_since=aav.assessed_on if aav else ctx.days(-registered),
            backing_visit=aav,
            renewed_on=ctx.days(-60),
            renewal_due_on=ctx.days(120),
        )
        PCRSLevelChange.objects.create(
            pledge=pledge, level="1", changed_on=pledge.registered_on, reason="pledge registered"
        )
        if aav:
            PCRSLevelChange.objects.create(
                pledge=pledge,
                level=level,
                changed_on=aav.assessed_on,
                backing_visit=aav,
                reason="AAV passed",
            )
