"""Importing historical certifications from CSV/XLSX: upload, preview, confirm. Registrars and
administrators; an import is opened only by its uploader or an administrator (others get 404).
The pages mirror the personnel import's (personnel/views/imports.py); the work is done by
courses/services/certification_imports.py."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from courses.forms.certification_imports import (
    CertificationImportApplyForm,
    CertificationImportUploadForm,
)
from courses.models import Course
from courses.services import certification_imports as services
from peacecentre.imports import (
    import_errors_response,
    import_files_for,
    refused_rows_response,
)
from peacecentre.models import ImportFile
from peacecentre.roles import Role, role_required
from peacecentre.spreadsheets import MAX_ROWS, MAX_UPLOAD_BYTES, csv_response, xlsx_response

IMPORTERS = (Role.REGISTRAR, Role.ADMINISTRATOR)
RECENT_IMPORTS = 10
# Rows listed per section of a preview: a 5,000-row file would make a page of megabytes; the
# counts cover every row, and every error can be downloaded as CSV.
ROWS_SHOWN = 500
EXAMPLE_ISSUED_ON = dt.date(2019, 3, 31)


def _imports(request: HttpRequest) -> QuerySet[ImportFile]:
    return import_files_for(request.user, kind=ImportFile.Kind.CERTIFICATIONS)


def _granting_courses() -> QuerySet[Course]:
    """Courses whose certifications can be imported: those that grant one."""
    return Course.objects.filter(certification_type__isnull=False).select_related(
        "certification_type"
    )


@role_required(*IMPORTERS)
def certification_import(request: HttpRequest) -> HttpResponse:
    """The upload form, how to fill the file in, and the user's recent imports."""
    form = CertificationImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            import_file = services.certification_import_upload(
                upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("courses:certification_import_preview", pk=import_file.pk)
    return render(
        request,
        "courses/certification_import.html",
        {
            "form": form,
            "recent": _imports(request)[:RECENT_IMPORTS],
            "courses": _granting_courses(),
            "number_limit": services.NUMBER_LIMIT,
            "max_rows": MAX_ROWS,
            "max_bytes": MAX_UPLOAD_BYTES,
        },
    )


@role_required(*IMPORTERS)
def certification_import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    """The template: the header row and one example row (a course of the catalogue that grants
    a certification when there is one), to overwrite."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    course = _granting_courses().filter(is_active=True).first()
    code = course.code if course else "UNSOC"
    example = [
        "KZ-000123",
        code,
        f"{code}-{EXAMPLE_ISSUED_ON.year}-0042",
        EXAMPLE_ISSUED_ON,
        services.valid_until_for(EXAMPLE_ISSUED_ON, course=course)
        if course
        else EXAMPLE_ISSUED_ON.replace(year=EXAMPLE_ISSUED_ON.year + 4),
    ]
    if file_format == "csv":
        return csv_response(
            "certification-import-template.csv", services.CERTIFICATION_COLUMNS, [example]
        )
    return xlsx_response(
        "certification-import-template.xlsx",
        services.CERTIFICATION_COLUMNS,
        [example],
        title="Certifications",
    )


@role_required(*IMPORTERS)
def certification_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What applying the file would do; the confirm button when it can be applied. An applied
    import shows what it did instead."""
    import_file = get_object_or_404(_imports(request), pk=pk)
    context = {"import_file": import_file}
    if not import_file.is_applied:
        try:
            preview = services.certification_import_preview(import_file=import_file)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("courses:certification_import")
        context |= {
            "preview": preview,
            "errors_shown": preview.errors[:ROWS_SHOWN],
            "new_shown": preview.new[:ROWS_SHOWN],
            "rows_shown": ROWS_SHOWN,
            "apply_form": CertificationImportApplyForm(
                initial={"digest": preview.digest},
                action=reverse("courses:certification_import_apply", args=[import_file.pk]),
                can_apply=preview.can_apply,
                valid_rows=preview.valid_count if preview.can_apply_valid_only else 0,
            ),
        }
    return render(request, "courses/certification_import_preview.html", context)


@require_POST
@role_required(*IMPORTERS)
def certification_import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a preview: write it all (or its valid rows only, when that button was
    pressed), or say why nothing was written and show the preview."""
    import_file = get_object_or_404(_imports(request), pk=pk)
    form = CertificationImportApplyForm(request.POST, action="", can_apply=True)
    if not form.is_valid():
        messages.error(request, _("The confirmation was incomplete; nothing was written."))
        return redirect("courses:certification_import_preview", pk=pk)
    try:
        summary = services.certification_import_apply(
            import_file=import_file,
            by=request.user,
            expected_digest=form.cleaned_data["digest"],
            valid_only=form.valid_only,
        )
    except ValidationError as exc:
        level = messages.WARNING if exc.code == "stale" else messages.ERROR
        messages.add_message(request, level, " ".join(exc.messages))
        return redirect("courses:certification_import_preview", pk=pk)
    added = ngettext(
        "%(count)s certification added", "%(count)s certifications added", summary["new"]
    ) % {"count": summary["new"]}
    linked = ngettext(
        "%(count)s supersede link made", "%(count)s supersede links made", summary["linked"]
    ) % {"count": summary["linked"]}
    messages.success(
        request,
        _(
            "%(name)s applied: %(added)s (%(computed)s with the validity worked out from the "
            "course), %(linked)s."
        )
        % {
            "name": import_file.original_name,
            "added": added,
            "computed": summary["computed"],
            "linked": linked,
        },
    )
    if summary["refused"]:  # its page offers the rows left out
        return redirect("courses:certification_import_preview", pk=pk)
    return redirect("courses:certification_import")


@role_required(*IMPORTERS)
def certification_import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every error of a preview as CSV (row, column, reason), to work through in the file."""
    import_file = get_object_or_404(_imports(request), pk=pk)
    if import_file.is_applied:
        raise Http404
    try:
        preview = services.certification_import_preview(import_file=import_file)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("courses:certification_import")
    return import_errors_response(import_file, preview.errors)


@role_required(*IMPORTERS)
def certification_import_refused(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows in error as the file has them plus the reason, as CSV: before applying, those
    the preview finds; after applying the valid rows only, those left out."""
    import_file = get_object_or_404(_imports(request), pk=pk)
    try:
        refused = services.certification_import_refused_rows(import_file=import_file)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("courses:certification_import")
    return refused_rows_response(import_file, refused)
