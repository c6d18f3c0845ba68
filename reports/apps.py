from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Report requests: built by Celery in the background, downloaded when done."""

    name = "reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Each kind registers itself when its module is imported.
        from common.outbox.watchdogs import register_watchdog

        from . import kinds  # noqa: F401
        from .services import reports_watchdog

        register_watchdog("reports", reports_watchdog)
