from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Report requests: built by Celery in the background, downloaded when done."""

    name = "peacecentre.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Each kind registers itself when its module is imported.
        from . import kinds  # noqa: F401
