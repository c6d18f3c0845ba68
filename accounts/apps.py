from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(using: str = "default", **_kwargs) -> None:
    from .roles import sync_role_groups

    sync_role_groups(using=using)


class AccountsConfig(AppConfig):
    """Users, their roles and the sign-in rules. Its label stays "peacecentre", the label the
    user model was released under (AUTH_USER_MODEL, its tables and its migrations)."""

    name = "accounts"
    label = "peacecentre"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects the failed sign-in count per address)

        # The data migration creates the roles; after every migrate, give them the permissions
        # of models added since (administrators hold all) and follow ROLE_PERMISSIONS.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="peacecentre.sync_roles")
