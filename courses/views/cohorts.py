"""Cohorts: the cohort list (registrars see every cohort, instructors the ones they teach);
for registrars and administrators scheduling, editing and status changes; the cohort page
and its roster exports.

On the cohort page registrars and administrators see every cohort and manage its
enrolments; an instructor sees the cohorts they teach, read-only (another cohort answers
404), and their trainees in it, not the nominations (courses.scope.enrolments_for);
commanders get 403.
"""

from __future__ import annotations

import datetime as dt
from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import HiddenInput
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role, role_required, sees_everything
from common.forms import form_add_service_error
from common.spreadsheets import csv_response, xlsx_response
from courses.forms.cohorts import (
    CohortFilterForm,
    CohortForm,
    CohortPrefillForm,
    CohortSuggestForm,
    CohortTransitionForm,
)
from courses.models import Cohort
from courses.scope import cohorts_for
from courses.selectors.certifications import with_status_history
from courses.selectors.cohorts import (
    ROSTER_COLUMNS,
    cohort_code_next,
    cohort_course_days,
    cohort_list,
    cohort_page,
    cohort_roster_rows,
    cohort_version,
    cohorts_visible,
)
from courses.services.cohorts import (
    FINAL,
    cohort_create,
    cohort_transition,
    cohort_transitions,
    cohort_update,
)
from courses.views.enrolment import pop_refused

COHORT_READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.INSTRUCTOR)
EDITORS = (Role.REGISTRAR, Role.ADMINISTRATOR)
PAGE_SIZE = 50


@role_required(*COHORT_READERS)
def cohort_list_view(request: HttpRequest) -> HttpResponse:
    sees_all = has_role(request.user, *EDITORS)
    filters = CohortFilterForm(request.GET or None, with_instructor=sees_all)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    cohorts = cohort_list(
        user=request.user,
        today=timezone.localdate(),
        course=chosen.get("course"),
        status=chosen.get("status", ""),
        when=chosen.get("when", ""),
        instructor=chosen.get("instructor"),
    )
    page = Paginator(cohorts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "courses/cohort_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "can_edit": sees_all,
            "filtered": any(chosen.values()),
        },
    )


@role_required(*EDITORS)
def cohort_create_view(request: HttpRequest) -> HttpResponse:
    initial = {}
    prefill = CohortPrefillForm(request.GET)
    if prefill.is_valid() and (course := prefill.cleaned_data["course"]):
        initial = {"course": course, "capacity": course.default_capacity}
    elif not prefill.is_valid() and request.method == "GET":
        messages.error(
            request,
            _(
                "The address asks for course “%(value)s”, which is not an active course: "
                "choose one below."
            )
            % {"value": request.GET.get("course", "")[:40]},
        )
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and not form.weekend_start_unconfirmed:
        data = form.cleaned_data
        try:
            cohort = cohort_create(
                course=data["course"],
                code=data["code"] or "",
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                capacity=data["capacity"],
                location=data["location"],
                instructors=list(data["instructors"]),
                by=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("Cohort %(code)s scheduled (planned).") % {"code": cohort.code}
            )
            return redirect("courses:cohort_detail", cohort.pk)
    return _render_form(request, form, cohort=None)


