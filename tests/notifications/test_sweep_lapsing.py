"""The lapsing sweep: certifications and qualification records lapsing in 90, 30, 7 days and
on the day, to the person and their unit's commander, once."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from courses.models import Certification
from notifications.models import Reminder
from notifications.services import sweep_lapsing
from notifications.services.sweeps import threshold_for
from personnel.models import (
    DrivingLicence,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    WeaponsQualification,
)
from tests import factories, services
from tests.conftest import require
from tests.notifications.support import (
    ON,
    commanded_unit,
    days,
    person,
    recorded,
    thresholds,
)

pytestmark = pytest.mark.django_db

CERT = "certification_lapsing"
SWEPT_MODELS = (
    Certification,
    MedicalClearance,
    Passport,
    LanguageProficiency,
    DrivingLicence,
    WeaponsQualification,
)


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (-1, None),
        (0, 0),
        (1, 7),
        (6, 7),
        (7, 7),
        (8, 30),
        (29, 30),
        (30, 30),
        (31, 90),
        (89, 90),
        (90, 90),
        (91, None),
    ],
)
def test_the_smallest_threshold_that_applies(days_left, expected):
    assert threshold_for(days_left, (0, 7, 30, 90)) == expected


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (91, set()),
        (90, {"90"}),
        (89, {"90"}),
        (31, {"90"}),
        (30, {"30"}),
        (29, {"30"}),
        (8, {"30"}),
        (7, {"7"}),
        (5, {"7"}),
        (1, {"7"}),
        (0, {"0"}),
        (-1, set()),
    ],
)
def test_certification_thresholds_at_every_boundary(days_left, expected):
    holder = person()
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(days_left))

    sweep_lapsing(on=ON)

    assert thresholds(kind=CERT) == expected
    if expected:  # to the person and to the commander, with the lapse date
        assert set(Reminder.objects.values_list("recipient_email", flat=True)) == {
            "asel@mod.kz",
            "cmdr@mod.kz",
        }
        assert set(Reminder.objects.values_list("due_on", flat=True)) == {days(days_left)}


def test_a_record_is_reminded_at_each_threshold_once_over_the_days():
    holder = person()
    cert = factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(90))

    for day in range(0, 95):  # every morning until well after it lapsed
        sweep_lapsing(on=ON + dt.timedelta(days=day))

    assert recorded(recipient_email="asel@mod.kz") == {
        (CERT, cert.pk, threshold, "asel@mod.kz") for threshold in ("90", "30", "7", "0")
    }


def test_a_missed_sweep_loses_nothing_and_a_late_record_gets_only_the_smallest():
    holder = person()
    cert = factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(31))

    sweep_lapsing(on=ON)  # 31 days: the 90-day one
    sweep_lapsing(on=ON + dt.timedelta(days=3))  # the day at 30 was missed: 28 days left
    late = factories.CertificationFactory(
        person=holder,
        certification_type=factories.CertificationTypeFactory(code="POC"),
        number="POC-2026-0001",
        issued_on=days(-400),
        valid_until=days(8),
    )
    sweep_lapsing(on=ON + dt.timedelta(days=3))  # entered 5 days before it lapses

    assert thresholds(object_id=cert.pk, recipient_email="asel@mod.kz") == {"90", "30"}
    assert thresholds(object_id=late.pk, recipient_email="asel@mod.kz") == {"7"}


def test_running_the_sweep_twice_the_same_day_records_nothing_new():
    holder = person()
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(20))
    factories.PassportFactory(person=holder, issued_on=days(-3000), valid_until=days(6))

    assert sweep_lapsing(on=ON) == 4
    assert sweep_lapsing(on=ON) == 0
    assert Reminder.objects.count() == 4


def test_revoked_superseded_renewed_and_inactive_are_left_out(registrar):
    holder = person()
    revoked = factories.CertificationFactory(
        person=holder,
        issued_on=days(-400),
        valid_until=days(10),
        revoked_at=timezone.now(),
        revoked_by=registrar,
        revocation_reason="Issued in error",
    )
    superseded = factories.CertificationFactory(
        person=holder,
        certification_type=factories.CertificationTypeFactory(code="POC"),
        number="POC-1",
        issued_on=days(-400),
        valid_until=days(10),
    )
    factories.CertificationFactory(
        person=holder,
        certification_type=superseded.certification_type,
        number="POC-2",
        issued_on=days(-1),
        valid_until=days(20),  # lapses too, but it is the current one
        supersedes=superseded,
    )
    renewed = factories.CertificationFactory(
        person=holder,
        certification_type=factories.CertificationTypeFactory(code="UNMEM"),
        number="UNMEM-1",
        issued_on=days(-400),
        valid_until=days(10),
    )
    factories.CertificationFactory(
        person=holder,
        certification_type=renewed.certification_type,
        number="UNMEM-2",
        issued_on=days(-5),
        valid_until=days(1000),
    )
    inactive = person(unit=holder.unit, email="gone@mod.kz", is_active=False)
    factories.CertificationFactory(
        person=inactive, number="X-1", issued_on=days(-400), valid_until=days(10)
    )

    sweep_lapsing(on=ON)

    numbers = {r.details["number"] for r in Reminder.objects.all()}
    assert numbers == {"POC-2"}
    assert revoked.pk not in set(Reminder.objects.values_list("object_id", flat=True))


@pytest.mark.parametrize(
    ("factory", "kind", "extra"),
    [
        (factories.MedicalClearanceFactory, "medical_lapsing", {}),
        (factories.PassportFactory, "passport_lapsing", {}),
        (factories.LanguageProficiencyFactory, "language_lapsing", {}),
    ],
)
def test_qualification_records_are_reminded(factory, kind, extra):
    holder = person()
    record = factory(person=holder, issued_on=days(-300), valid_until=days(30), **extra)

    sweep_lapsing(on=ON)

    assert recorded() == {
        (kind, record.pk, "30", "asel@mod.kz"),
        (kind, record.pk, "30", "cmdr@mod.kz"),
    }


def test_driving_and_weapons_records_are_reminded_and_a_newer_one_silences_the_older():
    holder = person()
    licence = DrivingLicence.objects.create(
        person=holder, issued_on=days(-3000), valid_until=days(0), categories="B, C"
    )
    rifle = WeaponsQualification.objects.create(
        person=holder, issued_on=days(-300), valid_until=days(7), weapon="rifle"
    )
    # A newer pistol qualification does not replace the rifle one; a newer rifle one would.
    WeaponsQualification.objects.create(
        person=holder, issued_on=days(-10), valid_until=days(700), weapon="pistol"
    )
    old_passport = factories.PassportFactory(
        person=holder, issued_on=days(-3000), valid_until=days(10)
    )
    factories.PassportFactory(person=holder, issued_on=days(-5), valid_until=None)

    sweep_lapsing(on=ON)

    assert recorded(recipient_email="asel@mod.kz") == {
        ("driving_lapsing", licence.pk, "0", "asel@mod.kz"),
        ("weapons_lapsing", rifle.pk, "7", "asel@mod.kz"),
    }
    assert old_passport.pk not in recorded()


def test_a_person_without_an_email_only_their_commander_is_told():
    holder = person(email="")
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(7))

    sweep_lapsing(on=ON)

    assert set(Reminder.objects.values_list("recipient_email", flat=True)) == {"cmdr@mod.kz"}


def test_a_unit_without_a_commander_goes_to_the_nearest_ancestors_commander():
    battalion = commanded_unit("KAZBAT", "bn.commander@mod.kz")
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    platoon = factories.UnitFactory(code="KAZBAT-1-1", parent=company)
    holder = person(unit=platoon)
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(7))
    commanded_company = commanded_unit("KAZBAT-2", "coy.commander@mod.kz", parent=battalion)
    other = person(unit=commanded_company, email="", service_number="KZ-2")
    factories.CertificationFactory(
        person=other, number="N-2", issued_on=days(-400), valid_until=days(7)
    )

    sweep_lapsing(on=ON)

    assert set(Reminder.objects.values_list("recipient_email", flat=True)) == {
        "asel@mod.kz",
        "bn.commander@mod.kz",
        "coy.commander@mod.kz",
    }
    to_coy = Reminder.objects.get(recipient_email="coy.commander@mod.kz")
    assert to_coy.details["number"] == "N-2"


def test_a_person_without_a_unit_and_without_any_commander():
    holder = person(unit=factories.UnitFactory(code="LONE"))
    holder.unit = None
    holder.save()
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(7))

    sweep_lapsing(on=ON)

    assert recorded() == {(CERT, Reminder.objects.get().object_id, "7", "asel@mod.kz")}


def test_recipients_are_lower_cased_and_linked_to_their_accounts():
    holder_account = factories.UserFactory(username="asel", email="Asel@MOD.kz")
    holder = person(email="ASEL@mod.kz")
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(7))

    sweep_lapsing(on=ON)

    to_person = Reminder.objects.get(recipient_email="asel@mod.kz")
    assert to_person.recipient_user == holder_account
    to_commander = Reminder.objects.get(recipient_email="cmdr@mod.kz")
    assert to_commander.recipient_user == holder.unit.commander
    assert to_person.details == {
        "person": "Captain Nurlanova Asel",
        "person_id": holder.pk,
        "number": to_person.details["number"],
        "type": "UNSOC",
    }


def test_the_same_address_as_person_and_commander_gets_one_reminder():
    unit = commanded_unit("SOLO", "asel@mod.kz")
    holder = person(unit=unit)
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(7))

    assert sweep_lapsing(on=ON) == 1


def _population(n: int):
    battalion = commanded_unit("BN", "bn@mod.kz")
    companies = [factories.UnitFactory(code=f"BN-{i}", parent=battalion) for i in range(3)]
    for i in range(n):
        holder = person(unit=companies[i % 3], email=f"p{i}@mod.kz", service_number=f"KZ-P{i:04d}")
        factories.CertificationFactory(
            person=holder, number=f"C-{i}", issued_on=days(-400), valid_until=days(i % 95)
        )
        factories.PassportFactory(person=holder, issued_on=days(-3000), valid_until=days(i % 40))
        factories.MedicalClearanceFactory(
            person=holder, issued_on=days(-300), valid_until=days(i % 10)
        )


SWEEP_QUERIES = 9  # units, users by e-mail, one per kind of record (6), insert


# Up to 15 people: SQLite's insert takes at most 999 parameters (99 reminders) a statement, so
# larger sizes would split it; PostgreSQL inserts any number in one (the test below).
@pytest.mark.parametrize("size", [3, 15])
def test_the_sweep_runs_a_fixed_number_of_queries(size, django_assert_num_queries):
    _population(size)
    ContentType.objects.get_for_models(*SWEPT_MODELS)  # cached for the process, like a worker

    with django_assert_num_queries(SWEEP_QUERIES):
        assert sweep_lapsing(on=ON) > 0


def test_on_postgresql_the_queries_stay_fixed_at_hundreds_of_reminders(
    django_assert_num_queries,
):
    require(*services.postgresql())
    _population(90)
    ContentType.objects.get_for_models(*SWEPT_MODELS)

    with django_assert_num_queries(SWEEP_QUERIES):
        assert sweep_lapsing(on=ON) > 200
