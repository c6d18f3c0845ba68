"""Report pages: ask for a report, watch it being built, download it.

Who: any signed-in user lists the reports they requested (administrators everyone's). A
report's page and status are open to its requester and to anyone whose scope covers it (the
kind's `covers`); anyone else gets 404, so ids reveal nothing. The download asks `covers`
again: a requester whose scope no longer covers the report knows it exists and gets 403 with
the reason; anyone else 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, has_role

from . import selectors
from .kinds import kind_for
from .models import ReportRequest
from .services import report_request, retention_days

PAGE_SIZE = 25


@require_POST
def report_request_view(request: HttpRequest) -> HttpResponse:
    """POSTed by templates/reports/_request_button.html from the page the report belongs to.
    Errors go back to that page as a message; success opens the report's page."""
    try:
        report = report_request(user=request.user, data=request.POST)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        back = request.POST.get("next", "")
        if not back.startswith("/") or not url_has_allowed_host_and_scheme(
            back, {request.get_host()}
        ):
            back = reverse("reports:list")
        return HttpResponseRedirect(back)
    return redirect("reports:detail", pk=report.pk)


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.report_list(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2),
            "everyone": has_role(request.user, Role.ADMINISTRATOR),
        },
    )


def _report_or_404(request: HttpRequest, pk: int) -> ReportRequest:
    try:
        return selectors.report_get(user=request.user, pk=pk)
    except ReportRequest.DoesNotExist:
        raise Http404 from None


@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    kind = kind_for(report.kind)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "parameters": kind.describe(report.parameters),
            "source_url": kind.source_url(report.parameters),
            "covered": selectors.report_covers(user=request.user, report=report),
            "retention_days": retention_days(),
            "waits_for_queue": selectors.report_waits_for_queue(report=report),
        },
    )


@require_GET
def report_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the report page polls (static/js/report-progress.js)."""
    report = _report_or_404(request, pk)
    downloadable = report.is_downloadable and selectors.report_covers(
        user=request.user, report=report
    )
    return JsonResponse(
        {
            "status": report.status,
            "status_label": str(report.get_status_display()),
            "progress": report.progress,
            "download_url": reverse("reports:download", args=[report.pk]) if downloadable else "",
            "error": report.error,
        }
    )


@require_GET
def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_or_404(request, pk)
    if not selectors.report_covers(user=request.user, report=report):
        raise PermissionDenied  # the requester, whose scope no longer covers it
    if report.file_removed_at:
        return render(
            request,
            "reports/report_removed.html",
            {"report": report, "retention_days": retention_days()},
            status=410,
        )
    if not report.is_downloadable:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=report.filename,
        content_type=_CONTENT_TYPES.get(report.format, "application/octet-stream"),
    )


_CONTENT_TYPES = {
    ReportRequest.Format.CSV: "text/csv; charset=utf-8",
    ReportRequest.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportRequest.Format.PDF: "application/pdf",
}
