"""The deployability engine, requirement by requirement and boundary date by boundary date.

The rule every dated record follows (personnel.models.dates.validity_on): valid through its
`valid_until` day, lapsed from the next; lapsing when `valid_until` is less than 90 days after
the day (exactly 90 days ahead is met) or, for a tour, before the tour's last day.
"""

import datetime as dt

import pytest
from django.utils import timezone

from personnel import models as personnel
from readiness import models as readiness_models
from readiness.deployability import (
    Check,
    PersonReadiness,
    Requirement,
    Verdict,
    deployability,
    profile_requirements,
)
from tests import factories
from tests.readiness.deployability_support import (
    DAY,
    DrivingLicenceFactory,
    WeaponsQualificationFactory,
    bare_profile,
    certification,
    certification_type,
    check,
    days,
    readiness,
)

pytestmark = pytest.mark.django_db

MET, LAPSING, NOT_MET = Verdict.MET, Verdict.LAPSING, Verdict.NOT_MET
TOUR_START, TOUR_END = dt.date(2026, 10, 1), dt.date(2027, 3, 31)


def verdict_and_reason(found: Check) -> tuple[Verdict, str]:
    return found.verdict, found.reason


# --- Requirements of a profile ---------------------------------------------------------


def test_requirements_of_the_seeded_observer_profile_in_order():
    profile = readiness_models.RequirementProfile.objects.get(code="un-military-observer")

    requirements = profile_requirements(profile)

    assert [r.key for r in requirements] == [
        "category",
        "rank",
        "age",
        "service",
        "language",
        "medical",
        "passport",
        "driving",
        "certification:UNMEM",
    ]
    labels = {r.key: r.label for r in requirements}
    assert labels["language"] == "English 3-2-3-2"
    assert labels["certification:UNMEM"] == "UNMEM certificate"
    assert labels["age"] == "Age 25 or over"
    assert labels["rank"] == "Officer"


def test_a_profile_asking_nothing_has_no_requirements_and_everyone_is_ready():
    profile = bare_profile()
    person = factories.PersonFactory()

    assert profile_requirements(profile) == []
    assert readiness(person, profile).ready


def test_certification_requirements_come_last_by_code():
    profile = bare_profile(requires_weapons=True)
    profile.required_certifications.set([certification_type("UNSOC"), certification_type("PDT")])

    keys = [r.key for r in profile_requirements(profile)]

    assert keys == ["weapons", "certification:PDT", "certification:UNSOC"]


def test_allowed_ranks_name_the_rank_requirement():
    profile = bare_profile()
    profile.allowed_ranks.set(
        [
            factories.RankFactory(code="MAJ", name="Major", seniority=10),
            factories.RankFactory(code="CPT", name="Captain", seniority=9),
        ]
    )

    assert profile_requirements(profile) == [Requirement("rank", "Captain or Major")]


def test_age_labels():
    assert profile_requirements(bare_profile(min_age=25, max_age=62))[0].label == "Age 25-62"
    assert profile_requirements(bare_profile(max_age=62))[0].label == "Age 62 or under"


# --- Category --------------------------------------------------------------------------


def test_category_outside_the_profile_is_not_met_naming_both():
    profile = bare_profile(categories=["military", "civilian"])
    police = factories.PersonFactory(category="police", rank=None)
    soldier = factories.PersonFactory()

    assert verdict_and_reason(check(police, profile, "category")) == (
        NOT_MET,
        "police, needs military or civilian",
    )
    assert check(soldier, profile, "category").verdict == MET


# --- Rank ------------------------------------------------------------------------------


@pytest.fixture
def sergeant():
    return factories.RankFactory(code="SGT", name="Sergeant", seniority=4, is_officer=False)


def test_officers_only_refuses_a_sergeant_and_a_person_without_rank(sergeant):
    profile = bare_profile(officers_only=True)
    nco = factories.PersonFactory(rank=sergeant)
    civilian = factories.PersonFactory(category="civilian", rank=None)
    captain = factories.PersonFactory()

    assert verdict_and_reason(check(nco, profile, "rank")) == (
        NOT_MET,
        "rank Sergeant, needs an officer",
    )
    assert check(civilian, profile, "rank").reason == "no rank, needs an officer"
    assert check(captain, profile, "rank") == Check(Requirement("rank", "Officer"), MET, "")


