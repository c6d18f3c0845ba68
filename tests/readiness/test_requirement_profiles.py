"""The five requirement profiles: created by the data migration with the UN's values
(docs/domain.md), never overwritten by a second run, edited by administrators in the admin,
and reused by the demo."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from courses.models import CertificationType
from devtools.demo import reference
from personnel.models import GenderCategory
from readiness.models import RequirementProfile
from readiness.requirement_profiles import REQUIREMENT_PROFILES, requirement_profiles_seed
from tests import factories

pytestmark = pytest.mark.django_db

CODES = {
    "un-military-observer",
    "staff-officer",
    "contingent-member",
    "individual-police-officer",
    "formed-police-unit-member",
}


def profile(code: str) -> RequirementProfile:
    return RequirementProfile.objects.prefetch_related("required_certifications").get(code=code)


def required_codes(found: RequirementProfile) -> set[str]:
    return {t.code for t in found.required_certifications.all()}


def snapshot() -> list[dict]:
    """Every profile's fields and certification codes, to compare runs."""
    return [
        {
            **{f.name: getattr(p, f.name) for f in RequirementProfile._meta.concrete_fields},
            "certifications": sorted(required_codes(p)),
            "ranks": sorted(p.allowed_ranks.values_list("code", flat=True)),
        }
        for p in RequirementProfile.objects.prefetch_related("required_certifications")
    ]


def test_after_migrate_the_five_profiles_exist():
    assert set(RequirementProfile.objects.values_list("code", flat=True)) == CODES
    assert {"UNMEM", "UNSOC", "PDT", "UNPOL"} <= set(
        CertificationType.objects.values_list("code", flat=True)
    )


def test_military_observer_has_the_dpko_values():
    unmo = profile("un-military-observer")

    assert unmo.name == "UN Military Observer"
    assert unmo.gender_category == GenderCategory.OBSERVERS_STAFF
    assert unmo.categories == ["military"]
    assert unmo.officers_only
    assert unmo.min_age == 25
    assert unmo.max_age is None
    assert unmo.min_service_years == 5
    assert unmo.requires_driving_licence
    assert unmo.requires_manual_transmission
    assert unmo.requires_medical
    assert unmo.requires_passport
    assert unmo.language_profile == "3-2-3-2"
    assert unmo.language == "en"
    assert required_codes(unmo) == {"UNMEM"}
    assert "DPKO UNMO selection standards (2002)" in unmo.source
    assert "3-2-3-2" in unmo.policy_notes
    assert "Captain or Major" in unmo.policy_notes


def test_individual_police_officer_has_the_un_police_values():
    ipo = profile("individual-police-officer")

    assert ipo.gender_category == GenderCategory.INDIVIDUAL_POLICE
    assert ipo.categories == ["police"]
    assert (ipo.min_age, ipo.max_age) == (25, 62)
    assert ipo.min_service_years == 5
    assert ipo.requires_driving_licence
    assert ipo.min_driving_licence_years == 1
    assert not ipo.requires_manual_transmission
    assert ipo.requires_weapons
    assert ipo.language_profile == "2-2-2-2"
    assert required_codes(ipo) == {"UNPOL"}
    assert "60%" in ipo.source
    assert "60% pass mark" in ipo.policy_notes


@pytest.mark.parametrize(
    ("code", "category", "gender_category", "certification", "weapons"),
    [
        ("staff-officer", "military", GenderCategory.OBSERVERS_STAFF, "UNSOC", False),
        ("contingent-member", "military", GenderCategory.CONTINGENT, "PDT", True),
        ("formed-police-unit-member", "police", GenderCategory.FORMED_POLICE, "PDT", True),
    ],
)
def test_other_roles(code, category, gender_category, certification, weapons):
    found = profile(code)

    assert found.categories == [category]
    assert found.gender_category == gender_category
    assert required_codes(found) == {certification}
    assert found.requires_weapons is weapons


