from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Tasks that a write queues, recorded in the write's transaction and handed to the broker
    by the relay (manage.py outbox_relay) until it takes them."""

    name = "common.outbox"
    label = "outbox"
    verbose_name = _("Task outbox")

    def ready(self) -> None:
        from .broker import ensure_filesystem_broker_folders

        # The web process sends tasks too, so the broker's folders must exist for it as well.
        ensure_filesystem_broker_folders()
