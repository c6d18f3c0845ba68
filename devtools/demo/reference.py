"""Reference data: users, the unit tree, ranks, the course catalogue, missions, requirement
profiles and UN gender targets. Each row is found by its natural key and created only when
missing, so a second run changes nothing and an administrator's edits are kept."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from courses.models import AssessmentComponent, CertificationType, Course
from personnel.models import Category, GenderCategory, Rank, Unit
from readiness.models import GenderTarget, Mission, RequirementProfile
from readiness.requirement_profiles import requirement_profiles_seed

from .dates import add_months

DEMO_PASSWORD = "peacekeeper-2026"  # passes the project's validators (length 10, not common)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    first_name: str
    last_name: str
    about: str


DEMO_USERS = (
    DemoUser("registrar", Role.REGISTRAR, "Gulnara", "Ospanova", "training department, KAZCENT"),
    DemoUser("instructor", Role.INSTRUCTOR, "Aliya", "Seitkali", "UNSOC, UNMEM, POC, PDT"),
    DemoUser("instructor2", Role.INSTRUCTOR, "Dana", "Kassymova", "English, gender, UNPOL, PDT"),
    DemoUser("commander", Role.COMMANDER, "Yerlan", "Abenov", "KAZBAT and its companies"),
    DemoUser("commander2", Role.COMMANDER, "Marat", "Zhakupov", "the police peacekeeping units"),
    DemoUser("admin", Role.ADMINISTRATOR, "", "", "superuser, the admin site"),
)

# (code, parent code, kind, location, name), parents first.
UNITS = (
    ("MOD", None, "headquarters", "Astana", "Ministry of Defence of Kazakhstan"),
    ("KAZCENT", "MOD", "centre", "Almaty region", "Peace Operations Centre (KAZCENT)"),
    ("KAZCENT-TD", "KAZCENT", "department", "Almaty region", "Training and Language Department"),
    ("MOD-SOD", "MOD", "department", "Astana", "Staff Officers and Military Observers Department"),
    ("KAZBAT", "MOD", "battalion", "Almaty region", "Kazakhstan Peacekeeping Battalion (KAZBAT)"),
    ("KAZBAT-1", "KAZBAT", "company", "Almaty region", "1st Peacekeeping Company (UNIFIL)"),
    ("KAZBAT-2", "KAZBAT", "company", "Almaty region", "2nd Peacekeeping Company (UNDOF)"),
    ("KAZBAT-3", "KAZBAT", "company", "Almaty region", "3rd Peacekeeping Company"),
    ("KAZBAT-4", "KAZBAT", "company", "Almaty region", "Support Company"),
    ("MIA", None, "headquarters", "Astana", "Ministry of Internal Affairs of Kazakhstan"),
    ("MIA-PPD", "MIA", "police_unit", "Astana", "Police Peacekeeping Department"),
    ("MIA-FPU", "MIA-PPD", "police_unit", "Almaty", "Formed Police Unit"),
)
# A commander sees their unit and every unit under it (personnel/scope.py).
UNIT_COMMANDERS = {"KAZBAT": "commander", "MIA-PPD": "commander2"}

# (code, name, category, seniority, officer). The names are in the translation catalogues too:
# an import may give a rank by its Russian or Kazakh name (personnel/ranks.py).
RANKS = (
    ("PTE", gettext_noop("Private"), "military", 1, False),
    ("CPL", gettext_noop("Corporal"), "military", 2, False),
    ("JSGT", gettext_noop("Junior Sergeant"), "military", 3, False),
    ("SGT", gettext_noop("Sergeant"), "military", 4, False),
    ("SSGT", gettext_noop("Senior Sergeant"), "military", 5, False),
    ("SGM", gettext_noop("Sergeant Major"), "military", 6, False),
    ("LT", gettext_noop("Lieutenant"), "military", 7, True),
    ("SLT", gettext_noop("Senior Lieutenant"), "military", 8, True),
    ("CPT", gettext_noop("Captain"), "military", 9, True),
    ("MAJ", gettext_noop("Major"), "military", 10, True),
    ("LTC", gettext_noop("Lieutenant Colonel"), "military", 11, True),
    ("COL", gettext_noop("Colonel"), "military", 12, True),
    ("P-SGT", gettext_noop("Sergeant of Police"), "police", 1, False),
    ("P-SSGT", gettext_noop("Senior Sergeant of Police"), "police", 2, False),
    ("P-LT", gettext_noop("Lieutenant of Police"), "police", 3, True),
    ("P-SLT", gettext_noop("Senior Lieutenant of Police"), "police", 4, True),
    ("P-CPT", gettext_noop("Captain of Police"), "police", 5, True),
    ("P-MAJ", gettext_noop("Major of Police"), "police", 6, True),
    ("P-LTC", gettext_noop("Lieutenant Colonel of Police"), "police", 7, True),
    ("P-COL", gettext_noop("Colonel of Police"), "police", 8, True),
)

CERTIFICATION_TYPES = (
    ("UNSOC", "UN Staff Officer", "Completed the UN Staff Officer Course."),
    ("UNMEM", "UN Military Expert on Mission", "Completed the UNMEM / military observer course."),
    ("POC", "Protection of Civilians", "Completed the Protection of Civilians course."),
    (
        "PDT",
        "Contingent pre-deployment training",
        "Completed a contingent's pre-deployment training.",
    ),
    ("ENG", "English for peacekeepers", "Completed the centre's English course for UN missions."),
    (
        "GENDER",
        "Gender in peacekeeping",
        "Completed the gender in peacekeeping course (UNSCR 1325).",
    ),
    ("UNPOL", "UN Police Officer", "Completed the UN Police Officer course."),
)

MILITARY, POLICE, CIVILIAN = Category.MILITARY.value, Category.POLICE.value, Category.CIVILIAN.value

# Components: (name, weight, pass score or None, must pass). Weights of a course add up to 100.
COURSES = {
    "UNSOC": {
        "title": "UN Staff Officer Course",
        "kind": "un_recognised",
        "duration_days": 19,
        "default_capacity": 24,
        "pass_mark": 70,
        "min_attendance_percent": 90,
        "validity_months": 48,
        "admitted_categories": [MILITARY],
        "description": (
            "Staff work in a UN mission headquarters (UN STM for staff officers). "
            "UN-recognised since January 2019; the recognition is renewed every four years."
        ),
        "components": (
            ("Written examination", 40, 60, True),
            ("Staff exercise (MAPEX)", 40, 60, False),
            ("Syndicate briefing", 20, None, False),
        ),
    },
    "UNMEM": {
        "title": "UN Military Expert on Mission Course",
        "kind": "un_recognised",
        "duration_days": 26,
        "default_capacity": 20,
        "pass_mark": 70,
        "min_attendance_percent": 90,
        "validity_months": 48,
        "admitted_categories": [MILITARY],
        "prerequisites": ("ENG",),
        "description": (
            "Military observers: patrolling, negotiation, reporting, driving (UN STM). "
            "One of the centre's three UN-certified courses open to foreign participants."
        ),
        "components": (
            ("Written test", 30, 60, True),
            ("Field exercise: patrol and observation post", 40, 60, True),
            ("Report writing", 20, None, False),
            ("Negotiation role play", 10, None, False),
        ),
    },
    "POC": {
        "title": "Protection of Civilians Course",
        "kind": "un_recognised",
        "duration_days": 12,
        "default_capacity": 24,
        "pass_mark": 65,
        "min_attendance_percent": 80,
        "validity_months": 24,
        "description": (
            "The UN protection of civilians mandate in practice, for all components. "
            "UN-recognised since January 2019; the recognition is renewed every four years."
        ),
        "components": (
            ("Written test", 50, 60, True),
            ("Scenario exercise", 50, None, False),
        ),
    },
    "PDT": {
        "title": "Contingent Pre-Deployment Training",
        "kind": "pre_deployment",
        "duration_days": 180,
        "default_capacity": 150,
        "pass_mark": 60,
        "min_attendance_percent": 85,
        "validity_months": 12,
        "admitted_categories": [MILITARY, POLICE],
        "description": (
            "About six months: special tactical, engineering and medical training, base "
            "security, checkpoints, patrolling, convoys, counter-IED, first aid, English, rules "
            "for the use of force and international humanitarian law (CPTM 2017). Ends with a "
            "UN assessment team visit."
        ),
        "components": (
            ("Tactical skills: checkpoints, patrolling, convoys", 30, 60, True),
            ("Counter-IED", 15, 70, True),
            ("First aid and casualty evacuation", 15, 70, True),
            ("Rules for the use of force and IHL test", 20, 60, False),
            ("English for the mission", 10, None, False),
            ("Base security exercise", 10, None, False),
        ),
    },
    "ENG": {
        "title": "English for UN Missions",
        "kind": "language",
        "duration_days": 68,
        "default_capacity": 20,
        "pass_mark": 60,
        "min_attendance_percent": 85,
        "validity_months": 24,
        "description": "Ten weeks of English, tested as a STANAG 6001 profile (L-S-R-W).",
        "components": (
            ("Listening", 25, None, False),
            ("Speaking", 25, 50, True),
            ("Reading", 25, None, False),
            ("Writing", 25, None, False),
        ),
    },
    "GENDER": {
        "title": "Gender in Peacekeeping",
        "kind": "specialised",
        "duration_days": 5,
        "default_capacity": 25,
        "pass_mark": 60,
        "min_attendance_percent": 80,
        "validity_months": 24,
        "description": "UNSCR 1325 (Women, Peace and Security) and gender in missions.",
        "components": (
            ("Written test", 60, None, False),
            ("Case study", 40, 50, True),
        ),
    },
    "UNPOL": {
        "title": "UN Police Officer Course",
        "kind": "specialised",
        "duration_days": 19,
        "default_capacity": 20,
        "pass_mark": 60,
        "min_attendance_percent": 90,
        "validity_months": 36,
        "admitted_categories": [POLICE],
        "description": "Individual police officers, to the UN's assessment for mission service.",
        "components": (
            ("Language test", 20, 60, True),
            ("Firearms test", 20, 60, True),
            ("Driving test", 20, 60, True),
            ("Computer skills", 10, None, False),
            ("Written examination", 30, None, False),
        ),
    },
}

COURSE_CERTIFICATION = {code: code for code in COURSES}  # each course grants its namesake

# Recognition: UNSOC and POC since January 2019 (renewed every four years), UNMEM later.
# Months back from demo today of the current recognition, so the demo stays current; POC's
# lapses within six months of demo today.
RECOGNITION_MONTHS_AGO = {"UNSOC": 22, "UNMEM": 36, "POC": 43}
RECOGNITION_YEARS = 4

# (acronym, name, host, started, ended, mandate until)
MISSIONS = (
    (
        "MINURSO",
        "United Nations Mission for the Referendum in Western Sahara",
        "Western Sahara",
        dt.date(1991, 4, 29),
        None,
        None,
    ),
    (
        "MINUSCA",
        "United Nations Multidimensional Integrated Stabilization Mission in the Central "
        "African Republic",
        "Central African Republic",
        dt.date(2014, 4, 10),
        None,
        None,
    ),
    (
        "MONUSCO",
        "United Nations Organization Stabilization Mission in the Democratic Republic of the Congo",
        "Democratic Republic of the Congo",
        dt.date(2010, 7, 1),
        None,
        None,
    ),
    (
        "UNDOF",
        "United Nations Disengagement Observer Force",
        "Golan Heights",
        dt.date(1974, 5, 31),
        None,
        None,
    ),
    (
        "UNFICYP",
        "United Nations Peacekeeping Force in Cyprus",
        "Cyprus",
        dt.date(1964, 3, 4),
        None,
        None,
    ),
    (
        "UNIFIL",
        "United Nations Interim Force in Lebanon",
        "Lebanon",
        dt.date(1978, 3, 19),
        None,
        dt.date(2026, 12, 31),
    ),
    (
        "UNISFA",
        "United Nations Interim Security Force for Abyei",
        "Abyei",
        dt.date(2011, 6, 27),
        None,
        None,
    ),
    (
        "UNMIK",
        "United Nations Interim Administration Mission in Kosovo",
        "Kosovo",
        dt.date(1999, 6, 10),
        None,
        None,
    ),
    (
        "UNMISS",
        "United Nations Mission in the Republic of South Sudan",
        "South Sudan",
        dt.date(2011, 7, 9),
        None,
        None,
    ),
    (
        "UNMOGIP",
        "United Nations Military Observer Group in India and Pakistan",
        "India and Pakistan (Jammu and Kashmir)",
        dt.date(1949, 1, 24),
        None,
        None,
    ),
    (
        "UNTSO",
        "United Nations Truce Supervision Organization",
        "Middle East",
        dt.date(1948, 5, 29),
        None,
        None,
    ),
    (
        "MINUSMA",
        "United Nations Multidimensional Integrated Stabilization Mission in Mali",
        "Mali",
        dt.date(2013, 4, 25),
        dt.date(2023, 12, 31),
        None,
    ),
    (
        "UNOCI",
        "United Nations Operation in Côte d'Ivoire",
        "Côte d'Ivoire",
        dt.date(2004, 4, 4),
        dt.date(2017, 6, 30),
        None,
    ),
    (
        "UNAMID",
        "African Union-United Nations Hybrid Operation in Darfur",
        "Darfur (Sudan)",
        dt.date(2007, 7, 31),
        dt.date(2020, 12, 31),
        None,
    ),
    (
        "UNMIN",
        "United Nations Mission in Nepal",
        "Nepal",
        dt.date(2007, 1, 23),
        dt.date(2011, 1, 15),
        None,
    ),
)

# UN Uniformed Gender Parity Strategy 2018-2028: category -> (2021 target or None, 2028 target).
GENDER_TARGETS = {
    GenderCategory.CONTINGENT: (Decimal(8), Decimal(15)),
    GenderCategory.OBSERVERS_STAFF: (Decimal(18), Decimal(25)),
    GenderCategory.FORMED_POLICE: (None, Decimal(20)),
    GenderCategory.INDIVIDUAL_POLICE: (None, Decimal(30)),
}
GENDER_SOURCE = "UN Uniformed Gender Parity Strategy 2018-2028"


def seed_users() -> dict[str, User]:
    """The demo logins, one or two per role, all with DEMO_PASSWORD; `admin` is a superuser."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow on purpose
    users = {}
    for spec in DEMO_USERS:
        is_admin = spec.role is Role.ADMINISTRATOR
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@kazcent.example",
                "is_staff": is_admin,
                "is_superuser": is_admin,
            },
        )
        if created:
            validate_password(DEMO_PASSWORD, user)
            user.password = password
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=spec.role.value))
        users[spec.username] = user
    return users


