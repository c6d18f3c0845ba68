"""Roles and scope: the one place every page and report asks "who may see what".

Roles are auth groups created by a data migration (peacecentre/migrations/0002_roles.py). A
user may hold several roles. Scope:
- registrars and administrators see the whole register and every cohort;
- an instructor sees the cohorts they teach (Cohort.instructors) and, of the people in them,
  their trainees (TRAINEE_STATUSES): name, rank, unit, service number and training record;
- a commander sees the people of the units they command and of every unit under them.
A person's personal records (date of birth, e-mail, phone, passport, medical clearance and
the other qualification documents, deployments, readiness) are for registrars, administrators
and the person's commanders only (personal_records_for): an instructor teaches, and needs none.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from courses.models import Cohort, Enrolment
    from peacecentre.models import User
    from personnel.models import Person, Unit


class Role(StrEnum):
    """Group names. They are stored in the database, so they never change once released."""

    REGISTRAR = "Registrar"
    INSTRUCTOR = "Instructor"
    COMMANDER = "Commander"
    ADMINISTRATOR = "Administrator"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.REGISTRAR: _("Registrar"),
    Role.INSTRUCTOR: _("Instructor"),
    Role.COMMANDER: _("Commander"),
    Role.ADMINISTRATOR: _("Administrator"),
}

# Permissions per role as "app_label.codename". Custom permissions ("courses.finalise_cohort")
# are declared on the models' Meta and named in full.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.REGISTRAR: [
        *(
            f"personnel.{action}_{model}"
            for model in (
                "person",
                "languageproficiency",
                "medicalclearance",
                "passport",
                "drivinglicence",
                "weaponsqualification",
                "deployment",
                "contingent",
            )
            for action in ("view", "add", "change")
        ),
        *(
            f"personnel.view_{model}"
            for model in (
                "unit",
                "rank",
                "mission",
                "requirementprofile",
                "unitreadinessassessment",
                "assessmentarearesult",
                "gendertarget",
            )
        ),
        *(
            f"courses.{action}_{model}"
            for model in (
                "course",
                "assessmentcomponent",
                "cohort",
                "enrolment",
                "certification",
            )
            for action in ("view", "add", "change")
        ),
        "courses.view_certificationtype",
        "courses.view_attendance",
        "courses.view_assessmentresult",
        "courses.reopen_cohort",
        "courses.revoke_certification",
        "personnel.view_readiness",
    ],
    Role.INSTRUCTOR: [
        "courses.view_course",
        "courses.view_assessmentcomponent",
        "courses.view_cohort",
        "courses.view_enrolment",
        "courses.view_attendance",
        "courses.add_attendance",
        "courses.change_attendance",
        "courses.view_assessmentresult",
        "courses.add_assessmentresult",
        "courses.change_assessmentresult",
        "courses.finalise_cohort",
        "courses.view_certification",
        "personnel.view_person",
    ],
    Role.COMMANDER: [
        "personnel.view_unit",
        "personnel.view_person",
        "personnel.view_languageproficiency",
        "personnel.view_medicalclearance",
        "personnel.view_passport",
        "personnel.view_drivinglicence",
        "personnel.view_weaponsqualification",
        "personnel.view_requirementprofile",
        "personnel.view_mission",
        "personnel.view_contingent",
        "personnel.view_deployment",
        "personnel.add_deployment",  # for the people of their subtree (the service checks)
        "personnel.view_unitreadinessassessment",
        "personnel.view_assessmentarearesult",
        "personnel.view_gendertarget",
        "personnel.view_readiness",
        "courses.view_course",
        "courses.view_certification",
    ],
    # Administrators get every permission (peacecentre/migrations/0002_roles.py) and the admin.
    Role.ADMINISTRATOR: [],
}


def roles_of(user: User) -> set[Role]:
    """The roles `user` holds. Superusers hold the administrator role."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_peacecentre_roles"):
        names = set(user.groups.values_list("name", flat=True))
        roles = {role for role in Role if role.value in names}
        if user.is_superuser:
            roles.add(Role.ADMINISTRATOR)
        user._peacecentre_roles = roles
    return user._peacecentre_roles