def test_common_to_all_medical_passport_six_months_policy_and_sources():
    for found in RequirementProfile.objects.all():
        assert found.requires_medical, found.code
        assert found.requires_passport, found.code
        assert found.passport_months_after_tour == 6, found.code
        assert "passport valid 6 months past" in found.policy_notes, found.code
        assert found.source, found.code
        assert found.default_tour_months == 12, found.code
        assert found.is_active, found.code


def test_a_second_run_changes_nothing():
    before = snapshot()
    history = RequirementProfile.history.count()
    types = CertificationType.objects.count()

    profiles = requirement_profiles_seed()

    assert set(profiles) == CODES
    assert snapshot() == before
    assert RequirementProfile.history.count() == history
    assert CertificationType.objects.count() == types


def test_an_administrators_edits_are_kept_and_a_deleted_profile_comes_back():
    unmo = RequirementProfile.objects.get(code="un-military-observer")
    unmo.min_age = 27
    unmo.save()
    unmo.required_certifications.clear()
    CertificationType.objects.filter(code="UNPOL").update(name="UN Police (renamed)")
    RequirementProfile.objects.filter(code="staff-officer").delete()

    requirement_profiles_seed()

    unmo.refresh_from_db()
    assert unmo.min_age == 27
    assert not unmo.required_certifications.exists()
    assert CertificationType.objects.get(code="UNPOL").name == "UN Police (renamed)"
    assert required_codes(profile("staff-officer")) == {"UNSOC"}


def test_the_migration_creates_them_with_the_historical_models_on_an_empty_table():
    RequirementProfile.objects.all().delete()
    CertificationType.objects.filter(code__in=["UNMEM", "UNSOC", "PDT", "UNPOL"]).delete()
    state = MigrationExecutor(connection).loader.project_state(
        ("personnel", "0006_requirement_profiles")
    )

    requirement_profiles_seed(apps=state.apps, label="personnel")

    assert set(RequirementProfile.objects.values_list("code", flat=True)) == CODES
    assert required_codes(profile("contingent-member")) == {"PDT"}
    assert profile("un-military-observer").language_profile == "3-2-3-2"


def test_the_data_names_every_profile_once():
    codes = [spec["code"] for spec in REQUIREMENT_PROFILES]
    assert sorted(codes) == sorted(CODES)


def test_the_seeded_rows_pass_the_models_validation():
    """Field lengths and choices hold (SQLite would not say so; PostgreSQL refuses)."""
    for found in RequirementProfile.objects.all():
        found.full_clean()


def test_the_demo_reuses_the_seeded_profiles():
    ranks, types = reference.seed_ranks(), reference.seed_catalogue(factories.TODAY)[0]
    before = snapshot()

    profiles = reference.seed_requirement_profiles(ranks, types)

    assert set(profiles) == CODES
    assert snapshot() == before
    assert profiles["un-military-observer"].pk == profile("un-military-observer").pk


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="root", is_staff=True, is_superuser=True)


def test_administrators_edit_a_profile_in_the_admin(client, superuser):
    client.force_login(superuser)
    unmo = profile("un-military-observer")
    url = reverse("admin:readiness_requirementprofile_change", args=[unmo.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "5 years as an officer" in page.content.decode()

    fields = {
        f.name: getattr(unmo, f.name)
        for f in RequirementProfile._meta.concrete_fields
        if f.name not in {"id", "categories"}
    }
    data = {
        **{name: ("" if value is None else value) for name, value in fields.items()},
        "categories": ["military"],
        "required_certifications": [t.pk for t in unmo.required_certifications.all()],
        "min_age": 26,
    }
    data = {name: value for name, value in data.items() if value is not False}
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    unmo.refresh_from_db()
    assert unmo.min_age == 26
    assert unmo.history.first().min_age == 26


def test_commanders_cannot_edit_profiles_in_the_admin(client, commander):
    client.force_login(commander)
    unmo = RequirementProfile.objects.get(code="un-military-observer")

    response = client.get(reverse("admin:readiness_requirementprofile_change", args=[unmo.pk]))

    assert response.status_code == 302  # not staff: sent to the admin's login
    assert "/admin/login/" in response["Location"]
