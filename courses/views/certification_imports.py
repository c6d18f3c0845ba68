"""The historical certifications import's pages: the pipeline's (imports/views.py)
with this import's service, templates, wording and example row."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from courses.models import Course
from courses.services.certification_imports import (
    CERTIFICATION_IMPORT,
    NUMBER_LIMIT,
    valid_until_for,
)
from imports.models import ImportFile
from imports.views import ImportPages

EXAMPLE_ISSUED_ON = dt.date(2019, 3, 31)


def _granting_courses() -> QuerySet[Course]:
    """Courses whose certifications can be imported: those that grant one."""
    return Course.objects.filter(certification_type__isnull=False).select_related(
        "certification_type"
    )


def _example_rows() -> list[list]:
    """One example row (a course of the catalogue that grants a certification when there is
    one), to overwrite."""
    course = _granting_courses().filter(is_active=True).first()
    code = course.code if course else "UNSOC"
    valid_until = (
        valid_until_for(EXAMPLE_ISSUED_ON, course=course)
        if course
        else EXAMPLE_ISSUED_ON.replace(year=EXAMPLE_ISSUED_ON.year + 4)
    )
    return [
        ["KZ-000123", code, f"{code}-{EXAMPLE_ISSUED_ON.year}-0042", EXAMPLE_ISSUED_ON, valid_until]
    ]


def _applied(import_file: ImportFile, summary: dict[str, int]) -> str:
    added = ngettext(
        "%(count)s certification added", "%(count)s certifications added", summary["new"]
    ) % {"count": summary["new"]}
    linked = ngettext(
        "%(count)s supersede link made", "%(count)s supersede links made", summary["linked"]
    ) % {"count": summary["linked"]}
    return _(
        "%(name)s applied: %(added)s (%(computed)s with the validity worked out from the "
        "course), %(linked)s."
    ) % {
        "name": import_file.original_name,
        "added": added,
        "computed": summary["computed"],
        "linked": linked,
    }


CERTIFICATION_PAGES = ImportPages(
    importer=CERTIFICATION_IMPORT,
    namespace="courses",
    name="certification_import",
    template="courses/certification_import.html",
    apply_label=gettext_lazy("Add the certifications"),
    blank_file="certification-import-template",
    sheet="Certifications",
    applied_message=_applied,
    example_rows=_example_rows,
    upload_context=lambda: {"courses": _granting_courses(), "number_limit": NUMBER_LIMIT},
)
