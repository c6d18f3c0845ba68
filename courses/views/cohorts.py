"""The cohort page and its roster exports.

Registrars and administrators see every cohort and manage its enrolments; an instructor sees
the cohorts they teach, read-only (another cohort answers 404), and their trainees in it, not
the nominations (peacecentre.roles.enrolments_for); commanders get 403.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import get_valid_filename

from courses.selectors.certifications import with_status_history
from courses.selectors.cohorts import (
    ROSTER_COLUMNS,
    cohort_page,
    cohort_roster_rows,
    cohorts_visible,
)
from courses.views.enrolment import pop_refused
from peacecentre.reports.builders.offers import report_offer
from peacecentre.reports.models import ReportKindCode
from peacecentre.roles import Role, role_required, sees_everything
from peacecentre.spreadsheets import csv_response, xlsx_response

COHORT_READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.INSTRUCTOR)


@role_required(*COHORT_READERS)
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(with_status_history(cohorts_visible(user=request.user)), pk=pk)
    page = cohort_page(cohort=cohort, user=request.user)
    return render(
        request,
        "courses/cohort_detail.html",
        {
            "cohort": cohort,
            "page": page,
            # Right after an enrolment: who it refused and why.
            "refused": pop_refused(request, cohort=cohort),
            # Registrars and administrators change enrolments while the cohort takes them.
            "can_manage": sees_everything(request.user) and page.takes_enrolments,
            "report_offer": report_offer(
                user=request.user, kind=ReportKindCode.COHORT_RESULTS, params={"cohort": cohort.pk}
            ),
        },
    )


def _roster_filename(cohort, extension: str) -> str:
    return get_valid_filename(f"{cohort.code}-roster.{extension}")


@role_required(*COHORT_READERS)
def cohort_roster_csv(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohorts_visible(user=request.user), pk=pk)
    return csv_response(
        _roster_filename(cohort, "csv"),
        ROSTER_COLUMNS,
        cohort_roster_rows(cohort=cohort, user=request.user),
    )


@role_required(*COHORT_READERS)
def cohort_roster_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohorts_visible(user=request.user), pk=pk)
    return xlsx_response(
        _roster_filename(cohort, "xlsx"),
        ROSTER_COLUMNS,
        cohort_roster_rows(cohort=cohort, user=request.user),
        title=cohort.code,
    )
