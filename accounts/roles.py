"""Roles: the groups a user holds and what each may do.

Roles are auth groups created by a data migration (accounts/migrations/0002_roles.py). A
user may hold several roles. The scope of each role over the domain's records lives beside
those records (personnel/scope.py for units and people, courses/scope.py for cohorts and
enrolments), since this base app imports no domain app:
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

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from accounts.models import User


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
            )
            for action in ("view", "add", "change")
        ),
        "personnel.view_unit",
        "personnel.view_rank",
        *(
            f"readiness.{action}_{model}"
            for model in ("deployment", "contingent")
            for action in ("view", "add", "change")
        ),
        *(
            f"readiness.view_{model}"
            for model in (
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
        "readiness.view_requirementprofile",
        "readiness.view_mission",
        "readiness.view_contingent",
        "readiness.view_deployment",
        "readiness.add_deployment",  # for the people of their subtree (the service checks)
        # Confirm, depart, return, repatriate, extend, cancel their people's tours
        # (readiness/services/lifecycle.py checks the subtree); commanders have no admin.
        "readiness.change_deployment",
        "readiness.view_unitreadinessassessment",
        "readiness.view_assessmentarearesult",
        "readiness.view_gendertarget",
        "personnel.view_readiness",
        "courses.view_course",
        "courses.view_certification",
    ],
    # Administrators get every permission (accounts/migrations/0002_roles.py) and the admin.
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


def sync_role_groups(*, apps=None, using: str = "default") -> None:
    """Create the role groups and give each exactly its permissions in ROLE_PERMISSIONS;
    administrators get every permission. Run by the data migration that creates the roles and
    again after every migrate (accounts/apps.py), so later models' permissions follow.

    Permissions of models that do not exist yet (a later migration adds them) are skipped;
    tests/accounts/test_roles.py proves every listed permission exists after migrate.
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