def seed_units(users: dict[str, User]) -> dict[str, Unit]:
    """The unit tree: the Ministry of Defence with KAZCENT, KAZBAT and its companies and the
    observers' department; the Ministry of Internal Affairs with the police units."""
    for code, parent_code, kind, location, name in UNITS:
        if Unit.objects.filter(code=code).exists():
            continue
        commander = users[UNIT_COMMANDERS[code]] if code in UNIT_COMMANDERS else None
        fields = {"code": code, "name": name, "kind": kind, "location": location}
        if parent_code is None:
            Unit.objects.add_root(create_kwargs={**fields, "commander": commander})
        else:
            # Refetched each time: treebeard's cached path and numchild go stale on add_child.
            parent = Unit.objects.get(code=parent_code)
            Unit.objects.add_child(parent, create_kwargs={**fields, "commander": commander})
    return {unit.code: unit for unit in Unit.objects.filter(code__in=[u[0] for u in UNITS])}


def seed_ranks() -> dict[str, Rank]:
    """Military ranks Private to Colonel and police ranks Sergeant to Colonel of Police."""
    ranks = {}
    for code, name, category, seniority, officer in RANKS:
        ranks[code], _ = Rank.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "seniority": seniority,
                "is_officer": officer,
                "military_equivalent": ranks.get(code.removeprefix("P-"))
                if code.startswith("P-")
                else None,
            },
        )
    return ranks


