"""Finalising a cohort and reopening it (courses/services/finalisation.py does the work).

- Finalise: the cohort's instructors and administrators (permission courses.finalise_cohort;
  an instructor opens only the cohorts they teach, another answers 404). GET shows what
  finalising would do; POST finalises and goes back to the cohort page.
- Reopen: registrars and administrators (permission courses.reopen_cohort), with a reason.
Commanders get 403 on both.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.roles import Role, role_required
from common.forms import form_add_service_error
from courses.forms.certifications import CohortFinaliseForm, CohortReopenForm
from courses.models import Cohort
from courses.scope import cohorts_for, enrolment_statuses_for
from courses.selectors.certifications import with_status_history
from courses.services import finalisation as services

FINALISERS = (Role.INSTRUCTOR, Role.ADMINISTRATOR)
REOPENERS = (Role.REGISTRAR, Role.ADMINISTRATOR)


def _cohort(request: HttpRequest, pk: int, permission: str) -> Cohort:
    cohort = get_object_or_404(with_status_history(cohorts_for(request.user)), pk=pk)
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return cohort


def _to_cohort(cohort: Cohort) -> HttpResponse:
    return redirect("courses:cohort_detail", cohort.pk)


@require_http_methods(["GET", "POST"])
@role_required(*FINALISERS)
def cohort_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: each trainee's outcome to be and what is still missing. POST: finalise."""
    cohort = _cohort(request, pk, services.FINALISE_PERMISSION)
    if request.method == "POST":
        form = CohortFinaliseForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The page was damaged; nothing was finalised. Try again."))
            return redirect("courses:cohort_finalise", cohort.pk)
        try:
            done = services.cohort_finalise(
                cohort=cohort, by=request.user, seen_status=form.cleaned_data["seen_status"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("courses:cohort_finalise", cohort.pk)  # shows the current state
        messages.success(
            request,
            _("Cohort %(code)s finalised: %(summary)s.")
            % {"code": cohort.code, "summary": done.summary},
        )
        return _to_cohort(cohort)
    if cohort.status != Cohort.Status.IN_PROGRESS:
        if cohort.status == Cohort.Status.FINALISED:
            messages.info(request, _("Cohort %(code)s is finalised.") % {"code": cohort.code})
        else:
            messages.error(
                request,
                _("Cohort %(code)s is %(status)s: only a cohort in progress is finalised.")
                % {"code": cohort.code, "status": cohort.get_status_display()},
            )
        return _to_cohort(cohort)
    check = services.finalisation_check(cohort=cohort)
    # Those still waiting are named as far as the user sees them (an instructor sees no
    # nominations, courses.scope.enrolment_statuses_for); the others are counted.
    statuses = enrolment_statuses_for(request.user)
    pending_named = [e for e in check.pending if e.status in statuses]
    return render(
        request,
        "courses/cohort_finalise.html",
        {
            "cohort": cohort,
            "check": check,
            "pending_named": pending_named,
            "pending_unnamed": len(check.pending) - len(pending_named),
            "form": CohortFinaliseForm(initial={"seen_status": cohort.status}),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*REOPENERS)
def cohort_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: ask why. POST: reopen the results, keeping the reason."""
    cohort = _cohort(request, pk, services.REOPEN_PERMISSION)
    form = CohortReopenForm(request.POST or None, initial={"seen_status": cohort.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_reopen(
                cohort=cohort,
                by=request.user,
                reason=form.cleaned_data["reason"],
                seen_status=form.cleaned_data["seen_status"],
            )
        except ValidationError as error:
            if not form_add_service_error(form, error, fields=["reason"]):
                messages.error(request, " ".join(error.messages))
                return _to_cohort(cohort)
        else:
            messages.success(
                request,
                _(
                    "Cohort %(code)s is reopened: its results can be changed again. Its "
                    "certificates stay as they are until it is finalised again."
                )
                % {"code": cohort.code},
            )
            return _to_cohort(cohort)
    elif cohort.status != Cohort.Status.FINALISED:
        messages.error(
            request,
            _("Cohort %(code)s is %(status)s: only finalised results are reopened.")
            % {"code": cohort.code, "status": cohort.get_status_display()},
        )
        return _to_cohort(cohort)
    return render(request, "courses/cohort_reopen.html", {"cohort": cohort, "form": form})
