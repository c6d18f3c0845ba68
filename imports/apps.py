from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """The one import pipeline: upload, preview, stale-preview check, all-or-nothing apply
    and mark-applied. Each import (people, historical certifications) supplies only its
    columns, row checks and writes."""

    name = "imports"
    verbose_name = _("Imports")
