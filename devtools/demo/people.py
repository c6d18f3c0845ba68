"""The demo register: about 310 people in KAZCENT, KAZBAT, the observers' department and the
police units, partner countries' trainees, and their qualification records."""

import datetime as dt
import random
from dataclasses import dataclass

from personnel.models import (
    Category,
    DrivingLicence,
    Gender,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    Person,
    Rank,
    WeaponsQualification,
)

from . import names
from .context import DemoContext
from .dates import add_months
from .reference import DEMO_USERS

MILITARY, POLICE, CIVILIAN = Category.MILITARY.value, Category.POLICE.value, Category.CIVILIAN.value


@dataclass(frozen=True)
class Group:
    """People of one unit (or of a partner country) and one category, by rank."""

    unit: str | None
    category: str
    ranks: str  # "CPT 1, LT 2": how many of each rank; civilians, who have none: "10"
    women: int
    nationality: str = "KZ"

    def rank_codes(self) -> list[str]:
        """One rank code per person, senior first."""
        codes = []
        for part in self.ranks.split(","):
            code, _, count = part.strip().rpartition(" ")
            codes += [code] * int(count)
        return codes


GROUPS = (
    Group("KAZCENT", MILITARY, "COL 1, LTC 2, MAJ 1, CPT 2", 0),
    Group("KAZCENT-TD", CIVILIAN, "10", 3),
    Group("KAZCENT", CIVILIAN, "3", 1),
    Group("MOD-SOD", MILITARY, "LTC 4, MAJ 9, CPT 11", 10),
    Group("KAZBAT", MILITARY, "MAJ 2, CPT 1, SGM 1, SSGT 1", 0),
    Group(
        "KAZBAT-1", MILITARY, "CPT 1, SLT 2, LT 2, SGM 2, SSGT 4, SGT 7, JSGT 7, CPL 11, PTE 14", 2
    ),
    # The seven women of the UNDOF company.
    Group(
        "KAZBAT-2",
        MILITARY,
        "CPT 1, SLT 2, LT 3, SGM 2, SSGT 5, SGT 10, JSGT 10, CPL 16, PTE 26",
        7,
    ),
    Group(
        "KAZBAT-3", MILITARY, "CPT 1, SLT 2, LT 2, SGM 1, SSGT 4, SGT 8, JSGT 8, CPL 10, PTE 16", 1
    ),
    Group("KAZBAT-4", MILITARY, "CPT 1, LT 1, SGM 1, SSGT 2, SGT 4, JSGT 5, CPL 5, PTE 7", 2),
    Group("MIA-PPD", POLICE, "P-LTC 1, P-MAJ 3, P-CPT 4, P-SLT 3", 2),
    Group("MIA-FPU", POLICE, "P-MAJ 1, P-CPT 2, P-SLT 3, P-LT 4, P-SSGT 6, P-SGT 9", 3),
    Group(None, MILITARY, "LTC 1, MAJ 3, CPT 3", 0, "TJ"),
    Group(None, MILITARY, "MAJ 2, CPT 2", 0, "KG"),
    Group(None, POLICE, "P-MAJ 1, P-CPT 1", 1, "KG"),
    Group(None, MILITARY, "MAJ 1, CPT 2, SLT 1", 1, "UZ"),
    Group(None, POLICE, "P-CPT 1", 0, "UZ"),
)


@dataclass(frozen=True)
class NamedPerson:
    """A demo user's own entry in the register (names come from DEMO_USERS)."""

    unit: str
    category: str
    rank: str
    middle_name: str
    gender: str
    born: dt.date
    service_start: dt.date


