"""The people import's pages: the pipeline's (imports/views.py) with this import's
service, templates and wording."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.models import ImportFile
from imports.views import ImportPages
from personnel.services.imports import DEFAULT_NATIONALITY, PEOPLE_IMPORT, PEOPLE_REQUIRED


def _applied(import_file: ImportFile, summary: dict[str, int]) -> str:
    return _("%(name)s applied: %(new)s added, %(updated)s updated, %(unchanged)s unchanged.") % {
        "name": import_file.original_name,
        **summary,
    }


PEOPLE_PAGES = ImportPages(
    importer=PEOPLE_IMPORT,
    namespace="personnel",
    name="import",
    template="personnel/import.html",
    apply_label=gettext_lazy("Apply to the register"),
    blank_file="people-import-template",
    sheet="People",
    applied_message=_applied,
    upload_context=lambda: {
        "required": PEOPLE_REQUIRED,
        "default_nationality": DEFAULT_NATIONALITY,
    },
)
