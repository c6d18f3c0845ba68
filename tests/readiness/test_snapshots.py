"""The nightly readiness snapshot: counts per unit subtree and profile, idempotent per day,
a fixed number of queries; its schedule after migrate; the demo's backfill."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from devtools.demo.readiness import seed_readiness_snapshots
from peacecentre.celery import app
from readiness.models import ReadinessSnapshot
from readiness.services.snapshots import readiness_snapshots_take
from readiness.tasks import take_readiness_snapshots
from tests import factories
from tests.readiness.unit_readiness_support import (
    contingent_profile,
    observer_profile,
    person,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_profiles")]


@pytest.fixture
def tree():
    """MOD > KAZBAT > KAZBAT-1 > PLT-1, KAZBAT > KAZBAT-2; MIA apart."""
    mod = factories.UnitFactory(code="MOD", kind="headquarters")
    battalion = factories.UnitFactory(code="KAZBAT", kind="battalion", parent=mod)
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    platoon = factories.UnitFactory(code="PLT-1", kind="platoon", parent=company)
    second = factories.UnitFactory(code="KAZBAT-2", parent=battalion)
    mia = factories.UnitFactory(code="MIA", kind="headquarters")
    return {u.code: u for u in (mod, battalion, company, platoon, second, mia)}


def counts(on=None) -> dict[tuple[str, str], tuple[int, int, int]]:
    on = on or timezone.localdate()
    return {
        (s.unit.code, s.profile.code): (s.headcount, s.ready, s.lapsing)
        for s in ReadinessSnapshot.objects.filter(taken_on=on).select_related("unit", "profile")
    }


def test_counts_each_unit_with_every_unit_under_it(tree):
    profile = contingent_profile()
    today = timezone.localdate()
    person(tree["KAZBAT-1"])
    person(tree["PLT-1"])
    person(tree["PLT-1"], medical=today + dt.timedelta(days=20))  # ready, lapsing
    person(tree["KAZBAT-2"], passport=False)
    person(tree["KAZBAT"], medical=False)
    person(tree["KAZBAT-2"], is_active=False)  # ready on paper, but not in the register
    person(None)  # a partner country's participant: in no unit

    written = readiness_snapshots_take()

    code = profile.code
    assert written == 6  # every unit, even an empty one, once for the one active profile
    assert counts() == {
        ("MOD", code): (5, 3, 1),
        ("KAZBAT", code): (5, 3, 1),
        ("KAZBAT-1", code): (3, 3, 1),
        ("PLT-1", code): (2, 2, 1),
        ("KAZBAT-2", code): (1, 0, 0),
        ("MIA", code): (0, 0, 0),
    }


def test_every_active_profile_and_no_inactive_one(tree):
    contingent, observer = contingent_profile(), observer_profile()
    factories.RequirementProfileFactory(code="retired", name="Retired role", is_active=False)
    ready_observer = person(tree["PLT-1"])
    factories.LanguageProficiencyFactory(person=ready_observer)  # English 3-2-3-2
    person(tree["PLT-1"])

    assert readiness_snapshots_take() == 12
    assert {profile for _unit, profile in counts()} == {contingent.code, observer.code}
    assert counts()["PLT-1", observer.code] == (2, 1, 0)
    assert counts()["PLT-1", contingent.code] == (2, 2, 0)


def test_a_rerun_on_the_same_day_updates_and_never_duplicates(tree):
    profile = contingent_profile()
    late = person(tree["KAZBAT-1"], medical=False)
    readiness_snapshots_take()
    assert counts()["KAZBAT-1", profile.code] == (1, 0, 0)

    factories.MedicalClearanceFactory(
        person=late,
        issued_on=timezone.localdate(),
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    assert readiness_snapshots_take() == 6

    assert ReadinessSnapshot.objects.count() == 6
    assert counts()["KAZBAT-1", profile.code] == (1, 1, 0)


def test_another_day_adds_its_own_rows_judged_on_that_day(tree):
    profile = contingent_profile()
    today = timezone.localdate()
    someone = person(tree["KAZBAT-1"], medical=False)
    factories.MedicalClearanceFactory(
        person=someone,
        issued_on=today - dt.timedelta(days=3),
        valid_until=today.replace(year=today.year + 1),
    )
    last_week = today - dt.timedelta(days=7)

    readiness_snapshots_take(on=last_week)
    readiness_snapshots_take()

    assert ReadinessSnapshot.objects.count() == 12
    assert counts(last_week)["KAZBAT-1", profile.code] == (1, 0, 0)  # not yet cleared then
    assert counts(today)["KAZBAT-1", profile.code] == (1, 1, 0)


def queries_taking_snapshots(tree, per_unit: int) -> int:
    for unit in tree.values():
        for _ in range(per_unit):
            person(unit)
    with CaptureQueriesContext(connection) as queries:
        readiness_snapshots_take()
    return len(queries)


def test_a_fixed_number_of_queries_however_many_people(tree, django_assert_max_num_queries):
    contingent_profile()
    observer_profile()
    few = queries_taking_snapshots(tree, 1)
    ReadinessSnapshot.objects.all().delete()
    many = queries_taking_snapshots(tree, 10)
    assert few == many
    with django_assert_max_num_queries(14):
        readiness_snapshots_take()


def test_no_people_and_no_profile_write_nothing_wrong(tree):
    assert readiness_snapshots_take() == 0
    contingent_profile()
    assert readiness_snapshots_take() == 6
    assert set(counts().values()) == {(0, 0, 0)}


# --- the schedule --------------------------------------------------------------------------


def test_migrate_schedules_the_snapshot_at_two_in_the_morning_in_almaty():
    task = PeriodicTask.objects.select_related("crontab").get(name="Readiness snapshot")
    assert task.enabled
    assert task.task == "personnel.take_readiness_snapshots"
    assert task.task == take_readiness_snapshots.name
    assert task.task in app.tasks  # registered: the name a worker knows
    crontab = task.crontab
    assert (crontab.minute, crontab.hour) == ("0", "2")
    assert (crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == ("*", "*", "*")
    assert str(crontab.timezone) == "Asia/Almaty"


# --- the demo ------------------------------------------------------------------------------


def test_demo_backfill_writes_weekly_points_and_reruns_to_the_same_rows(tree):
    profile = contingent_profile()
    today = timezone.localdate()
    person(tree["KAZBAT-1"])

    assert seed_readiness_snapshots(today=today, weeks=4) == 4 * 6
    days = sorted(set(ReadinessSnapshot.objects.values_list("taken_on", flat=True)))
    assert days == [today - dt.timedelta(weeks=w) for w in (3, 2, 1, 0)]
    before = list(ReadinessSnapshot.objects.values_list("unit", "profile", "taken_on", "ready"))

    assert seed_readiness_snapshots(today=today, weeks=4) == 4 * 6
    assert (
        list(ReadinessSnapshot.objects.values_list("unit", "profile", "taken_on", "ready"))
        == before
    )
    assert counts()["KAZBAT-1", profile.code] == (1, 1, 0)