def seed_catalogue(today: dt.date) -> tuple[dict[str, CertificationType], dict[str, Course]]:
    """Certification types and courses with their assessment components and prerequisites;
    components and prerequisites are set only when the course itself is new."""
    types = {}
    for code, name, description in CERTIFICATION_TYPES:
        types[code], _ = CertificationType.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    courses = {}
    for code, spec in COURSES.items():
        spec = dict(spec)
        components = spec.pop("components")
        prerequisites = spec.pop("prerequisites", ())
        course, created = Course.objects.get_or_create(
            code=code,
            defaults=dict(
                **spec,
                certification_type=types[COURSE_CERTIFICATION[code]],
                **recognition(code, today),
            ),
        )
        if created:
            AssessmentComponent.objects.bulk_create(
                AssessmentComponent(
                    course=course,
                    name=name,
                    weight=weight,
                    pass_score=pass_score,
                    must_pass=must_pass,
                    order=order,
                )
                for order, (name, weight, pass_score, must_pass) in enumerate(components, 1)
            )
            course.prerequisites.set([types[code] for code in prerequisites])
        courses[code] = course
    return types, courses


def recognition(code: str, today: dt.date) -> dict:
    """UN recognition fields of a course: four years from the latest renewal."""
    if code not in RECOGNITION_MONTHS_AGO:
        return {}
    recognised_on = add_months(today, -RECOGNITION_MONTHS_AGO[code]).replace(day=1)
    return {
        "un_recognised": True,
        "recognised_on": recognised_on,
        "recognition_valid_until": add_months(recognised_on, 12 * RECOGNITION_YEARS),
    }