NAMED_PEOPLE = {
    "registrar": NamedPerson(
        "KAZCENT-TD", CIVILIAN, "", "Bolatovna", "F", dt.date(1984, 3, 17), dt.date(2008, 9, 1)
    ),
    "instructor": NamedPerson(
        "KAZCENT", MILITARY, "MAJ", "Kairatovna", "F", dt.date(1987, 6, 2), dt.date(2005, 8, 1)
    ),
    "instructor2": NamedPerson(
        "KAZCENT-TD", CIVILIAN, "", "Askarovna", "F", dt.date(1990, 11, 9), dt.date(2014, 9, 1)
    ),
    "commander": NamedPerson(
        "KAZBAT", MILITARY, "LTC", "Serikovich", "M", dt.date(1980, 2, 21), dt.date(1998, 8, 1)
    ),
    "commander2": NamedPerson(
        "MIA-PPD", POLICE, "P-COL", "Talgatovich", "M", dt.date(1975, 9, 30), dt.date(1996, 7, 15)
    ),
}

# Years of birth by rank, so that ranks and ages agree.
BIRTH_YEARS = {
    "PTE": (1996, 2002),
    "CPL": (1994, 2001),
    "JSGT": (1992, 2000),
    "SGT": (1988, 1999),
    "SSGT": (1984, 1996),
    "SGM": (1976, 1990),
    "LT": (1996, 2001),
    "SLT": (1993, 1999),
    "CPT": (1988, 1995),
    "MAJ": (1982, 1991),
    "LTC": (1976, 1986),
    "COL": (1970, 1978),
    "P-SGT": (1990, 2001),
    "P-SSGT": (1985, 1998),
    "P-LT": (1994, 2000),
    "P-SLT": (1990, 1998),
    "P-CPT": (1986, 1994),
    "P-MAJ": (1980, 1990),
    "P-LTC": (1975, 1985),
    "P-COL": (1970, 1977),
    "": (1970, 2000),
}

EMAIL_DOMAINS = {MILITARY: "mil.example", POLICE: "police.example", CIVILIAN: "kazcent.example"}
CYRILLIC_SHARE = 0.1  # about one record in ten is kept as written in Cyrillic
INACTIVE = 6  # discharged or retired, kept in the register for history


def plan_people(ctx: DemoContext) -> list[Person]:
    """Unsaved Person rows for every group and demo user, in a fixed order."""
    rng = ctx.rng
    numbers = ServiceNumbers(rng)
    seen_names: set[tuple[str, str, str]] = set()
    emails: set[str] = set()
    people = []
    for username, named in NAMED_PEOPLE.items():
        user = next(u for u in DEMO_USERS if u.username == username)
        person = Person(
            service_number=numbers.next(named.category, "KZ"),
            rank=ctx.ranks.get(named.rank),
            last_name=user.last_name,
            first_name=user.first_name,
            middle_name=named.middle_name,
            gender=named.gender,
            date_of_birth=named.born,
            category=named.category,
            nationality="KZ",
            unit=ctx.units[named.unit],
            service_start_date=named.service_start,
            email=f"{user.first_name}.{user.last_name}@{EMAIL_DOMAINS[named.category]}".lower(),
            phone=phone(rng),
            user=ctx.users[username],
        )
        seen_names.add((person.last_name, person.first_name, person.middle_name))
        emails.add(person.email)
        people.append(person)
    for group in GROUPS:
        ranks = group.rank_codes()
        women = set(rng.sample(range(len(ranks)), group.women))
        for index, rank_code in enumerate(ranks):
            female = index in women
            last, first, middle, latin = draw_name(rng, group.nationality, female, seen_names)
            born = birth_date(rng, rank_code)
            person = Person(
                service_number=numbers.next(group.category, group.nationality),
                rank=ctx.ranks.get(rank_code),
                last_name=last,
                first_name=first,
                middle_name=middle,
                gender=Gender.FEMALE if female else Gender.MALE,
                date_of_birth=born,
                category=group.category,
                nationality=group.nationality,
                unit=ctx.units[group.unit] if group.unit else None,
                service_start_date=service_start(rng, born, ctx.ranks.get(rank_code), ctx.today),
                email=email(rng, latin, group, emails),
                phone=phone(rng) if group.nationality == "KZ" and rng.random() < 0.5 else "",
            )
            people.append(person)
    retire_some(rng, people)
    return people


