"""A large, realistic register for the benchmarks: `manage.py seed_scale --persons N`.

On top of the demo's reference data (users, units, ranks, catalogue, profiles), it adds
peacekeeping battalions of 1,000 people each (a battalion staff of 100 and six companies of
150 in three platoons of 50), so that every benchmark finds a 150-person unit; each person has
the qualification records and certifications a real register holds, in realistic shares.

Deterministic: person i is drawn from its own seeded generator, so growing N to M adds people
N..M-1 and leaves the first N as they were. Everything is written with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from courses.models import Certification, CertificationType
from devtools.demo import seed_reference
from devtools.demo.dates import add_months
from devtools.demo.names import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, SURNAMES, surname
from personnel.models import (
    Category,
    DrivingLicence,
    Gender,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    Person,
    Rank,
    Unit,
    WeaponsQualification,
)

SCALE_SEED = 6001
PREFIX = "SC"  # service numbers SC-000001..; certification numbers SC-<type>-000001
BATTALION_SIZE = 1_000
STAFF_SIZE = 100
COMPANIES, COMPANY_SIZE, PLATOON_SIZE = 6, 150, 50
BATCH = 2_000  # rows per INSERT: measured fastest on PostgreSQL for these narrow rows


@dataclass
class ScaleResult:
    people_before: int
    people_added: int
    units: int


def seed_scale(*, persons: int, today: dt.date | None = None) -> ScaleResult:
    """Grow the scale register to `persons` people (never shrinks it)."""
    today = today or timezone.localdate()
    seed_reference(today, SCALE_SEED)
    before = Person.objects.filter(service_number__startswith=f"{PREFIX}-").count()
    battalions = -(-persons // BATTALION_SIZE)  # ceiling
    slots = scale_units(battalions)
    ranks = {rank.code: rank for rank in Rank.objects.all()}
    types = {t.code: t for t in CertificationType.objects.all()}
    for start in range(before, persons, BATCH):
        with transaction.atomic():
            add_people(range(start, min(start + BATCH, persons)), slots, ranks, types, today)
    return ScaleResult(
        people_before=before, people_added=max(persons - before, 0), units=len(slots)
    )


def scale_units(battalions: int) -> list[Unit]:
    """Battalions BN-01.. under the Ministry of Defence, each with six companies of three
    platoons; returns the unit of each position in a battalion (index = person % 1000)."""
    root = Unit.objects.get(code="MOD")
    for b in range(1, battalions + 1):
        battalion = ensure_unit(root, f"BN-{b:02d}", f"{b}th Peacekeeping Battalion", "battalion")
        for c in range(1, COMPANIES + 1):
            company = ensure_unit(battalion, f"BN-{b:02d}-{c}", f"{c} Company", "company")
            for p in range(1, COMPANY_SIZE // PLATOON_SIZE + 1):
                ensure_unit(company, f"BN-{b:02d}-{c}-{p}", f"{p} Platoon", "platoon")
    units = {u.code: u for u in Unit.objects.filter(code__startswith="BN-")}
    slots = []
    for b in range(1, battalions + 1):
        slots += [units[f"BN-{b:02d}"]] * STAFF_SIZE
        for c in range(1, COMPANIES + 1):
            for p in range(1, COMPANY_SIZE // PLATOON_SIZE + 1):
                slots += [units[f"BN-{b:02d}-{c}-{p}"]] * PLATOON_SIZE
    return slots


def ensure_unit(parent: Unit, code: str, name: str, kind: str) -> Unit:
    if unit := Unit.objects.filter(code=code).first():
        return unit
    parent.refresh_from_db()  # treebeard counts children on the parent row
    return Unit.objects.add_child(
        parent,
        create_kwargs={"code": code, "name": name, "kind": kind, "location": "Almaty region"},
    )


OFFICER_RANKS = ("LT", "SLT", "CPT", "MAJ", "LTC")
SOLDIER_RANKS = ("PTE", "CPL", "JSGT", "SGT", "SSGT")


def add_people(indexes, slots, ranks, types, today: dt.date) -> None:
    people, records, certifications = [], [], []
    for i in indexes:
        rng = random.Random(f"{SCALE_SEED}-{i}")
        female = rng.random() < 0.1
        officer = i % BATTALION_SIZE < STAFF_SIZE or rng.random() < 0.12
        rank_code = rng.choice(OFFICER_RANKS if officer else SOLDIER_RANKS)
        born = today - dt.timedelta(days=rng.randint(20 * 365, 50 * 365))
        last = rng.choice(SURNAMES)[rng.random() < 0.2]  # a fifth written in Cyrillic
        first = rng.choice(FEMALE_FIRST_NAMES if female else MALE_FIRST_NAMES)[0]
        person = Person(
            service_number=f"{PREFIX}-{i + 1:06d}",
            rank=ranks.get(rank_code),
            last_name=surname(last, female=female),
            first_name=first,
            gender=Gender.FEMALE if female else Gender.MALE,
            date_of_birth=born,
            category=Category.MILITARY,
            nationality="KZ",
            unit=slots[i],
            service_start_date=born + dt.timedelta(days=18 * 365 + rng.randint(0, 3000)),
            email=f"sc{i + 1:06d}@mod.example.kz" if rng.random() < 0.7 else "",
            is_active=rng.random() > 0.02,
        )
        people.append((person, rng, officer))
    Person.objects.bulk_create([p for p, _, _ in people], batch_size=BATCH)
    for person, rng, officer in people:
        records += qualifications(person, rng, officer, today)
        certifications += held_certifications(person, rng, officer, types, today)
    by_model: dict[type, list] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    for model, rows in by_model.items():
        model.objects.bulk_create(rows, batch_size=BATCH)
    Certification.objects.bulk_create(certifications, batch_size=BATCH)


def lapsing(rng: random.Random, today: dt.date, *, years: int) -> tuple[dt.date, dt.date]:
    """An issue date and an end date: mostly valid, some lapsing within 90 days, some lapsed."""
    roll = rng.random()
    if roll < 0.08:
        valid_until = today - dt.timedelta(days=rng.randint(1, 400))
    elif roll < 0.2:
        valid_until = today + dt.timedelta(days=rng.randint(0, 89))
    else:
        valid_until = today + dt.timedelta(days=rng.randint(90, years * 365))
    return valid_until - dt.timedelta(days=years * 365), valid_until


def qualifications(person: Person, rng: random.Random, officer: bool, today: dt.date) -> list:
    records = []
    if rng.random() < 0.95:
        issued, until = lapsing(rng, today, years=1)
        records.append(MedicalClearance(person=person, issued_on=issued, valid_until=until))
    if rng.random() < 0.9:
        issued, until = lapsing(rng, today, years=10)
        records.append(
            Passport(
                person=person,
                issued_on=issued,
                valid_until=until,
                document_number=f"N{person.service_number[3:]}",
            )
        )
    if rng.random() < (0.9 if officer else 0.5):
        levels = [rng.randint(1, 4 if officer else 3) for _ in range(4)]
        issued, until = lapsing(rng, today, years=3)
        records.append(
            LanguageProficiency(
                person=person,
                issued_on=issued,
                valid_until=until,
                listening=levels[0],
                speaking=levels[1],
                reading=levels[2],
                writing=levels[3],
            )
        )
    if rng.random() < (0.8 if officer else 0.4):
        issued, until = lapsing(rng, today, years=10)
        records.append(
            DrivingLicence(
                person=person,
                issued_on=issued,
                valid_until=until,
                categories="B, C" if rng.random() < 0.5 else "B",
            )
        )
    if rng.random() < 0.85:
        issued, until = lapsing(rng, today, years=2)
        records.append(
            WeaponsQualification(
                person=person,
                issued_on=issued,
                valid_until=until,
                weapon="pistol" if officer else "rifle",
            )
        )
    return records


CERTIFICATION_SHARES = {
    "PDT": (0.45, 0.45, 36),
    "UNSOC": (0.25, 0.0, 48),
    "UNMEM": (0.12, 0.0, 48),
    "ENG": (0.3, 0.1, 36),
    "POC": (0.1, 0.05, 48),
}


def held_certifications(person, rng, officer, types, today) -> list[Certification]:
    held = []
    for code, (officer_share, other_share, months) in CERTIFICATION_SHARES.items():
        if code not in types or rng.random() >= (officer_share if officer else other_share):
            continue
        issued = today - dt.timedelta(days=rng.randint(30, months * 31))
        held.append(
            Certification(
                person=person,
                certification_type=types[code],
                number=f"{PREFIX}-{code}-{person.service_number[3:]}",
                verification_code=rng.randbytes(16).hex(),
                issued_on=issued,
                valid_until=add_months(issued, months),
                source=Certification.Source.IMPORT,
            )
        )
    return held
