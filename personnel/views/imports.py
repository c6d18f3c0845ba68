"""Importing people from CSV/XLSX: upload, preview, confirm. Registrars and administrators;
an import is opened only by its uploader or an administrator (others get 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from peacecentre.imports import (
    import_errors_response,
    import_files_for,
    refused_rows_response,
)
from peacecentre.models import ImportFile
from peacecentre.roles import Role, role_required
from peacecentre.spreadsheets import MAX_ROWS, MAX_UPLOAD_BYTES, csv_response, xlsx_response
from personnel.forms_import import PeopleImportApplyForm, PeopleImportUploadForm
from personnel.services.imports import (
    DEFAULT_NATIONALITY,
    PEOPLE_COLUMNS,
    PEOPLE_REQUIRED,
    people_import_apply,
    people_import_preview,
    people_import_refused_rows,
    people_import_upload,
)

IMPORTERS = (Role.REGISTRAR, Role.ADMINISTRATOR)
RECENT_IMPORTS = 10
# Rows listed per section of a preview: a 5,000-row file would make a page of megabytes; the
# counts cover every row, and every error can be downloaded as CSV.
ROWS_SHOWN = 500


def _people_imports(request: HttpRequest):
    return import_files_for(request.user, kind=ImportFile.Kind.PEOPLE)


@role_required(*IMPORTERS)
def people_import(request: HttpRequest) -> HttpResponse:
    """The upload form, how to fill the file in, and the user's recent imports."""
    form = PeopleImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            import_file = people_import_upload(upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("personnel:import_preview", pk=import_file.pk)
    return render(
        request,
        "personnel/import.html",
        {
            "form": form,
            "recent": _people_imports(request)[:RECENT_IMPORTS],
            "required": PEOPLE_REQUIRED,
            "default_nationality": DEFAULT_NATIONALITY,
            "max_rows": MAX_ROWS,
            "max_bytes": MAX_UPLOAD_BYTES,
        },
    )


@role_required(*IMPORTERS)
def people_import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    """The blank template: the header row only (the import page explains each column)."""
    if file_format == "csv":
        return csv_response("people-import-template.csv", PEOPLE_COLUMNS, [])
    if file_format == "xlsx":
        return xlsx_response("people-import-template.xlsx", PEOPLE_COLUMNS, [], title="People")
    raise Http404


@role_required(*IMPORTERS)
def people_import_preview_page(request: HttpRequest, pk: int) -> HttpResponse:
    """What applying the file would do; the confirm button when it can be applied. An applied
    import shows what it did instead."""
    import_file = get_object_or_404(_people_imports(request), pk=pk)
    context = {"import_file": import_file}
    if not import_file.is_applied:
        try:
            preview = people_import_preview(import_file=import_file)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("personnel:import")
        context |= {
            "preview": preview,
            "errors_shown": preview.errors[:ROWS_SHOWN],
            "warnings_shown": preview.warnings[:ROWS_SHOWN],
            "new_shown": preview.new[:ROWS_SHOWN],
            "updated_shown": preview.updated[:ROWS_SHOWN],
            "unchanged_shown": preview.unchanged[:ROWS_SHOWN],
            "rows_shown": ROWS_SHOWN,
            "apply_form": PeopleImportApplyForm(
                initial={"digest": preview.digest},
                action=reverse("personnel:import_apply", args=[import_file.pk]),
                can_apply=preview.can_apply,
                valid_rows=preview.valid_count if preview.can_apply_valid_only else 0,
            ),
        }
    return render(request, "personnel/import_preview.html", context)


@require_POST
@role_required(*IMPORTERS)
def people_import_apply_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm a preview: write it all (or its valid rows only, when that button was
    pressed), or say why nothing was written and show the preview."""
    import_file = get_object_or_404(_people_imports(request), pk=pk)
    form = PeopleImportApplyForm(request.POST, action="", can_apply=True)
    if not form.is_valid():
        messages.error(request, _("The confirmation was incomplete; nothing was written."))
        return redirect("personnel:import_preview", pk=pk)
    try:
        summary = people_import_apply(
            import_file=import_file,
            by=request.user,
            expected_digest=form.cleaned_data["digest"],
            valid_only=form.valid_only,
        )
    except ValidationError as exc:
        level = messages.WARNING if exc.code == "stale" else messages.ERROR
        messages.add_message(request, level, " ".join(exc.messages))
        return redirect("personnel:import_preview", pk=pk)
    messages.success(
        request,
        _("%(name)s applied: %(new)s added, %(updated)s updated, %(unchanged)s unchanged.")
        % {"name": import_file.original_name, **summary},
    )
    if summary["refused"]:  # its page offers the rows left out
        return redirect("personnel:import_preview", pk=pk)
    return redirect("personnel:import")


@role_required(*IMPORTERS)
def people_import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """Every error of a preview as CSV (row, column, reason), to work through in the file."""
    import_file = get_object_or_404(_people_imports(request), pk=pk)
    if import_file.is_applied:
        raise Http404
    try:
        preview = people_import_preview(import_file=import_file)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("personnel:import")
    return import_errors_response(import_file, preview.errors)


@role_required(*IMPORTERS)
def people_import_refused(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows in error as the file has them plus the reason, as CSV: before applying, those
    the preview finds; after applying the valid rows only, those left out."""
    import_file = get_object_or_404(_people_imports(request), pk=pk)
    try:
        refused = people_import_refused_rows(import_file=import_file)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("personnel:import")
    return refused_rows_response(import_file, refused)