class ServiceNumbers:
    """Unique, patterned service numbers: KZ-M-104523 (military), KZ-P-... (police),
    KZ-C-... (civilian staff), TJ-..., KG-..., UZ-... (partner countries' participants)."""

    def __init__(self, rng: random.Random) -> None:
        self.pool = iter(rng.sample(range(100_000, 1_000_000), 400))

    def next(self, category: str, nationality: str) -> str:
        if nationality != "KZ":
            return f"{nationality}-{next(self.pool)}"
        return f"KZ-{category[0].upper()}-{next(self.pool)}"


def draw_name(
    rng: random.Random, nationality: str, female: bool, seen: set[tuple[str, str, str]]
) -> tuple[str, str, str, tuple[str, str]]:
    """(last, first, middle) as stored, and (first, last) in Latin for the e-mail address."""
    while True:
        if nationality == "KZ":
            cyrillic = rng.random() < CYRILLIC_SHARE
            script = 1 if cyrillic else 0
            first = rng.choice(names.FEMALE_FIRST_NAMES if female else names.MALE_FIRST_NAMES)
            last = rng.choice(names.SURNAMES)
            father = rng.choice(names.FATHERS_NAMES)
            stored = (
                names.surname(last[script], female=female),
                first[script],
                names.patronymic(father[script], female=female),
            )
            latin = (first[0], names.surname(last[0], female=female))
        else:
            males, females, surnames = names.FOREIGN_NAMES[nationality]
            first_name = rng.choice(females if female else males)
            last_name = names.surname(rng.choice(surnames), female=female)
            stored = (last_name, first_name, "")
            latin = (first_name, last_name)
        if stored not in seen:
            seen.add(stored)
            return (*stored, latin)


def birth_date(rng: random.Random, rank_code: str) -> dt.date:
    first_year, last_year = BIRTH_YEARS[rank_code]
    start = dt.date(first_year, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(last_year, 12, 31) - start).days))


def service_start(rng: random.Random, born: dt.date, rank: Rank | None, today: dt.date) -> dt.date:
    """Service starts after the 18th birthday: officers at the academy, soldiers on contract,
    civilian staff after university; never later than half a year ago."""
    if rank is None:
        start = add_months(born, 12 * 22) + dt.timedelta(days=rng.randrange(3000))
    elif rank.is_officer:
        start = add_months(born, 12 * 18) + dt.timedelta(days=rng.randrange(30, 700))
    else:
        start = add_months(born, 12 * 18) + dt.timedelta(days=rng.randrange(30, 1800))
    return min(start, today - dt.timedelta(days=180))


def email(rng: random.Random, latin: tuple[str, str], group: Group, taken: set[str]) -> str:
    """About seven in ten have an e-mail address (on reserved .example domains)."""
    if rng.random() >= 0.7:
        return ""
    domain = EMAIL_DOMAINS[group.category]
    if group.nationality != "KZ":
        domain = f"mod-{group.nationality.lower()}.example"
    local = f"{latin[0]}.{latin[1]}".lower()
    address, suffix = f"{local}@{domain}", 2
    while address in taken:
        address, suffix = f"{local}{suffix}@{domain}", suffix + 1
    taken.add(address)
    return address


def phone(rng: random.Random) -> str:
    return (
        f"+7 70{rng.choice('1257')} {rng.randrange(100, 1000)} "
        f"{rng.randrange(10, 100)} {rng.randrange(10, 100)}"
    )


def retire_some(rng: random.Random, people: list[Person]) -> None:
    """A few men of the support and 3rd companies and the FPU have left the service."""
    candidates = [
        person
        for person in people
        if person.unit
        and person.unit.code in ("KAZBAT-3", "KAZBAT-4", "MIA-FPU")
        and person.gender == Gender.MALE
        and person.user is None
    ]
    for person in rng.sample(candidates, INACTIVE):
        person.is_active = False


