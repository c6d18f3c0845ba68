"""Reads for the home dashboard: a fixed number of queries whatever the data's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, roles_of
from courses.models import Certification, Cohort, Enrolment
from operations.health import HEARTBEAT_MAX_AGE, last_heartbeat
from personnel.models import Gender, MedicalClearance, Passport, Person, Unit
from personnel.scope import commanded_units
from readiness.models import Deployment


@dataclass
class RegistrarSummary:
    active_people: int
    cohorts_by_status: dict[str, int]
    waitlisted: int
    certifications_lapsing: int
    upcoming_cohorts: list[Cohort]


@dataclass
class InstructorSummary:
    running: list[Cohort]
    upcoming: list[Cohort]
    past_count: int


@dataclass
class UnitHeadcount:
    unit: Unit
    level: int  # 0 for a unit the commander commands, 1 for the units right under it, ...
    own: int  # active people in this unit itself
    total: int  # active people in this unit and every unit under it


@dataclass
class CommanderSummary:
    units: list[UnitHeadcount]
    people: int
    women: int
    deployed: int
    certifications_lapsing: int
    medical_lapsing: int
    passports_lapsing: int


@dataclass
class AdministratorSummary:
    users_by_role: dict[str, int]
    active_users: int
    last_heartbeat: dt.datetime | None
    recent_logins: list[User] = field(default_factory=list)

    @property
    def worker_silent(self) -> bool:
        """No worker answered the heartbeat within two of its 5-minute periods."""
        return self.last_heartbeat is None or (
            timezone.now() - self.last_heartbeat > HEARTBEAT_MAX_AGE
        )


def _with_seat_counts(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    return cohorts.select_related("course").annotate(
        seated=Count("enrolments", filter=Q(enrolments__status__in=Enrolment.SEATED)),
        waitlisted=Count("enrolments", filter=Q(enrolments__status=Enrolment.Status.WAITLISTED)),
    )


def registrar_summary(*, today: dt.date) -> RegistrarSummary:
    """The register and the catalogue at a glance."""
    lapsing_until = today + dt.timedelta(days=settings.LAPSING_WINDOW_DAYS)
    by_status = dict(Cohort.objects.values_list("status").annotate(n=Count("pk")).order_by())
    upcoming = _with_seat_counts(
        Cohort.objects.filter(
            starts_on__gte=today, status__in=[Cohort.Status.PLANNED, Cohort.Status.OPEN]
        ).order_by("starts_on", "code")
    )[:6]
    return RegistrarSummary(
        active_people=Person.objects.active().count(),
        cohorts_by_status={status: by_status.get(status, 0) for status in Cohort.Status.values},
        waitlisted=Enrolment.objects.filter(status=Enrolment.Status.WAITLISTED).count(),
        certifications_lapsing=Certification.objects.unrevoked()
        .lapsing_between(today, lapsing_until)
        .count(),
        upcoming_cohorts=list(upcoming),
    )


def instructor_summary(*, user: User, today: dt.date) -> InstructorSummary:
    """The cohorts `user` teaches: running now, starting later, and how many are behind them."""
    taught = Cohort.objects.filter(instructors=user).exclude(status=Cohort.Status.CANCELLED)
    cohorts = list(_with_seat_counts(taught.filter(ends_on__gte=today)).order_by("starts_on"))
    return InstructorSummary(
        running=[c for c in cohorts if c.starts_on <= today],
        upcoming=[c for c in cohorts if c.starts_on > today],
        past_count=taught.filter(ends_on__lt=today).count(),
    )


def commander_summary(*, user: User, today: dt.date) -> CommanderSummary:
    """Headcount, deployments and what lapses soon in the commander's subtree."""
    lapsing_until = today + dt.timedelta(days=settings.LAPSING_WINDOW_DAYS)
    people = Person.objects.filter(unit__in=commanded_units(user), is_active=True)
    counts = people.aggregate(total=Count("pk"), women=Count("pk", filter=Q(gender=Gender.FEMALE)))
    return CommanderSummary(
        units=unit_headcounts(user),
        people=counts["total"],
        women=counts["women"],
        deployed=Deployment.objects.deployed_on(today).filter(person__in=people).count(),
        certifications_lapsing=Certification.objects.unrevoked()
        .filter(person__in=people)
        .lapsing_between(today, lapsing_until)
        .count(),
        medical_lapsing=MedicalClearance.objects.filter(person__in=people)
        .lapsing_between(today, lapsing_until)
        .count(),
        passports_lapsing=Passport.objects.filter(person__in=people)
        .lapsing_between(today, lapsing_until)
        .count(),
    )


def unit_headcounts(user: User) -> list[UnitHeadcount]:
    """Every unit `user` commands, and every unit under them, in tree order, with its own and
    its subtree's headcount: one query; subtree sums are added up from the paths."""
    units = list(
        commanded_units(user)
        .annotate(own=Count("people", filter=Q(people__is_active=True)))
        .order_by("path")
    )
    tops: list[Unit] = []  # the commanded units that no other commanded unit contains
    for unit in units:
        if not any(unit.path.startswith(top.path) for top in tops):
            tops.append(unit)
    rows = []
    for unit in units:
        top = next(top for top in tops if unit.path.startswith(top.path))
        total = sum(other.own for other in units if other.path.startswith(unit.path))
        rows.append(UnitHeadcount(unit, unit.depth - top.depth, unit.own, total))
    return rows


def administrator_summary() -> AdministratorSummary:
    """Accounts per role, the latest sign-ins, and when a worker last answered the heartbeat."""
    by_role = dict(
        Group.objects.filter(name__in=[r.value for r in Role])
        .annotate(n=Count("user", filter=Q(user__is_active=True)))
        .values_list("name", "n")
    )
    return AdministratorSummary(
        users_by_role={role.label: by_role.get(role.value, 0) for role in Role},
        active_users=User.objects.filter(is_active=True).count(),
        last_heartbeat=last_heartbeat(),
        recent_logins=list(
            User.objects.filter(last_login__isnull=False).order_by("-last_login")[:5]
        ),
    )


def home_for(user: User) -> dict:
    """The home page's sections, one per role the user holds."""
    today = timezone.localdate()
    roles = roles_of(user)
    return {
        "registrar": registrar_summary(today=today) if Role.REGISTRAR in roles else None,
        "instructor": instructor_summary(user=user, today=today)
        if Role.INSTRUCTOR in roles
        else None,
        "commander": commander_summary(user=user, today=today) if Role.COMMANDER in roles else None,
        "administrator": administrator_summary() if Role.ADMINISTRATOR in roles else None,
    }
