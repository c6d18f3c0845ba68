"""Factories and helpers of the missions and deployment tests."""

import datetime as dt

import factory
from django.utils import timezone

from readiness.models import Contingent, Deployment
from readiness.models.missions import CAME_BACK, DEPARTED, WITH_REASON
from tests import factories

TODAY = factories.TODAY
START = TODAY + dt.timedelta(days=30)  # a tour planned a month ahead


class ContingentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contingent

    mission = factory.SubFactory(factories.MissionFactory)
    unit = factory.SubFactory(factories.UnitFactory)
    name = "KAZCOY UNIFIL"
    rotation = factory.Sequence(lambda n: n + 1)
    starts_on = dt.date(2026, 1, 15)
    ends_on = dt.date(2027, 1, 14)
    planned_strength = 120


class DeploymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deployment

    person = factory.SubFactory(factories.PersonFactory)
    mission = factory.SubFactory(factories.MissionFactory)
    role = factory.SubFactory(factories.RequirementProfileFactory)
    # Under way today and ending well past the 60 days of the returning list.
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=200))
    status = Deployment.Status.DEPLOYED
    # The lifecycle's dates and reason, as the constraints want them for the status.
    departed_on = factory.LazyAttribute(lambda o: o.starts_on if o.status in DEPARTED else None)
    returned_on = factory.LazyAttribute(lambda o: o.ends_on if o.status in CAME_BACK else None)
    status_reason = factory.LazyAttribute(
        lambda o: "A reason given by the test." if o.status in WITH_REASON else ""
    )


def make_ready(person):
    """Give `person` what the default profile asks for over a year's tour from START: a
    medical clearance and a passport valid long past it."""
    factories.MedicalClearanceFactory(person=person, valid_until=START + dt.timedelta(days=800))
    factories.PassportFactory(person=person, valid_until=dt.date(2032, 3, 1))
    return person


def plain_role():
    """A role asking only for a medical clearance and a passport (the seeded profiles, made
    by migration 0006, ask for more)."""
    return factories.RequirementProfileFactory(code="plain-role", name="Plain role")