# English STANAG 6001 profiles (L, S, R, W) drawn for each kind of person.
PROFILES_OBSERVERS = (
    (3, 2, 3, 2),
    (3, 2, 3, 2),
    (3, 3, 3, 3),
    (3, 3, 3, 2),
    (2, 2, 2, 2),
    (2, 2, 3, 2),
    (2, 2, 2, 1),
)
PROFILES_OFFICERS = ((2, 2, 2, 2), (2, 2, 2, 1), (3, 2, 3, 2), (1, 1, 2, 1), (2, 1, 2, 1))
PROFILES_SOLDIERS = (
    (1, 1, 1, 1),
    (1, 1, 1, 1),
    (1, 1, 1, 1),
    (2, 1, 2, 1),
    (1, 1, 1, 0),
    (2, 2, 2, 1),
    (0, 0, 1, 0),
)
PROFILES_POLICE = ((2, 2, 2, 2), (2, 2, 2, 1), (3, 2, 3, 2), (1, 1, 1, 1), (2, 2, 3, 2))
PROFILES_TEACHERS = ((4, 4, 4, 4), (3, 3, 3, 3), (4, 4, 4, 3), (5, 4, 5, 4))
PROFILES_OTHERS = ((2, 2, 2, 2), (1, 1, 1, 1), (3, 3, 3, 3), (2, 1, 2, 1))


def seed_qualifications(ctx: DemoContext) -> dict[str, int]:
    """Language profiles, medical clearances, passports, driving licences and weapons
    qualifications; dated so some lapse within 90 days of demo today and a few have lapsed."""
    rng, today = ctx.rng, ctx.today
    rows: dict[type, list] = {
        LanguageProficiency: [],
        MedicalClearance: [],
        Passport: [],
        DrivingLicence: [],
        WeaponsQualification: [],
    }
    numbers = iter(rng.sample(range(10_000_000, 100_000_000), 2000))

    def ago(low: int, high: int) -> dt.date:
        return today - dt.timedelta(days=rng.randrange(low, high))

    for person in ctx.people:
        officer = bool(person.rank and person.rank.is_officer)
        national = person.nationality == "KZ"
        unit = person.unit.code if person.unit else ""
        # English: almost every officer, most police, fewer soldiers; valid three years.
        chance = 1.0 if not national else 0.95 if officer else 0.8 if person.rank is None else 0.5
        if person.category == POLICE and national:
            chance = 0.85
        if rng.random() < chance:
            levels = rng.choice(language_profiles(person, officer, unit))
            tested = ago(20, 1300)
            rows[LanguageProficiency].append(
                LanguageProficiency(
                    person=person,
                    language="en",
                    listening=levels[0],
                    speaking=levels[1],
                    reading=levels[2],
                    writing=levels[3],
                    issued_on=tested,
                    valid_until=add_months(tested, 36),
                    document_number=f"ELT-{tested.year}-{next(numbers) % 100_000:05d}",
                    remarks="STANAG 6001 test, KAZCENT language department",
                )
            )
            if unit == "MOD-SOD" and rng.random() < 0.25:  # French for MINUSCA and MONUSCO
                tested = ago(60, 900)
                rows[LanguageProficiency].append(
                    LanguageProficiency(
                        person=person,
                        language="fr",
                        listening=2,
                        speaking=2,
                        reading=2,
                        writing=rng.choice((1, 2)),
                        issued_on=tested,
                        valid_until=add_months(tested, 36),
                        document_number=f"FLT-{tested.year}-{next(numbers) % 100_000:05d}",
                    )
                )
        if not national:
            continue  # partner countries keep their own records
        # Medical: a year's validity; about a quarter lapse within 90 days, a few have lapsed.
        if person.category != CIVILIAN or rng.random() < 0.5:
            examined = ago(5, 400)
            fitness = rng.choices(list(MedicalClearance.Fitness), weights=(94, 5, 1), k=1)[0]
            rows[MedicalClearance].append(
                MedicalClearance(
                    person=person,
                    issued_on=examined,
                    valid_until=add_months(examined, 12),
                    fitness=fitness,
                    document_number=f"MED-{next(numbers) % 1_000_000:06d}",
                    remarks="Military medical commission" if person.category == MILITARY else "",
                )
            )
        # Passport: ten years; service passports for uniformed officers.
        if rng.random() < 0.88:
            issued = ago(100, 3700)
            rows[Passport].append(
                Passport(
                    person=person,
                    issued_on=issued,
                    valid_until=add_months(issued, 120) - dt.timedelta(days=1),
                    kind=Passport.Kind.SERVICE if officer else Passport.Kind.NATIONAL,
                    document_number=f"N{next(numbers)}",
                )
            )
        # Driving licence: most officers and police, drivers among the soldiers.
        chance = 0.85 if officer or person.category == POLICE else 0.4
        if rng.random() < chance:
            issued = ago(200, 3600)
            manual = rng.random() < (0.9 if officer else 0.75)
            tested = ago(30, 700) if unit in ("MOD-SOD", "MIA-PPD") and rng.random() < 0.5 else None
            rows[DrivingLicence].append(
                DrivingLicence(
                    person=person,
                    issued_on=issued,
                    valid_until=add_months(issued, 120),
                    categories="B" if officer else rng.choice(("B", "B, C", "B, C, CE", "B, C, D")),
                    manual_transmission=manual,
                    driving_test_passed_on=tested,
                    document_number=f"KZ {next(numbers) % 1_000_000:06d}",
                )
            )
        # Weapons: yearly range qualification for the uniformed services.
        for weapon, remarks, applies in weapons(rng, person, officer):
            if applies:
                qualified = ago(10, 420)
                rows[WeaponsQualification].append(
                    WeaponsQualification(
                        person=person,
                        weapon=weapon,
                        issued_on=qualified,
                        valid_until=add_months(qualified, 12),
                        remarks=remarks,
                    )
                )
    for model, objs in rows.items():
        model.objects.bulk_create(objs, batch_size=500)
    return {model._meta.verbose_name_plural: len(objs) for model, objs in rows.items()}