def test_allowed_ranks_refuse_another_rank_and_admit_theirs():
    captain = factories.RankFactory(code="CPT", name="Captain", seniority=9)
    major = factories.RankFactory(code="MAJ", name="Major", seniority=10)
    lieutenant = factories.RankFactory(code="LT", name="Lieutenant", seniority=7)
    profile = bare_profile(officers_only=True)
    profile.allowed_ranks.set([captain, major])

    assert verdict_and_reason(check(factories.PersonFactory(rank=lieutenant), profile, "rank")) == (
        NOT_MET,
        "rank Lieutenant, needs Captain or Major",
    )
    assert check(factories.PersonFactory(rank=major), profile, "rank").verdict == MET


# --- Age -------------------------------------------------------------------------------


def test_minimum_age_is_reached_on_the_birthday():
    profile = bare_profile(min_age=25)
    person = factories.PersonFactory(date_of_birth=dt.date(2001, 11, 23))

    assert check(person, profile, "age", on=dt.date(2026, 11, 23)).verdict == MET
    assert verdict_and_reason(check(person, profile, "age", on=dt.date(2026, 11, 22))) == (
        NOT_MET,
        "age 24, needs 25",
    )


def test_maximum_age_holds_until_the_next_birthday():
    profile = bare_profile(min_age=25, max_age=62)
    person = factories.PersonFactory(
        date_of_birth=dt.date(1963, 11, 23), service_start_date=dt.date(1985, 8, 1)
    )

    assert check(person, profile, "age", on=dt.date(2026, 11, 22)).verdict == MET
    assert verdict_and_reason(check(person, profile, "age", on=dt.date(2026, 11, 23))) == (
        NOT_MET,
        "age 63, needs at most 62",
    )


def test_born_on_29_february_turns_a_year_older_on_1_march():
    profile = bare_profile(min_age=25)
    person = factories.PersonFactory(
        date_of_birth=dt.date(2000, 2, 29), service_start_date=dt.date(2018, 8, 1)
    )

    assert check(person, profile, "age", on=dt.date(2025, 2, 28)).reason == "age 24, needs 25"
    assert check(person, profile, "age", on=dt.date(2025, 3, 1)).verdict == MET


def test_age_is_taken_on_the_tours_first_day():
    profile = bare_profile(min_age=25)
    person = factories.PersonFactory(date_of_birth=dt.date(2001, 12, 1))

    found = check(person, profile, "age", on=TOUR_START, tour_ends_on=TOUR_END)

    assert found.reason == "age 24, needs 25"  # 25 during the tour is not enough


# --- Service ---------------------------------------------------------------------------


def test_years_of_service_count_from_the_service_start_date():
    profile = bare_profile(min_service_years=5)
    person = factories.PersonFactory(service_start_date=dt.date(2021, 11, 23))

    assert check(person, profile, "service", on=dt.date(2026, 11, 23)).verdict == MET
    assert verdict_and_reason(check(person, profile, "service", on=dt.date(2026, 11, 22))) == (
        NOT_MET,
        "4 years of service, needs 5",
    )


def test_one_year_of_service_is_singular_and_no_start_date_is_not_met():
    profile = bare_profile(min_service_years=5)
    recruit = factories.PersonFactory(service_start_date=dt.date(2025, 6, 1))
    unknown = factories.PersonFactory(service_start_date=None)

    assert check(recruit, profile, "service").reason == "1 year of service, needs 5"
    assert verdict_and_reason(check(unknown, profile, "service")) == (
        NOT_MET,
        "no service start date on record, needs 5 years",
    )


# --- Language --------------------------------------------------------------------------


def english_profile(levels=(3, 2, 3, 2)):
    listening, speaking, reading, writing = levels
    return bare_profile(
        min_listening=listening, min_speaking=speaking, min_reading=reading, min_writing=writing
    )


def english(person, levels, **fields):
    listening, speaking, reading, writing = levels
    return factories.LanguageProficiencyFactory(
        person=person,
        listening=listening,
        speaking=speaking,
        reading=reading,
        writing=writing,
        **fields,
    )


