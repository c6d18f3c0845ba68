"""The nightly snapshot task through the configured broker and a real worker."""

import pytest
from django.utils import timezone

from readiness.models import ReadinessSnapshot
from readiness.tasks import take_readiness_snapshots
from tests import factories
from tests.readiness.unit_readiness_support import (
    contingent_profile,
    person,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("own_profiles"),
]


def test_the_task_writes_the_snapshots_and_a_rerun_adds_none(celery_worker):
    profile = contingent_profile()
    battalion = factories.UnitFactory(code="KAZBAT", kind="battalion")
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    person(company)
    person(company, medical=False)

    assert take_readiness_snapshots.delay().get(timeout=60) == 2
    assert take_readiness_snapshots.delay().get(timeout=60) == 2

    today = timezone.localdate()
    rows = ReadinessSnapshot.objects.filter(profile=profile, taken_on=today)
    assert sorted(rows.values_list("unit__code", "headcount", "ready")) == [
        ("KAZBAT", 2, 1),
        ("KAZBAT-1", 2, 1),
    ]
    assert ReadinessSnapshot.objects.count() == 2


def test_the_task_takes_a_given_day(celery_worker):
    contingent_profile()
    factories.UnitFactory(code="KAZBAT", kind="battalion")

    assert take_readiness_snapshots.delay("2026-01-31").get(timeout=60) == 1
    assert ReadinessSnapshot.objects.get().taken_on.isoformat() == "2026-01-31"