def language_profiles(person: Person, officer: bool, unit: str) -> tuple:
    if unit == "MOD-SOD":
        return PROFILES_OBSERVERS
    if person.category == CIVILIAN:
        return PROFILES_TEACHERS if unit == "KAZCENT-TD" else PROFILES_OTHERS
    if person.category == POLICE:
        return PROFILES_POLICE
    if person.nationality != "KZ":
        return PROFILES_OTHERS
    return PROFILES_OFFICERS if officer else PROFILES_SOLDIERS


def weapons(rng: random.Random, person: Person, officer: bool) -> list[tuple[str, str, bool]]:
    """(weapon, remarks, held) for one person: rifles for soldiers, pistols for officers and
    police, machine guns for some gunners."""
    weapon = WeaponsQualification.Weapon
    if person.category == MILITARY:
        return [
            (weapon.RIFLE, "AK-74M", rng.random() < 0.95),
            (weapon.PISTOL, "PM (Makarov)", officer and rng.random() < 0.9),
            (weapon.MACHINE_GUN, "PKM", not officer and rng.random() < 0.12),
        ]
    if person.category == POLICE:
        fpu = person.unit is not None and person.unit.code == "MIA-FPU"
        return [
            (weapon.PISTOL, "PM (Makarov)", rng.random() < 0.95),
            (weapon.RIFLE, "AKS-74U", fpu and rng.random() < 0.6),
        ]
    return []


def save_people(ctx: DemoContext, people: list[Person]) -> None:
    """Insert the planned people; the context keeps them (with primary keys) for what follows."""
    ctx.people = Person.objects.bulk_create(people, batch_size=500)  # fills the search keys
