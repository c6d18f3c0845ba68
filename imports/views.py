"""The pages of every file import (imports/services.py runs them): the upload page with the
blank template, the preview with its confirmation, the apply, and the CSVs of the errors and of
the rows refused. Registrars and administrators; an import is opened only by its uploader or
an administrator (others get 404).

Each import declares an ImportPages (its Importer, URL names, templates, the wording of what
applying did) and puts `pages.urlpatterns(prefix)` in its URLconf.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, role_required
from common.spreadsheets import MAX_ROWS, MAX_UPLOAD_BYTES, csv_response, xlsx_response

from .forms import ImportApplyForm, ImportUploadForm
from .models import ImportFile
from .services import (
    Importer,
    import_errors_response,
    import_files_for,
    refused_rows_response,
)

IMPORTERS = (Role.REGISTRAR, Role.ADMINISTRATOR)
RECENT_IMPORTS = 10
# Rows listed per section of a preview: a 5,000-row file would make a page of megabytes; the
# counts cover every row, and every error can be downloaded as CSV.
ROWS_SHOWN = 500
PAGES = ("template", "preview", "apply", "errors", "refused")


@dataclass(frozen=True)
class ImportPages:
    """One import's pages. `name` is its upload page's URL name in `namespace`; the others
    add _template, _preview, _apply, _errors, _refused. `template` is the upload page's
    template; the preview's adds "_preview". `blank_file` names the blank template download
    (and `sheet` its worksheet); `example_rows` gives its rows below the header.
    `applied_message` says what applying did, from the file and the counts."""

    importer: Importer
    namespace: str
    name: str
    template: str
    apply_label: Any
    blank_file: str
    sheet: str
    applied_message: Callable[[ImportFile, dict[str, int]], str]
    example_rows: Callable[[], Sequence[Sequence]] = tuple
    upload_context: Callable[[], dict[str, Any]] = dict
    roles: tuple[Role, ...] = field(default=IMPORTERS)

    def url_name(self, page: str = "") -> str:
        return f"{self.namespace}:{self.name}" + (f"_{page}" if page else "")

    def urlpatterns(self, prefix: str) -> list[URLPattern]:
        """The pages under `prefix` ("import/"), with their URL names."""
        allowed = role_required(*self.roles)
        return [
            path(prefix, allowed(self.upload), name=self.name),
            path(
                f"{prefix}template.<str:file_format>",
                allowed(self.blank),
                name=f"{self.name}_template",
            ),
            path(f"{prefix}<int:pk>/", allowed(self.preview), name=f"{self.name}_preview"),
            path(
                f"{prefix}<int:pk>/apply/",
                require_POST(allowed(self.apply)),
                name=f"{self.name}_apply",
            ),
            path(f"{prefix}<int:pk>/errors.csv", allowed(self.errors), name=f"{self.name}_errors"),
            path(
                f"{prefix}<int:pk>/refused.csv", allowed(self.refused), name=f"{self.name}_refused"
            ),
        ]

    def imports(self, request: HttpRequest) -> QuerySet[ImportFile]:
        return import_files_for(request.user, kind=self.importer.kind)

    def context(self, **values: Any) -> dict[str, Any]:
        """A page's context with the URL names of the import's pages: urls.index, urls.preview,
        ..."""
        urls = {"index": self.url_name(), **{page: self.url_name(page) for page in PAGES}}
        return {"urls": urls, **values}

    def upload(self, request: HttpRequest) -> HttpResponse:
        """The upload form, how to fill the file in, and the user's recent imports."""
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                import_file = self.importer.upload(
                    upload=form.cleaned_data["file"], by=request.user
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                return redirect(self.url_name("preview"), pk=import_file.pk)
        context = self.context(
            form=form,
            recent=self.imports(request)[:RECENT_IMPORTS],
            max_rows=MAX_ROWS,
            max_bytes=MAX_UPLOAD_BYTES,
            **self.upload_context(),
        )
        return render(request, self.template, context)

    def blank(self, request: HttpRequest, file_format: str) -> HttpResponse:
        """The blank template: the header row, and the import's example rows if any."""
        if file_format not in ("csv", "xlsx"):
            raise Http404
        columns, rows = self.importer.columns, self.example_rows()
        if file_format == "csv":
            return csv_response(f"{self.blank_file}.csv", columns, rows)
        return xlsx_response(f"{self.blank_file}.xlsx", columns, rows, title=self.sheet)

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """What applying the file would do; the confirm button when it can be applied. An
        applied import shows what it did instead."""
        import_file = get_object_or_404(self.imports(request), pk=pk)
        context = self.context(import_file=import_file)
        if not import_file.is_applied:
            try:
                preview = self.importer.preview(import_file=import_file)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect(self.url_name())
            context |= {
                "preview": preview,
                "errors_shown": preview.errors[:ROWS_SHOWN],
                "warnings_shown": preview.warnings[:ROWS_SHOWN],
                "rows_shown": ROWS_SHOWN,
                "apply_form": ImportApplyForm(
                    initial={"digest": preview.digest},
                    action=reverse(self.url_name("apply"), args=[import_file.pk]),
                    apply_label=self.apply_label,
                    can_apply=preview.can_apply,
                    valid_rows=preview.valid_count if preview.can_apply_valid_only else 0,
                ),
            }
            # Each status's rows as far as shown: new_shown, updated_shown, ...
            context |= {
                f"{status}_shown": rows[:ROWS_SHOWN]
                for status, rows in preview.by_status.items()
                if status != "error"
            }
        template = self.template.removesuffix(".html") + "_preview.html"
        return render(request, template, context)

    def apply(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Confirm a preview: write it all (or its valid rows only, when that button was
        pressed), or say why nothing was written and show the preview."""
        import_file = get_object_or_404(self.imports(request), pk=pk)
        form = ImportApplyForm(request.POST, action="", can_apply=True)
        if not form.is_valid():
            messages.error(request, _("The confirmation was incomplete; nothing was written."))
            return redirect(self.url_name("preview"), pk=pk)
        try:
            summary = self.importer.apply(
                import_file=import_file,
                by=request.user,
                expected_digest=form.cleaned_data["digest"],
                valid_only=form.valid_only,
            )
        except ValidationError as exc:
            level = messages.WARNING if exc.code == "stale" else messages.ERROR
            messages.add_message(request, level, " ".join(exc.messages))
            return redirect(self.url_name("preview"), pk=pk)
        messages.success(request, self.applied_message(import_file, summary))
        if summary["refused"]:  # its page offers the rows left out
            return redirect(self.url_name("preview"), pk=pk)
        return redirect(self.url_name())

    def errors(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Every error of a preview as CSV (row, column, reason), to work through in the
        file."""
        import_file = get_object_or_404(self.imports(request), pk=pk)
        if import_file.is_applied:
            raise Http404
        try:
            preview = self.importer.preview(import_file=import_file)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.url_name())
        return import_errors_response(import_file, preview.errors)

    def refused(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The rows in error as the file has them plus the reason, as CSV: before applying,
        those the preview finds; after applying the valid rows only, those left out."""
        import_file = get_object_or_404(self.imports(request), pk=pk)
        try:
            refused = self.importer.refused_rows(import_file=import_file)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.url_name())
        return refused_rows_response(import_file, refused)
