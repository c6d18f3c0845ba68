from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(using: str = "default", **_kwargs) -> None:
    from .roles import sync_role_groups

    sync_role_groups(using=using)


class PeacecentreConfig(AppConfig):
    name = "peacecentre"
    verbose_name = _("Peace Operations Centre")

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects the failed sign-in count per address)
        from .celery import ensure_filesystem_broker_folders

        # The web process sends tasks too, so the broker's folders must exist for it as well.
        ensure_filesystem_broker_folders()
        # The data migration creates the roles; after every migrate, give them the permissions
        # of models added since (administrators hold all) and follow ROLE_PERMISSIONS.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="peacecentre.sync_roles")
