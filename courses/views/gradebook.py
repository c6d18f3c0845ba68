"""The gradebook and a trainee's results.

Who may do what:
- The gradebook opens for registrars, administrators and the cohort's instructors (another
  cohort answers 404, commanders 403). Changing it needs the permission
  courses.change_assessmentresult (instructors and administrators; registrars read) and a
  cohort in progress; a finalised cohort is read-only.
- A trainee's results are read by whoever may open the cohort, and by a commander whose
  units' subtree holds the person.

The write is courses/services/gradebook.py; a stale save re-shows the page with the values
saved now, the user's own changes kept and the conflicting cells highlighted.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, has_role, role_required, sees_everything
from common.forms import form_add_service_error
from courses.forms.gradebook import GradebookForm
from courses.models import Cohort
from courses.scope import can_open_cohort
from courses.selectors import gradebook as selectors
from courses.selectors.cohorts import cohorts_visible
from courses.selectors.standings import cohort_standings
from courses.services.gradebook import RESULTS_PERMISSION, results_record
from courses.services.records import StaleCells, page_lock
from courses.views.cohorts import COHORT_READERS

RESULT_READERS = (*COHORT_READERS, Role.COMMANDER)


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    return get_object_or_404(cohorts_visible(user=request.user), pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(*COHORT_READERS)
def gradebook(request: HttpRequest, pk: int) -> HttpResponse:
    """Every seated trainee by the course's components, with their weighted total,
    attendance share and standing; the cohort's instructors enter all scores in one form."""
    cohort = _cohort(request, pk)
    may_change = request.user.has_perm(RESULTS_PERMISSION)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    standings = cohort_standings(cohort=cohort)
    lock = page_lock(cohort=cohort, may_change=may_change, what=_("gradebook"))
    if request.method == "POST" and lock:
        messages.error(request, _("%(why)s Nothing was saved.") % {"why": lock})
    form = GradebookForm(None if lock else request.POST or None, standings=standings)
    stale = None
    if form.is_bound and form.is_valid():
        try:
            written = results_record(
                cohort=cohort, scores=form.scores(), seen=form.seen_scores(), by=request.user
            )
        except StaleCells as error:
            stale = error
            standings = cohort_standings(cohort=cohort)
            form = form.rebased(standings=standings, conflicts=error.conflicts)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            if written:
                messages.success(
                    request,
                    ngettext(
                        "Gradebook of %(code)s saved: %(count)s score changed.",
                        "Gradebook of %(code)s saved: %(count)s scores changed.",
                        written,
                    )
                    % {"code": cohort.code, "count": written},
                )
            else:
                messages.info(request, _("Nothing to save: no score was changed."))
            return redirect("courses:gradebook", pk=cohort.pk)
    return render(
        request,
        "courses/gradebook.html",
        {
            "cohort": cohort,
            "standings": standings,
            "form": form,
            "rows": form.rows(),
            "cell_errors": form.cell_errors() if form.is_bound else [],
            "stale": stale,
            "lock": lock,
            "may_edit": not lock,
        },
    )


# -- a trainee's results --------------------------------------------------------------------


@require_GET
@role_required(*RESULT_READERS)
def enrolment_results(request: HttpRequest, pk: int) -> HttpResponse:
    """One trainee in one cohort: every score with its change history, attendance by day,
    standing or outcome, and the certification the cohort issued."""
    enrolment = get_object_or_404(
        selectors.enrolments_with_results_visible(user=request.user), pk=pk
    )
    page = selectors.enrolment_results(enrolment=enrolment)
    opens_cohort = sees_everything(request.user) or (
        has_role(request.user, Role.INSTRUCTOR) and can_open_cohort(request.user, enrolment.cohort)
    )
    return render(
        request,
        "courses/enrolment_results.html",
        {"page": page, "cohort": enrolment.cohort, "opens_cohort": opens_cohort},
    )