def test_language_below_the_profile_names_both_profiles():
    person = factories.PersonFactory()
    english(person, (2, 2, 2, 1))

    found = check(person, english_profile(), "language")

    assert (found.verdict, found.reason) == (NOT_MET, "English 2-2-2-1, needs 3-2-3-2")


def test_language_at_or_above_the_profile_in_every_skill_is_met():
    person = factories.PersonFactory()
    english(person, (3, 3, 3, 2), valid_until=None)

    found = check(person, english_profile(), "language")

    assert (found.verdict, found.reason, found.lapses_on) == (MET, "", None)


def test_no_language_test_and_a_test_in_another_language_are_not_met():
    person = factories.PersonFactory()
    english(person, (5, 5, 5, 5), language="fr")

    assert verdict_and_reason(check(person, english_profile(), "language")) == (
        NOT_MET,
        "no English test on record",
    )


def test_language_lapsed_test_is_not_met_and_says_when():
    person = factories.PersonFactory()
    english(person, (3, 2, 3, 2), issued_on=dt.date(2023, 1, 1), valid_until=days(-1))

    assert check(person, english_profile(), "language").reason == (
        "English 3-2-3-2 lapsed 2026-11-22"
    )


def test_language_best_valid_profile_wins_over_a_lapsed_better_one():
    person = factories.PersonFactory()
    english(person, (4, 4, 4, 4), issued_on=dt.date(2020, 1, 1), valid_until=dt.date(2023, 1, 1))
    english(person, (3, 2, 2, 2))
    english(person, (2, 1, 1, 1))

    assert check(person, english_profile(), "language").reason == ("English 3-2-2-2, needs 3-2-3-2")


def test_language_of_several_meeting_tests_the_one_valid_longest_wins():
    person = factories.PersonFactory()
    english(person, (4, 4, 4, 4), valid_until=days(30))
    english(person, (3, 2, 3, 2), valid_until=days(400))

    found = check(person, english_profile(), "language")

    assert (found.verdict, found.lapses_on) == (MET, days(400))


def test_language_test_taken_after_the_day_does_not_count_yet():
    person = factories.PersonFactory()
    english(person, (3, 2, 3, 2), issued_on=days(1), valid_until=days(900))

    assert check(person, english_profile(), "language").reason == "no English test on record"


def test_language_lapsing_within_90_days_is_amber():
    person = factories.PersonFactory()
    english(person, (3, 2, 3, 2), valid_until=dt.date(2027, 1, 5))

    assert verdict_and_reason(check(person, english_profile(), "language")) == (
        LAPSING,
        "English 3-2-3-2 lapses 2027-01-05, within 90 days",
    )


def test_a_profile_without_language_minimums_asks_no_language():
    assert "language" not in [r.key for r in profile_requirements(bare_profile())]


# --- Medical ---------------------------------------------------------------------------


def test_no_medical_clearance_is_not_met():
    profile = bare_profile(requires_medical=True)

    assert verdict_and_reason(check(factories.PersonFactory(), profile, "medical")) == (
        NOT_MET,
        "no medical clearance",
    )


def test_medical_clearance_lapsing_within_90_days_says_so():
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(person=person, valid_until=dt.date(2027, 1, 5))

    found = check(person, profile, "medical")

    assert (found.verdict, found.reason, found.lapses_on) == (
        LAPSING,
        "medical clearance lapses 2027-01-05, within 90 days",
        dt.date(2027, 1, 5),
    )


@pytest.mark.parametrize(
    ("valid_until", "verdict"),
    [
        (days(-1), NOT_MET),  # lapsed yesterday
        (DAY, LAPSING),  # its last valid day: held, and lapsing
        (days(89), LAPSING),
        (days(90), MET),  # exactly 90 days ahead: outside the window (validity_on)
        (days(91), MET),
    ],
)
def test_boundary_days_of_a_record_on_a_single_day(valid_until, verdict):
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(
        person=person, issued_on=dt.date(2026, 1, 1), valid_until=valid_until
    )

    assert check(person, profile, "medical").verdict == verdict
    assert (
        personnel.validity_on(valid_until, on=DAY)
        == {
            NOT_MET: personnel.Validity.LAPSED,
            LAPSING: personnel.Validity.LAPSING,
            MET: personnel.Validity.VALID,
        }[verdict]
    )


