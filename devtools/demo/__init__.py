"""Demo data for the Peace Operations Centre, modelled on Kazakhstan's KAZCENT.

`seed_demo()` fills a database with a unit tree, about 300 people with their qualification
records, the course catalogue with two years of cohorts (finalised, running, open, planned),
certifications, missions, contingents and tours, requirement profiles, UN gender targets,
readiness assessments, and demo logins for every role.

- Deterministic: every choice comes from `random.Random(DEMO_SEED)` and dates are placed
  relative to "demo today", so two runs on the same day write identical data, and the demo
  stays current (cohorts running now, certificates lapsing within 90 days).
- Safe to run twice: reference rows (users, units, ranks, courses, missions, profiles,
  targets) are found by natural key and created only when missing. The dated register (people
  and everything around them) is written once: when the demo's people are already in the
  register it is left alone, so a run on a later day does not add a second, shifted copy.
- One transaction: a failure leaves the database as it was.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from courses.models import Course
from notifications.services import (
    sweep_cohorts_starting,
    sweep_lapsing,
    sweep_recognition_lapsing,
    sweep_results_missing,
)
from personnel.models import Person
from readiness.models import Deployment

from . import deployments, people, readiness, reference, training
from .context import DemoContext
from .reference import DEMO_PASSWORD, DEMO_USERS, DemoUser

__all__ = ["DEMO_PASSWORD", "DEMO_SEED", "DEMO_USERS", "DemoResult", "DemoUser", "seed_demo"]

DEMO_SEED = 1325  # UNSCR 1325; any fixed number works, it just never changes
COUNTED_APPS = ("peacecentre", "personnel", "courses")


@dataclass(frozen=True)
class DemoResult:
    register_seeded: bool  # False when the demo register was already there
    created: dict[str, int]  # model's verbose name (plural) -> rows added


@transaction.atomic
def seed_demo(*, today: dt.date | None = None, seed: int = DEMO_SEED) -> DemoResult:
    """Seed the demo data; see the module docstring for the guarantees."""
    before = row_counts()
    ctx = seed_reference(today or timezone.localdate(), seed)
    planned = people.plan_people(ctx)
    numbers = [person.service_number for person in planned]
    register_seeded = not Person.objects.filter(service_number__in=numbers).exists()
    if register_seeded:
        seed_register(ctx, planned)
    after = row_counts()
    created = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    return DemoResult(register_seeded=register_seeded, created=created)


def seed_reference(today: dt.date, seed: int) -> DemoContext:
    """Users, units, ranks, catalogue, missions, profiles and targets (natural keys)."""
    users = reference.seed_users()
    units = reference.seed_units(users)
    ranks = reference.seed_ranks()
    types, courses = reference.seed_catalogue(today)
    missions = reference.seed_missions()
    profiles = reference.seed_requirement_profiles(ranks, types)
    reference.seed_gender_targets(today)
    courses = {
        course.code: course
        for course in Course.objects.filter(code__in=courses)
        .select_related("certification_type")
        .prefetch_related("prerequisites")
    }
    return DemoContext(
        today=today,
        rng=random.Random(seed),
        users=users,
        units=units,
        ranks=ranks,
        certification_types=types,
        courses=courses,
        missions=missions,
        profiles=profiles,
    )


def seed_register(ctx: DemoContext, planned: list[Person]) -> None:
    """People, qualifications, cohorts and their trainees, certifications, tours and
    readiness assessments, in an order where every step can rely on the ones before."""
    people.save_people(ctx, planned)
    people.seed_qualifications(ctx)
    runs = training.plan_cohorts(ctx)
    tours = deployments.plan_tours(ctx)
    record = training.Training()
    # Observers and staff officers serving now took their role course here before leaving;
    # veterans of closed missions hold certifications imported from the paper register.
    for tour in sorted(tours, key=lambda t: t.starts_on):
        if tour.imported:
            code, issued = tour.imported
            training.import_certification(ctx, record, tour.person, code, issued)
        elif tour.status == Deployment.Status.DEPLOYED and tour.role in deployments.ROLE_COURSE:
            course = deployments.ROLE_COURSE[tour.role]
            training.designate(ctx, runs, tour.person, course, tour.starts_on, record)
    training.import_from_partner_centre(ctx, record, {tour.person.pk for tour in tours})
    protected = {p.pk for run in runs for p in run.designated} | {
        t.person.pk for t in tours if t.contingent and t.status == Deployment.Status.DEPLOYED
    }
    training.simulate(ctx, runs, record, protected)
    training.revoke_one(ctx, record)
    training.save_training(ctx, record)
    certified = {pk for pk, held in record.held.items() if held["PDT"]}
    deployments.seed_deployments(ctx, tours, certified)
    deployments.seed_readiness(ctx)
    # Half a year of weekly readiness snapshots, so the unit readiness trend has a history.
    readiness.seed_readiness_snapshots(today=ctx.today)
    # Today's reminders, as the morning sweeps would record them (beat mails them at 06:00),
    # so every demo user finds theirs on the home page.
    for sweep in (
        sweep_lapsing,
        sweep_cohorts_starting,
        sweep_results_missing,
        sweep_recognition_lapsing,
    ):
        sweep(on=ctx.today)


def row_counts() -> dict[str, int]:
    """Rows per model of the project's apps (history tables included)."""
    return {
        str(model._meta.verbose_name_plural): model._default_manager.count()
        for app in COUNTED_APPS
        for model in apps.get_app_config(app).get_models()
    }
