from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Reminders: daily sweeps record what lapses or starts soon; one digest per recipient
    per day sends them."""

    name = "notifications"
    label = "notifications"
    verbose_name = _("Reminders")