def test_medical_lapsed_reason_gives_the_last_valid_day():
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(person=person, valid_until=days(-1))

    assert check(person, profile, "medical").reason == "medical clearance lapsed 2026-11-22"


def test_medical_latest_examination_finding_unfit_overrides_an_older_clearance():
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(
        person=person, issued_on=dt.date(2026, 2, 1), valid_until=dt.date(2028, 2, 1)
    )
    factories.MedicalClearanceFactory(
        person=person,
        issued_on=dt.date(2026, 9, 1),
        valid_until=dt.date(2027, 9, 1),
        fitness=personnel.MedicalClearance.Fitness.UNFIT,
    )

    assert verdict_and_reason(check(person, profile, "medical")) == (
        NOT_MET,
        "found medically unfit 2026-09-01",
    )


def test_medical_newer_fit_clearance_after_an_unfit_one_is_met():
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(
        person=person,
        issued_on=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        fitness=personnel.MedicalClearance.Fitness.UNFIT,
    )
    factories.MedicalClearanceFactory(
        person=person, issued_on=dt.date(2026, 6, 1), valid_until=dt.date(2027, 6, 1)
    )

    assert check(person, profile, "medical").verdict == MET


def test_medical_fit_with_restrictions_is_met_and_says_so():
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(
        person=person, fitness=personnel.MedicalClearance.Fitness.FIT_RESTRICTED
    )

    assert verdict_and_reason(check(person, profile, "medical")) == (
        MET,
        "fit with restrictions",
    )


def test_medical_of_several_clearances_the_one_valid_longest_wins():
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(person=person, valid_until=days(-10))
    factories.MedicalClearanceFactory(person=person, valid_until=days(300))
    factories.MedicalClearanceFactory(person=person, valid_until=days(20))

    found = check(person, profile, "medical")

    assert (found.verdict, found.lapses_on) == (MET, days(300))


# --- A tour window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_until", "verdict", "reason"),
    [
        (TOUR_START - dt.timedelta(days=1), NOT_MET, "medical clearance lapsed 2026-09-30"),
        (
            TOUR_START,
            LAPSING,
            "medical clearance lapses 2026-10-01, before the tour ends 2027-03-31",
        ),
        (
            TOUR_END - dt.timedelta(days=1),
            LAPSING,
            "medical clearance lapses 2027-03-30, before the tour ends 2027-03-31",
        ),
        (TOUR_END, MET, ""),  # valid through the tour's last day
        (TOUR_END + dt.timedelta(days=1), MET, ""),
    ],
)
def test_boundary_days_of_a_record_over_a_tour(valid_until, verdict, reason):
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(
        person=person, issued_on=dt.date(2026, 1, 1), valid_until=valid_until
    )

    found = check(person, profile, "medical", on=TOUR_START, tour_ends_on=TOUR_END)

    assert (found.verdict, found.reason) == (verdict, reason)


def test_tour_window_versus_single_day():
    """A clearance valid 100 days: met on the day, lapsing for a tour ending after it."""
    profile = bare_profile(requires_medical=True)
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(person=person, valid_until=days(100))

    assert check(person, profile, "medical").verdict == MET
    on_tour = check(person, profile, "medical", tour_ends_on=days(365))
    assert (on_tour.verdict, on_tour.reason) == (
        LAPSING,
        "medical clearance lapses 2027-03-03, before the tour ends 2027-11-23",
    )
    short_tour = check(person, profile, "medical", tour_ends_on=days(100))
    assert short_tour.verdict == MET


def test_a_tour_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before the tour's first day"):
        deployability(
            people=[factories.PersonFactory()],
            profile=bare_profile(),
            on=TOUR_END,
            tour_ends_on=TOUR_START,
        )


# --- Passport --------------------------------------------------------------------------


def passport_profile(**fields):
    return bare_profile(requires_passport=True, **fields)


def test_no_passport_is_not_met():
    assert verdict_and_reason(check(factories.PersonFactory(), passport_profile(), "passport")) == (
        NOT_MET,
        "no passport",
    )


def test_passport_exactly_six_months_past_the_tour_end_is_met():
    person = factories.PersonFactory()
    factories.PassportFactory(person=person, valid_until=dt.date(2027, 9, 30))

    found = check(person, passport_profile(), "passport", on=TOUR_START, tour_ends_on=TOUR_END)

    assert (found.verdict, found.lapses_on) == (MET, dt.date(2027, 9, 30))