def has_role(user: User, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def sees_everything(user: User) -> bool:
    """Registrars and administrators work on the whole register."""
    return has_role(user, Role.REGISTRAR, Role.ADMINISTRATOR)


def units_for(user: User) -> QuerySet[Unit]:
    """Units `user` may see: all for registrars and administrators; for a commander the units
    they command and every unit under them; none otherwise."""
    from personnel.models import Unit

    if sees_everything(user):
        return Unit.objects.all()
    return commanded_units(user)


def commanded_units(user: User) -> QuerySet[Unit]:
    """The units `user` commands as a commander, and every unit under them."""
    from personnel.models import Unit

    if not has_role(user, Role.COMMANDER):
        return Unit.objects.none()
    paths = list(Unit.objects.filter(commander=user).values_list("path", flat=True))
    if not paths:
        return Unit.objects.none()
    under_any = Q()
    for path in paths:
        under_any |= Q(path__startswith=path)
    return Unit.objects.filter(under_any)


# An instructor's trainees: the people of a cohort they teach who are, were or wait to be in its
# class. Nominations (waiting for the registrar's decision, or declined) are the registrar's:
# an instructor has no need to know who was put forward. Enrolment.Status values
# (tests/personnel/test_personal_records.py keeps them in step).
TRAINEE_STATUSES = ("enrolled", "waitlisted", "passed", "failed", "withdrawn")


def people_for(user: User) -> QuerySet[Person]:
    """People `user` may see (name, rank, unit, service number, training record): everyone
    for registrars and administrators; a commander's subtree; an instructor's trainees
    (enrolments_for). Their personal records: personal_records_for."""
    from personnel.models import Person

    if sees_everything(user):
        return Person.objects.all()
    visible = Q(pk__in=[])
    if has_role(user, Role.COMMANDER):
        visible |= Q(unit__in=units_for(user))
    if has_role(user, Role.INSTRUCTOR):
        visible |= Q(pk__in=enrolments_for(user).values("person_id"))
    return Person.objects.filter(pk__in=Person.objects.filter(visible).values("pk"))


def personal_records_for(user: User) -> QuerySet[Person]:
    """People whose personal records `user` may read (date of birth, e-mail, phone, passport,
    medical clearance and the other qualification documents, deployments, readiness):
    everyone for registrars and administrators; a commander's subtree; nobody for anyone
    else, instructors included."""
    from personnel.models import Person

    if sees_everything(user):
        return Person.objects.all()
    return Person.objects.filter(unit__in=commanded_units(user))


def enrolment_statuses_for(user: User) -> tuple[str, ...]:
    """The enrolment statuses whose people `user` sees in the cohorts they open: every one for
    registrars and administrators; TRAINEE_STATUSES for an instructor; none otherwise."""
    from courses.models import Enrolment

    if sees_everything(user):
        return tuple(Enrolment.Status.values)
    if has_role(user, Role.INSTRUCTOR):
        return TRAINEE_STATUSES
    return ()


def enrolments_for(user: User) -> QuerySet[Enrolment]:
    """Enrolments `user` sees in the cohorts they open (cohorts_for), of the statuses
    enrolment_statuses_for allows: all for registrars and administrators, an instructor's
    trainees in the cohorts they teach, none otherwise."""
    from courses.models import Enrolment

    if sees_everything(user):
        return Enrolment.objects.all()
    return Enrolment.objects.filter(
        cohort__in=cohorts_for(user), status__in=enrolment_statuses_for(user)
    )


def cohorts_for(user: User) -> QuerySet[Cohort]:
    """Cohorts `user` may open: all for registrars and administrators; for an instructor the
    cohorts they teach; none otherwise."""
    from courses.models import Cohort

    if sees_everything(user):
        return Cohort.objects.all()
    if has_role(user, Role.INSTRUCTOR):
        return Cohort.objects.filter(instructors=user)
    return Cohort.objects.none()


def can_see_person(user: User, person: Person) -> bool:
    return people_for(user).filter(pk=person.pk).exists()


def can_open_cohort(user: User, cohort: Cohort) -> bool:
    return cohorts_for(user).filter(pk=cohort.pk).exists()


def sync_role_groups(*, apps=None, using: str = "default") -> None:
    """Create the role groups and give each exactly its permissions in ROLE_PERMISSIONS;
    administrators get every permission. Run by the data migration that creates the roles and
    again after every migrate (peacecentre/apps.py), so later models' permissions follow.

    Permissions of models that do not exist yet (a later migration adds them) are skipped;
    tests/peacecentre/test_roles.py proves every listed permission exists after migrate.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    # Permissions are normally created after all migrations ran (post_migrate); make them now.
    # A migration's historical app configs have no models_module, which create_permissions
    # needs set; put back whatever was there.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    all_permissions = Permission.objects.using(using).select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in all_permissions}
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        if role is Role.ADMINISTRATOR:
            group.permissions.set(list(by_name.values()))
        else:
            group.permissions.set(
                [by_name[name] for name in ROLE_PERMISSIONS[role] if name in by_name]
            )


def role_required(*allowed: Role):
    """View decorator: the signed-in user must hold one of `allowed` roles, else 403.

    Object scope (which cohort, which person) is checked in the view with cohorts_for /
    people_for, and a miss answers 404 so that ids outside one's scope reveal nothing.
    """
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


class RoleRequiredMixin:
    """Class-based views' form of role_required: set `allowed_roles`."""

    allowed_roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        from django.core.exceptions import PermissionDenied

        if not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
