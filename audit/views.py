"""The audit trail page: administrators only."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.roles import Role, role_required

from . import selectors
from .forms import AuditFilterForm


@require_safe
@role_required(Role.ADMINISTRATOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    """Every recorded change of scores, certifications, enrolments, deployments, requirement
    profiles, users' roles and units' commanders: who, when, what and old -> new, newest
    first, 50 a page, filtered by kind, who, action and dates. Invalid filters are named on
    the form and nothing is listed."""
    form = AuditFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "kinds": [data["kind"]] if data["kind"] else None,
            "user": data["user"],
            "action": data["action"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }
    valid = not form.is_bound or form.is_valid()
    page, entries = (None, [])
    if valid:
        page, entries = selectors.audit_page(page_number=request.GET.get("page"), **filters)
    return render(
        request,
        "audit/audit_list.html",
        {
            "form": form,
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number) if page else [],
            "entries": entries,
        },
    )
