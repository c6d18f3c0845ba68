"""The database refuses overlapping tours of one person (migration 0008: an exclusion
constraint on PostgreSQL, triggers on SQLite), whatever writes them. Run on both databases."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from readiness.models import Deployment
from readiness.services.deployments import is_overlap_violation
from tests import factories
from tests.readiness.deployment_support import DeploymentFactory

pytestmark = pytest.mark.django_db

JAN_1, DEC_31 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


@pytest.fixture
def tour():
    return DeploymentFactory(starts_on=JAN_1, ends_on=DEC_31)


def refused(**fields) -> IntegrityError:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        DeploymentFactory(**fields)
    return error.value


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (dt.date(2025, 6, 1), JAN_1),  # ends on the first day
        (DEC_31, dt.date(2027, 6, 1)),  # starts on the last day
        (dt.date(2026, 3, 1), dt.date(2026, 4, 1)),  # inside
        (dt.date(2025, 1, 1), dt.date(2028, 1, 1)),  # around
    ],
    ids=["end-on-first-day", "start-on-last-day", "inside", "around"],
)
def test_an_overlapping_insert_is_refused(tour, starts_on, ends_on):
    error = refused(person=tour.person, mission=tour.mission, starts_on=starts_on, ends_on=ends_on)
    assert is_overlap_violation(error)


def test_an_update_into_an_overlap_is_refused(tour):
    later = DeploymentFactory(
        person=tour.person,
        mission=tour.mission,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
        status=Deployment.Status.PLANNED,
    )
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Deployment.objects.filter(pk=later.pk).update(starts_on=dt.date(2026, 12, 1))
    assert is_overlap_violation(error.value)
    # Cancelling the first tour frees its days; reviving it is refused again.
    Deployment.objects.filter(pk=tour.pk).update(
        status=Deployment.Status.CANCELLED, departed_on=None, status_reason="Called off."
    )
    Deployment.objects.filter(pk=later.pk).update(starts_on=dt.date(2026, 12, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Deployment.objects.filter(pk=tour.pk).update(status=Deployment.Status.PLANNED)


def test_adjacent_tours_cancelled_ones_and_other_people_are_allowed(tour):
    DeploymentFactory(
        person=tour.person,
        mission=tour.mission,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 6, 30),
    )
    DeploymentFactory(
        person=tour.person,
        mission=tour.mission,
        starts_on=JAN_1,
        ends_on=DEC_31,
        status=Deployment.Status.CANCELLED,
    )
    DeploymentFactory(
        person=factories.PersonFactory(), mission=tour.mission, starts_on=JAN_1, ends_on=DEC_31
    )
    # A tour's own update (its status, its return) is not an overlap with itself.
    Deployment.objects.filter(pk=tour.pk).update(
        status=Deployment.Status.RETURNED,
        returned_on=dt.date(2026, 12, 30),
        ends_on=dt.date(2026, 12, 30),
    )
    assert Deployment.objects.count() == 4


def test_other_integrity_errors_are_not_taken_for_an_overlap(tour):
    error = refused(
        person=tour.person,
        mission=tour.mission,
        starts_on=dt.date(2030, 1, 2),
        ends_on=dt.date(2030, 1, 1),
    )  # ends before it starts
    assert not is_overlap_violation(error)
