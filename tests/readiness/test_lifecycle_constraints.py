"""The database refuses impossible lifecycle combinations (readiness migration 0003), whatever
writes them. Run on both databases (CI runs PostgreSQL: DATABASE_URL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from readiness.models import Deployment
from readiness.services.deployments import is_overlap_violation
from tests import factories

pytestmark = pytest.mark.django_db

Status = Deployment.Status
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def create(**fields) -> Deployment:
    values = {
        "person": factories.PersonFactory(),
        "mission": factories.MissionFactory(),
        "role": factories.RequirementProfileFactory(),
        "starts_on": START,
        "ends_on": END,
    }
    values.update(fields)
    return Deployment.objects.create(**values)


def refused(constraint: str, **fields) -> None:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        create(**fields)
    assert constraint in str(error.value)


@pytest.mark.parametrize(
    ("constraint", "fields"),
    [
        ("deployment_departure_date_when_departed", {"status": Status.DEPLOYED}),
        (
            "deployment_departure_date_when_departed",
            {"status": Status.RETURNED, "returned_on": END},
        ),
        (
            "deployment_departure_date_when_departed",
            {"status": Status.PLANNED, "departed_on": START},
        ),
        (
            "deployment_departure_date_when_departed",
            {"status": Status.CONFIRMED, "departed_on": START},
        ),
        ("deployment_return_date_when_back", {"status": Status.RETURNED, "departed_on": START}),
        (
            "deployment_return_date_when_back",
            {"status": Status.REPATRIATED, "departed_on": START, "status_reason": "Medical."},
        ),
        (
            "deployment_return_date_when_back",
            {"status": Status.DEPLOYED, "departed_on": START, "returned_on": END},
        ),
        (
            "deployment_return_not_before_departure",
            {
                "status": Status.RETURNED,
                "departed_on": dt.date(2026, 3, 1),
                "returned_on": dt.date(2026, 2, 1),
            },
        ),
        (
            "deployment_departure_not_after_end",
            {"status": Status.DEPLOYED, "departed_on": dt.date(2027, 1, 1)},
        ),
        (
            "deployment_reason_when_repatriated_or_cancelled",
            {"status": Status.REPATRIATED, "departed_on": START, "returned_on": END},
        ),
        ("deployment_reason_when_repatriated_or_cancelled", {"status": Status.CANCELLED}),
        (
            "deployment_mandate_override_has_reason",
            {"mandate_override_by": factories.UserFactory.build},
        ),
        ("deployment_status_known", {"status": "completed"}),  # the old value is gone
    ],
    ids=[
        "deployed-without-departure",
        "returned-without-departure",
        "planned-with-departure",
        "confirmed-with-departure",
        "returned-without-return",
        "repatriated-without-return",
        "deployed-with-return",
        "return-before-departure",
        "departure-after-end",
        "repatriated-without-reason",
        "cancelled-without-reason",
        "mandate-override-without-reason",
        "old-completed-status",
    ],
)
def test_an_impossible_combination_is_refused(constraint, fields):
    if "mandate_override_by" in fields:
        fields = {"mandate_override_by": factories.UserFactory()}
    refused(constraint, **fields)


def test_every_possible_combination_is_accepted():
    assert create(status=Status.PLANNED).pk
    assert create(status=Status.CONFIRMED).pk
    assert create(status=Status.DEPLOYED, departed_on=dt.date(2025, 12, 30)).pk
    assert create(status=Status.RETURNED, departed_on=START, returned_on=dt.date(2027, 1, 5)).pk
    assert create(
        status=Status.REPATRIATED, departed_on=START, returned_on=START, status_reason="Medical."
    ).pk
    assert create(status=Status.CANCELLED, status_reason="Withdrawn.").pk


def test_the_overlap_rule_holds_the_days_actually_away():
    person = factories.PersonFactory()
    back_early = create(
        person=person,
        status=Status.REPATRIATED,
        departed_on=START,
        returned_on=dt.date(2026, 3, 31),
        status_reason="Medical.",
    )
    # After the early return the rest of the planned days are free...
    assert create(person=person, starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 9, 30)).pk
    # ...the days away are not, and an earlier departure than planned holds its days too.
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        create(person=person, starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2026, 1, 15))
    assert is_overlap_violation(error.value)
    left_early = create(
        person=factories.PersonFactory(),
        status=Status.DEPLOYED,
        departed_on=dt.date(2025, 12, 20),
    )
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        create(
            person=left_early.person, starts_on=dt.date(2025, 12, 1), ends_on=dt.date(2025, 12, 20)
        )
    assert is_overlap_violation(error.value)
    # A return later than planned holds its days: a tour starting then is refused.
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        Deployment.objects.filter(pk=back_early.pk).update(returned_on=dt.date(2026, 4, 2))
    assert is_overlap_violation(error.value)
