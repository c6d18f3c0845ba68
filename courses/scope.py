"""Who may open which cohorts and see which enrolments, and the trainees an instructor sees
in the register (registered with personnel/scope.py by CoursesConfig.ready).

- registrars and administrators open every cohort and see every enrolment;
- an instructor opens the cohorts they teach and sees, in them, their trainees
  (TRAINEE_STATUSES);
- nobody else opens a cohort.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from accounts.roles import Role, has_role, sees_everything

from .models import Cohort, Enrolment

if TYPE_CHECKING:
    from accounts.models import User

# An instructor's trainees: the people of a cohort they teach who are, were or wait to be in its
# class. Nominations (waiting for the registrar's decision, or declined) are the registrar's:
# an instructor has no need to know who was put forward. Enrolment.Status values
# (tests/personnel/test_personal_records.py keeps them in step).
TRAINEE_STATUSES = ("enrolled", "waitlisted", "passed", "failed", "withdrawn")


def enrolment_statuses_for(user: User) -> tuple[str, ...]:
    """The enrolment statuses whose people `user` sees in the cohorts they open: every one for
    registrars and administrators; TRAINEE_STATUSES for an instructor; none otherwise."""
    if sees_everything(user):
        return tuple(Enrolment.Status.values)
    if has_role(user, Role.INSTRUCTOR):
        return TRAINEE_STATUSES
    return ()


def enrolments_for(user: User) -> QuerySet[Enrolment]:
    """Enrolments `user` sees in the cohorts they open (cohorts_for), of the statuses
    enrolment_statuses_for allows: all for registrars and administrators, an instructor's
    trainees in the cohorts they teach, none otherwise."""
    if sees_everything(user):
        return Enrolment.objects.all()
    return Enrolment.objects.filter(
        cohort__in=cohorts_for(user), status__in=enrolment_statuses_for(user)
    )


def cohorts_for(user: User) -> QuerySet[Cohort]:
    """Cohorts `user` may open: all for registrars and administrators; for an instructor the
    cohorts they teach; none otherwise."""
    if sees_everything(user):
        return Cohort.objects.all()
    if has_role(user, Role.INSTRUCTOR):
        return Cohort.objects.filter(instructors=user)
    return Cohort.objects.none()


def can_open_cohort(user: User, cohort: Cohort) -> bool:
    return cohorts_for(user).filter(pk=cohort.pk).exists()


def instructor_trainees(user: User) -> Q:
    """The people an instructor sees in the register: their trainees (people_for's rule)."""
    if not has_role(user, Role.INSTRUCTOR):
        return Q(pk__in=[])
    return Q(pk__in=enrolments_for(user).values("person_id"))