@role_required(*EDITORS)
def cohort_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(cohorts_for(request.user).select_related("course"), pk=pk)
    if cohort.status in FINAL:
        messages.error(
            request,
            _("Cohort %(code)s is %(status)s and can no longer be edited.")
            % {"code": cohort.code, "status": cohort.get_status_display()},
        )
        return redirect("courses:cohort_list")
    form = CohortForm(
        request.POST or None,
        instance=copy(cohort),  # the heading keeps showing the cohort as saved
        initial={"version": cohort_version(cohort)},
    )
    if request.method == "POST" and form.is_valid() and not form.weekend_start_unconfirmed:
        data = form.cleaned_data
        try:
            cohort_update(
                cohort=cohort,
                version=data["version"],
                code=data["code"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                capacity=data["capacity"],
                location=data["location"],
                instructors=list(data["instructors"]),
                by=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Cohort %(code)s saved.") % {"code": cohort.code})
            return redirect(f"{reverse('courses:cohort_list')}?course={cohort.course_id}")
    return _render_form(request, form, cohort=cohort)


@role_required(*EDITORS)
def cohort_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: confirm a status change (and ask why, to cancel). POST: make it, with the status
    the user saw, then go back to where they came from."""
    cohort = get_object_or_404(cohorts_for(request.user).select_related("course"), pk=pk)
    if request.method == "POST":
        form = CohortTransitionForm(request.POST)
    else:
        form = CohortTransitionForm(
            initial={
                "to": request.GET.get("to", ""),
                "seen_status": cohort.status,
                "next": request.GET.get("next", ""),
            }
        )
    transition = next(
        (t for t in cohort_transitions(cohort.status) if t.to == form["to"].value()), None
    )
    back = _safe_next(request, form["next"].value())
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, _("The status change was not understood; nothing changed."))
            return redirect(back)
        data = form.cleaned_data
        try:
            cohort = cohort_transition(
                cohort=cohort,
                to=data["to"],
                seen_status=data["seen_status"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            needs_reason = transition is not None and transition.needs_reason
            if not (needs_reason and form_add_service_error(form, error, fields=["reason"])):
                messages.error(request, " ".join(error.messages))
                return redirect(back)
        else:
            messages.success(
                request,
                _("Cohort %(code)s is now %(status)s.")
                % {"code": cohort.code, "status": cohort.get_status_display()},
            )
            return redirect(back)
    if transition is None:
        messages.error(
            request,
            _("Cohort %(code)s is %(status)s; that status change is not offered.")
            % {"code": cohort.code, "status": cohort.get_status_display()},
        )
        return redirect(back)
    if not transition.needs_reason:
        form.fields["reason"].widget = HiddenInput()
    return render(
        request,
        "courses/cohort_status.html",
        {"cohort": cohort, "form": form, "transition": transition, "back": back},
    )


@require_GET
@role_required(*EDITORS)
def cohort_suggest(request: HttpRequest) -> JsonResponse:
    """What the scheduling form fills in for a course and start date: the next free code,
    the end date from the course's duration and the default capacity."""
    form = CohortSuggestForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors}, status=400)
    course, starts_on = form.cleaned_data["course"], form.cleaned_data["starts_on"]
    year = starts_on.year if starts_on else timezone.localdate().year
    suggested_end = starts_on + dt.timedelta(days=course.duration_days - 1) if starts_on else None
    ends_on = form.cleaned_data["ends_on"] or suggested_end
    days = cohort_course_days(starts_on=starts_on, ends_on=ends_on) if starts_on else None
    return JsonResponse(
        {
            "code": cohort_code_next(course=course, year=year),
            "ends_on": suggested_end.isoformat() if suggested_end else "",
            "capacity": course.default_capacity,
            "duration_days": course.duration_days,
            # The course days the dates give, as the page shows them before saving.
            "course_days": [day.isoformat() for day in days.days] if days else [],
            "course_days_html": render_to_string(
                "courses/_course_days.html", {"course_days": days}, request=request
            ),
        }
    )


def _safe_next(request: HttpRequest, target: str | None) -> str:
    """A path on this site to go back to, else the cohort list (never a view name: redirect()
    would try to reverse "abc")."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return reverse("courses:cohort_list")


def _render_form(request: HttpRequest, form: CohortForm, *, cohort: Cohort | None) -> HttpResponse:
    """The form, with the course days its dates give (as submitted, else as saved)."""
    days = form.course_days if form.is_bound else None
    if days is None and cohort is not None and not form.is_bound:
        days = cohort_course_days(starts_on=cohort.starts_on, ends_on=cohort.ends_on)
    return render(
        request,
        "courses/cohort_form.html",
        {
            "form": form,
            "cohort": cohort,
            "course_days": days,
            "ask_weekend": form.is_bound and form.is_valid() and form.weekend_start_unconfirmed,
        },
    )


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