def test_passport_one_day_short_of_six_months_past_the_tour_end_is_not_met():
    person = factories.PersonFactory()
    factories.PassportFactory(person=person, valid_until=dt.date(2027, 9, 29))

    found = check(person, passport_profile(), "passport", on=TOUR_START, tour_ends_on=TOUR_END)

    assert (found.verdict, found.reason) == (
        NOT_MET,
        "passport lapses 2027-09-29, needs 6 months past tour end 2027-03-31",
    )


def test_passport_lapsing_during_the_tour_quotes_the_policy():
    person = factories.PersonFactory()
    factories.PassportFactory(person=person, valid_until=dt.date(2027, 1, 10))

    found = check(person, passport_profile(), "passport", on=TOUR_START, tour_ends_on=TOUR_END)

    assert found.reason == "passport lapses 2027-01-10, needs 6 months past tour end 2027-03-31"


def test_passport_margin_is_the_profiles_and_one_month_is_singular():
    person = factories.PersonFactory()
    factories.PassportFactory(person=person, valid_until=dt.date(2027, 4, 29))
    profile = passport_profile(passport_months_after_tour=1)

    found = check(person, profile, "passport", on=TOUR_START, tour_ends_on=TOUR_END)

    assert found.reason == "passport lapses 2027-04-29, needs 1 month past tour end 2027-03-31"
    profile.passport_months_after_tour = 0
    assert check(person, profile, "passport", on=TOUR_START, tour_ends_on=TOUR_END).verdict == MET


def test_passport_lapsed_before_the_tour_says_lapsed():
    person = factories.PersonFactory()
    factories.PassportFactory(person=person, valid_until=dt.date(2026, 9, 1))

    found = check(person, passport_profile(), "passport", on=TOUR_START, tour_ends_on=TOUR_END)

    assert (found.verdict, found.reason) == (NOT_MET, "passport lapsed 2026-09-01")


def test_passport_without_a_tour_is_judged_on_the_day_with_the_90_day_window():
    person = factories.PersonFactory()
    factories.PassportFactory(person=person, valid_until=dt.date(2027, 1, 10))

    assert verdict_and_reason(check(person, passport_profile(), "passport")) == (
        LAPSING,
        "passport lapses 2027-01-10, within 90 days",
    )
    assert check(person, passport_profile(), "passport", on=dt.date(2027, 1, 11)).verdict == (
        NOT_MET
    )


def test_passport_of_several_the_one_valid_longest_wins():
    person = factories.PersonFactory()
    factories.PassportFactory(person=person, valid_until=dt.date(2027, 1, 10))
    factories.PassportFactory(
        person=person, issued_on=dt.date(2026, 5, 1), valid_until=dt.date(2036, 5, 1)
    )

    found = check(person, passport_profile(), "passport", on=TOUR_START, tour_ends_on=TOUR_END)

    assert (found.verdict, found.lapses_on) == (MET, dt.date(2036, 5, 1))


# --- Driving licence -------------------------------------------------------------------


def driving_profile(**fields):
    return bare_profile(requires_driving_licence=True, **fields)


def test_no_driving_licence_is_not_met():
    assert check(factories.PersonFactory(), driving_profile(), "driving").reason == (
        "no driving licence"
    )


def test_driving_licence_held_too_short_names_the_years():
    person = factories.PersonFactory()
    DrivingLicenceFactory(person=person, issued_on=dt.date(2025, 6, 1))

    found = check(person, driving_profile(min_driving_licence_years=2), "driving")

    assert (found.verdict, found.reason) == (NOT_MET, "driving licence held 1 year, needs 2")


def test_driving_licence_held_exactly_the_years_on_its_anniversary():
    person = factories.PersonFactory()
    DrivingLicenceFactory(person=person, issued_on=dt.date(2024, 11, 23))
    profile = driving_profile(min_driving_licence_years=2)

    assert check(person, profile, "driving", on=dt.date(2026, 11, 23)).verdict == MET
    assert check(person, profile, "driving", on=dt.date(2026, 11, 22)).reason == (
        "driving licence held 1 year, needs 2"
    )


