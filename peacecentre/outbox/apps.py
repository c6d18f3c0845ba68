from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Tasks that a write queues, recorded in the write's transaction and handed to the broker
    by the relay (manage.py outbox_relay) until it takes them."""

    name = "peacecentre.outbox"
    label = "outbox"
    verbose_name = _("Task outbox")
