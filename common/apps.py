from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """The base every app may use: spreadsheets, the import pipeline, change history,
    formatting, mail subjects, the task outbox's helpers and the admin's service-owned fields."""

    name = "common"
    verbose_name = _("Common")