def test_driving_years_count_from_the_first_licence_not_the_renewal():
    person = factories.PersonFactory()
    DrivingLicenceFactory(
        person=person, issued_on=dt.date(2010, 3, 1), valid_until=dt.date(2020, 3, 1)
    )
    DrivingLicenceFactory(person=person, issued_on=dt.date(2026, 3, 1))

    assert check(person, driving_profile(min_driving_licence_years=1), "driving").verdict == MET


def test_manual_gearbox_is_required_when_the_profile_says_so():
    person = factories.PersonFactory()
    DrivingLicenceFactory(person=person, manual_transmission=False)

    assert verdict_and_reason(
        check(person, driving_profile(requires_manual_transmission=True), "driving")
    ) == (NOT_MET, "needs a manual gearbox licence")
    assert check(person, driving_profile(), "driving").verdict == MET


def test_driving_licence_lapsed_is_not_met():
    person = factories.PersonFactory()
    DrivingLicenceFactory(person=person, valid_until=dt.date(2026, 4, 15))

    assert check(person, driving_profile(), "driving").reason == (
        "driving licence lapsed 2026-04-15"
    )


# --- Weapons ---------------------------------------------------------------------------


def test_weapons_qualification_missing_lapsed_and_best_of_several():
    profile = bare_profile(requires_weapons=True)
    person = factories.PersonFactory()

    assert check(person, profile, "weapons").reason == "no weapons qualification"
    WeaponsQualificationFactory(person=person, valid_until=dt.date(2026, 6, 10))
    assert verdict_and_reason(check(person, profile, "weapons")) == (
        NOT_MET,
        "weapons qualification lapsed 2026-06-10",
    )
    WeaponsQualificationFactory(person=person, valid_until=dt.date(2027, 6, 10))
    assert check(person, profile, "weapons").lapses_on == dt.date(2027, 6, 10)


# --- Certifications --------------------------------------------------------------------


@pytest.fixture
def unmem_profile():
    profile = bare_profile()
    profile.required_certifications.set([certification_type("UNMEM")])
    return profile


def test_no_certificate_of_the_type_is_not_met(unmem_profile):
    person = factories.PersonFactory()
    certification(person, "UNSOC")  # another type does not count

    assert verdict_and_reason(check(person, unmem_profile, "certification:UNMEM")) == (
        NOT_MET,
        "no UNMEM certificate",
    )


def test_lapsed_certificate_says_when(unmem_profile):
    person = factories.PersonFactory()
    certification(person, issued_on=dt.date(2022, 5, 2), valid_until=dt.date(2026, 5, 1))

    assert check(person, unmem_profile, "certification:UNMEM").reason == (
        "UNMEM certificate lapsed 2026-05-01"
    )


def test_certificate_lapsing_before_the_tour_ends(unmem_profile):
    person = factories.PersonFactory()
    certification(person, issued_on=dt.date(2023, 2, 2), valid_until=dt.date(2027, 2, 1))

    found = check(
        person, unmem_profile, "certification:UNMEM", on=TOUR_START, tour_ends_on=TOUR_END
    )

    assert (found.verdict, found.reason) == (
        LAPSING,
        "UNMEM certificate lapses 2027-02-01, before the tour ends 2027-03-31",
    )


def test_revoked_certificate_does_not_count(unmem_profile):
    person = factories.PersonFactory()
    certification(person, revoked_at=timezone.now(), revocation_reason="Issued in error")

    assert verdict_and_reason(check(person, unmem_profile, "certification:UNMEM")) == (
        NOT_MET,
        "UNMEM certificate revoked",
    )


def test_revoked_newer_certificate_leaves_the_older_valid_one(unmem_profile):
    person = factories.PersonFactory()
    certification(person, valid_until=dt.date(2028, 1, 1))
    certification(
        person,
        valid_until=dt.date(2031, 1, 1),
        revoked_at=timezone.now(),
        revocation_reason="Wrong person",
    )

    found = check(person, unmem_profile, "certification:UNMEM")

    assert (found.verdict, found.lapses_on) == (MET, dt.date(2028, 1, 1))