def seed_missions() -> dict[str, Mission]:
    """The UN missions of docs/domain.md, current and closed, and UNMIN (Nepal) for history."""
    missions = {}
    for acronym, name, host, started, ended, mandate_until in MISSIONS:
        missions[acronym], _ = Mission.objects.get_or_create(
            acronym=acronym,
            defaults={
                "name": name,
                "host": host,
                "started_on": started,
                "ended_on": ended,
                "mandate_until": mandate_until,
            },
        )
    return missions


def seed_requirement_profiles(
    ranks: dict[str, Rank], types: dict[str, CertificationType]
) -> dict[str, RequirementProfile]:
    """The five deployment roles (readiness.requirement_profiles, the data migration's own
    copy): created when absent, so an administrator's edits stay. `ranks` and `types` are
    already seeded; the profiles find theirs by code."""
    del ranks, types  # kept for the caller's signature; the shared seed looks rows up itself
    return requirement_profiles_seed()


def seed_gender_targets(today: dt.date) -> None:
    """UN targets per category for 2021 (where known) to 2028; years in between are
    interpolated and say so; a year after 2028 carries the 2028 target forward."""
    last_year = max(2028, today.year)
    for category, (target_2021, target_2028) in GENDER_TARGETS.items():
        for year in range(2021, last_year + 1):
            percent, source = gender_target(year, target_2021, target_2028)
            if percent is not None:
                GenderTarget.objects.get_or_create(
                    category=category, year=year, defaults={"percent": percent, "source": source}
                )


def gender_target(
    year: int, target_2021: Decimal | None, target_2028: Decimal
) -> tuple[Decimal | None, str]:
    """The target for `year` and where it comes from; (None, "") when nothing is known."""
    if year == 2028:
        return target_2028, GENDER_SOURCE
    if year > 2028:
        return target_2028, f"{GENDER_SOURCE}: the 2028 target carried forward"
    if target_2021 is None:
        # No interim figure on record for police: the 2028 end state is the working target.
        if year >= 2026:
            return target_2028, f"{GENDER_SOURCE}: 2028 target used (no interim figure on record)"
        return None, ""
    if year == 2021:
        return target_2021, GENDER_SOURCE
    step = (target_2028 - target_2021) / 7
    percent = (target_2021 + step * (year - 2021)).quantize(Decimal("0.01"))
    return percent, f"{GENDER_SOURCE}: interpolated between the 2021 and 2028 targets"
