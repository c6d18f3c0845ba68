"""The five requirement profiles of docs/domain.md and the certification types they ask for.

One copy of the data, used by the data migration (personnel 0006, so every installation starts
with them) and by the demo. Each profile is created only when its code is absent: an
administrator's edits in the admin are never overwritten. A value that is the centre's policy
rather than a UN rule is named in the profile's `policy_notes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.db import transaction

if TYPE_CHECKING:
    from django.apps.registry import Apps

    from readiness.models import RequirementProfile

MILITARY, POLICE = "military", "police"  # personnel.models.Category
PASSPORT_POLICY = "passport valid 6 months past the planned end of the tour"
PASSPORT_MONTHS_AFTER_TOUR = 6  # centre policy (docs/domain.md, "What a person needs to deploy")

# (code, name, description): the certificates the profiles below require. The demo's
# catalogue names them the same way; get_or_create by code keeps whichever came first.
CERTIFICATION_TYPES = (
    ("UNSOC", "UN Staff Officer", "Completed the UN Staff Officer Course."),
    ("UNMEM", "UN Military Expert on Mission", "Completed the UNMEM / military observer course."),
    (
        "PDT",
        "Contingent pre-deployment training",
        "Completed a contingent's pre-deployment training.",
    ),
    ("UNPOL", "UN Police Officer", "Completed the UN Police Officer course."),
)

# `min_levels` is the STANAG 6001 minimum as (listening, speaking, reading, writing); fields not
# named keep the model's defaults (medical clearance and passport required; no driving licence,
# weapons, age or service bar).
REQUIREMENT_PROFILES = (
    {
        "code": "un-military-observer",
        "name": "UN Military Observer",
        "description": "Unarmed military expert on mission: patrols, observation posts, reports.",
        "gender_category": "observers_staff",
        "categories": [MILITARY],
        "officers_only": True,
        "required_certifications": ("UNMEM",),
        "min_levels": (3, 2, 3, 2),
        "requires_driving_licence": True,
        "requires_manual_transmission": True,
        "min_age": 25,
        "min_service_years": 5,
        "default_tour_months": 12,
        "source": (
            "DPKO UNMO selection standards (2002): officer, 5 years as an officer, normally "
            "Captain or Major, age 25+, passport, driving licence, working English. FINCENT "
            "UNMEM course: manual gearbox licence, physical fitness."
        ),
        "policy_notes": (
            "Centre policy: English 3-2-3-2 stands for the UN's 'working English' (the level "
            "Norway's UN Orientation Course asks for); "
            f"{PASSPORT_POLICY}; "
            "5 years as an officer is checked as 5 years of service; the UN's 'normally "
            "Captain or Major' is a norm, not a bar, so every officer rank is admitted (restrict "
            "the allowed ranks here to make it one); physical fitness is the medical clearance."
        ),
    },
    {
        "code": "staff-officer",
        "name": "Staff Officer",
        "description": "Individual staff officer in a mission or force headquarters.",
        "gender_category": "observers_staff",
        "categories": [MILITARY],
        "officers_only": True,
        "required_certifications": ("UNSOC",),
        "min_levels": (2, 2, 2, 2),
        "min_age": 25,
        "default_tour_months": 12,
        "source": (
            "UN Force Generation Manual (2021.05); UN Staff Officer Course (UNSOC); common to "
            "all roles: medical fitness, valid passport, a valid role course certificate."
        ),
        "policy_notes": (
            "Centre policy: English 2-2-2-2 as working English for staff posts; a minimum age "
            f"of 25, as for military observers; {PASSPORT_POLICY}."
        ),
    },
    {
        "code": "contingent-member",
        "name": "Contingent member",
        "description": "Member of a national contingent (KAZBAT's companies in UNIFIL and UNDOF).",
        "gender_category": "contingent",
        "categories": [MILITARY],
        "required_certifications": ("PDT",),
        "requires_weapons": True,
        "default_tour_months": 12,
        "source": (
            "Contingent pre-deployment training of about six months ending with a UN "
            "assessment visit (CPTM 2017); the UNDOF company's 12-month rotation."
        ),
        "policy_notes": (
            f"Centre policy: {PASSPORT_POLICY}; a weapons qualification as part of the "
            "pre-deployment training."
        ),
    },
    {
        "code": "individual-police-officer",
        "name": "Individual Police Officer",
        "description": "UN police officer deployed individually (UNPOL).",
        "gender_category": "individual_police",
        "categories": [POLICE],
        "required_certifications": ("UNPOL",),
        "min_levels": (2, 2, 2, 2),
        "requires_driving_licence": True,
        "min_driving_licence_years": 1,
        "requires_weapons": True,
        "min_age": 25,
        "max_age": 62,
        "min_service_years": 5,
        "default_tour_months": 12,
        "source": (
            "un.org UN Police requirements: age 25-62, 5 years of police experience, language "
            "test (60% pass mark), driving licence held 1 year and a driving test, firearms "
            "test, basic computer skills."
        ),
        "policy_notes": (
            "Centre policy: the UN language test (60% pass mark) is checked as English "
            "2-2-2-2; the firearms test is the weapons qualification; 5 years of police "
            f"experience is checked as 5 years of service; {PASSPORT_POLICY}. The UN driving "
            "test and basic computer skills are assessed by the UN and not checked here."
        ),
    },
    {
        "code": "formed-police-unit-member",
        "name": "Formed police unit member",
        "description": "Member of a formed police unit (FPU).",
        "gender_category": "formed_police",
        "categories": [POLICE],
        "required_certifications": ("PDT",),
        "requires_weapons": True,
        "default_tour_months": 12,
        "source": "UN policy on formed police units; pre-deployment training (CPTM 2017).",
        "policy_notes": (
            f"Centre policy: {PASSPORT_POLICY}; a weapons qualification and the unit's "
            "pre-deployment training certificate."
        ),
    },
)


@transaction.atomic
def requirement_profiles_seed(
    *, apps: Apps = global_apps, label: str = "readiness"
) -> dict[str, RequirementProfile]:
    """Create the five profiles, and the certification types they require, where their codes
    are absent; leave existing rows as they are. Returns the profiles by code.

    `apps` is the migration's app registry inside a migration, the real one elsewhere; `label`
    the app the profile model belongs to there (the personnel app's migration that first
    seeded them ran before the model moved to this app).
    """
    CertificationType = apps.get_model("courses", "CertificationType")
    RequirementProfile = apps.get_model(label, "RequirementProfile")
    types = {}
    for code, name, description in CERTIFICATION_TYPES:
        types[code], _created = CertificationType.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    profiles = {}
    for spec in REQUIREMENT_PROFILES:
        spec = dict(spec)
        certifications = spec.pop("required_certifications", ())
        listening, speaking, reading, writing = spec.pop("min_levels", (0, 0, 0, 0))
        profile, created = RequirementProfile.objects.get_or_create(
            code=spec.pop("code"),
            defaults={
                **spec,
                "min_listening": listening,
                "min_speaking": speaking,
                "min_reading": reading,
                "min_writing": writing,
                "passport_months_after_tour": PASSPORT_MONTHS_AFTER_TOUR,
            },
        )
        if created:
            profile.required_certifications.set([types[code] for code in certifications])
        profiles[profile.code] = profile
    return profiles