def test_of_several_certificates_the_one_valid_longest_wins(unmem_profile):
    person = factories.PersonFactory()
    certification(person, issued_on=dt.date(2022, 5, 2), valid_until=dt.date(2026, 5, 1))
    certification(person, issued_on=dt.date(2026, 4, 1), valid_until=dt.date(2030, 4, 1))

    found = check(person, unmem_profile, "certification:UNMEM")

    assert (found.verdict, found.lapses_on) == (MET, dt.date(2030, 4, 1))


def test_certificate_issued_after_the_day_does_not_count_yet(unmem_profile):
    person = factories.PersonFactory()
    certification(person, issued_on=days(5), valid_until=dt.date(2030, 1, 1))

    assert check(person, unmem_profile, "certification:UNMEM").reason == "no UNMEM certificate"


# --- Whole people ----------------------------------------------------------------------


def observer():
    return readiness_models.RequirementProfile.objects.get(code="un-military-observer")


def fully_qualified_observer(**fields):
    person = factories.PersonFactory(
        date_of_birth=dt.date(1988, 4, 2), service_start_date=dt.date(2010, 8, 1), **fields
    )
    english(person, (3, 3, 3, 3))
    factories.MedicalClearanceFactory(person=person)
    factories.PassportFactory(person=person)
    DrivingLicenceFactory(person=person)
    certification(person, "UNMEM")
    return person


def test_a_person_with_no_records_at_all_gets_a_reason_for_each_record():
    person = factories.PersonFactory(date_of_birth=dt.date(1990, 5, 17))

    result = readiness(person, observer())

    assert not result.ready
    assert result.verdict == NOT_MET
    assert {check.requirement.key: check.reason for check in result.gaps} == {
        "language": "no English test on record",
        "medical": "no medical clearance",
        "passport": "no passport",
        "driving": "no driving licence",
        "certification:UNMEM": "no UNMEM certificate",
    }
    assert [c.verdict for c in result.checks[:4]] == [MET] * 4  # category, rank, age, service


def test_a_fully_qualified_observer_is_ready_and_green():
    person = fully_qualified_observer()

    result = readiness(person, observer())

    assert result.ready
    assert result.verdict == MET
    assert result.gaps == []


def test_one_lapsing_record_makes_the_person_amber_but_ready():
    person = fully_qualified_observer()
    factories.PassportFactory(
        person=person, issued_on=dt.date(2016, 1, 1), valid_until=dt.date(2026, 1, 1)
    )
    personnel.Passport.objects.filter(person=person, valid_until=dt.date(2032, 3, 1)).update(
        valid_until=days(30)
    )

    result = readiness(person, observer())

    assert result.ready
    assert result.verdict == LAPSING
    assert result.check("passport").reason == "passport lapses 2026-12-23, within 90 days"


def test_an_inactive_person_is_judged_on_the_profile_only():
    """Decision: activity is the register's business; callers pass active people."""
    person = fully_qualified_observer(is_active=False)

    assert readiness(person, observer()).ready


def test_results_come_by_person_id_in_the_order_given():
    first, second, third = factories.PersonFactory.create_batch(3)

    result = deployability(people=[third, first, second], profile=observer(), on=DAY)

    assert list(result) == [third.pk, first.pk, second.pk]
    assert all(isinstance(r, PersonReadiness) for r in result.values())
    assert result[first.pk].person is first


def test_a_queryset_of_people_gives_the_same_verdicts_as_a_list():
    people = [fully_qualified_observer(), factories.PersonFactory()]
    queryset = personnel.Person.objects.filter(pk__in=[p.pk for p in people]).order_by("-pk")

    from_queryset = deployability(people=queryset, profile=observer(), on=DAY)
    from_list = deployability(people=people, profile=observer(), on=DAY)

    assert list(from_queryset) == [people[1].pk, people[0].pk]
    assert {pk: r.checks for pk, r in from_queryset.items()} == {
        pk: r.checks for pk, r in from_list.items()
    }


def test_no_people_gives_no_results():
    assert deployability(people=personnel.Person.objects.none(), profile=observer()) == {}


def test_the_day_defaults_to_today():
    person = factories.PersonFactory()
    factories.MedicalClearanceFactory(
        person=person,
        issued_on=timezone.localdate() - dt.timedelta(days=400),
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )

    result = deployability(people=[person], profile=bare_profile(requires_medical=True))

    assert result[person.pk].check("medical").verdict == NOT_MET
