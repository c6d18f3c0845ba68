"""Builders shared by the enrolment, waitlist and cohort page tests (on top of
tests/factories.py): a cohort with a given number of seats, people in one unit, seated and
waitlisted enrolments."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from courses.models import Cohort, Enrolment
from personnel.models import Person, Unit
from tests import factories


def make_cohort(*, capacity: int = 3, starts_in_days: int = 30, days: int = 10, **kwargs) -> Cohort:
    """An open cohort starting `starts_in_days` from today, `days` long."""
    starts_on = timezone.localdate() + dt.timedelta(days=starts_in_days)
    return factories.CohortFactory(
        capacity=capacity,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
        **kwargs,
    )


def make_people(count: int, *, unit: Unit | None = None, **kwargs) -> list[Person]:
    """`count` people in one unit (a new one unless given), named so that their order by
    name is their order of creation."""
    unit = unit or factories.UnitFactory()
    return [
        factories.PersonFactory(unit=unit, last_name=f"Trainee{index:03d}", **kwargs)
        for index in range(count)
    ]


def seat(cohort: Cohort, people: list[Person]) -> list[Enrolment]:
    return [factories.EnrolmentFactory(cohort=cohort, person=person) for person in people]


def waitlist(cohort: Cohort, people: list[Person]) -> list[Enrolment]:
    start = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED).count()
    return [
        factories.EnrolmentFactory(
            cohort=cohort,
            person=person,
            status=Enrolment.Status.WAITLISTED,
            waitlist_position=start + index,
        )
        for index, person in enumerate(people, start=1)
    ]


def positions(cohort: Cohort) -> list[tuple[str, int]]:
    """The waitlist as (service number, position), in position order."""
    return list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        .order_by("waitlist_position")
        .values_list("person__service_number", "waitlist_position")
    )
