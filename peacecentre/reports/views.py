"""Report pages: ask for a report, watch it being built, download it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .services import report_request


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
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = "reports:list"
        return redirect(back)
    return redirect("reports:detail", pk=report.pk)


def report_list(request: HttpRequest) -> HttpResponse:
    raise Http404  # placeholder: issue 6 builds it


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404  # placeholder: issue 6 builds it


def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404  # placeholder: issue 6 builds it


def report_download(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404  # placeholder: issue 6 builds it
