"""Enrolment pages: the three ways in (one person, a unit, a list) with their preview and
apply, and the cohort page's actions (withdraw, move on the waitlist, approve or decline a
nomination). Registrars and administrators only; the work is done by
the courses.services.enrolment package."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role, role_required
from common.forms import form_add_service_error
from common.spreadsheets import read_table
from courses.forms.enrolment import (
    EnrolApplyForm,
    FileEnrolForm,
    PersonSearchForm,
    ReasonForm,
    UnitEnrolForm,
    WaitlistMoveForm,
    enrollable_people,
)
from courses.models import Cohort, Enrolment
from courses.selectors.cohorts import cohort_seat_counts, cohorts_visible
from courses.selectors.enrolment import (
    SEARCH_LIMIT,
    candidates_from_table,
    candidates_in_unit,
    candidates_search,
    enrolments_visible,
)
from courses.services import enrolment as services
from personnel.picker import person_label

MANAGERS = (Role.REGISTRAR, Role.ADMINISTRATOR)
TEMPLATES = {
    "person": "courses/enrol_person.html",
    "unit": "courses/enrol_unit.html",
    "file": "courses/enrol_file.html",
}


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    return get_object_or_404(cohorts_visible(user=request.user), pk=pk)


def _back_to_cohort(cohort_pk: int, anchor: str = "") -> HttpResponse:
    url = reverse("courses:cohort_detail", args=[cohort_pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _closed(request: HttpRequest, cohort: Cohort) -> HttpResponse | None:
    """Back to the cohort page with the reason when the cohort takes no enrolments."""
    if cohort.status in services.ENROLLING_STATUSES:
        return None
    messages.error(
        request,
        _("Cohort %(cohort)s is %(status)s: it takes no enrolments.")
        % {"cohort": cohort.code, "status": cohort.get_status_display()},
    )
    return _back_to_cohort(cohort.pk)


def _render_entry(
    request: HttpRequest,
    cohort: Cohort,
    source: str,
    form,
    plan: services.EnrolmentPlan | None = None,
    **extra,
) -> HttpResponse:
    context = {
        "cohort": cohort,
        "source": source,
        "form": form,
        "plan": plan,
        "seats": cohort_seat_counts(cohort=cohort),
        **extra,
    }
    if plan is not None:
        context["apply_form"] = EnrolApplyForm(
            initial={
                "person": plan.person_ids,
                "fingerprint": plan.fingerprint,
                "source": source,
                "nominating_country": plan.nominating_country,
                "nominating_party": plan.nominating_party,
            }
        )
    return render(request, TEMPLATES[source], context)


def _plan(request: HttpRequest, cohort: Cohort, people, nomination: dict):
    """The plan, or None with the reason shown when the engine refuses to plan."""
    try:
        return services.enrolment_plan(cohort=cohort, people=people, by=request.user, **nomination)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None


@require_GET
@role_required(*MANAGERS)
def enrol_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Search the register; "Preview" on a result shows what enrolling them would do."""
    cohort = _cohort(request, pk)
    if closed := _closed(request, cohort):
        return closed
    form = PersonSearchForm(
        request.GET if request.GET else None, people=enrollable_people(request.user)
    )
    results, plan = None, None
    if form.is_bound and form.is_valid() and (person := form.cleaned_data["person"]):
        plan = _plan(request, cohort, [person], form.nomination())
    typed = form.typed()
    if typed and not (plan and typed == person_label(person)):
        # A name typed without the picker's list: the matches, each with its Preview link.
        results = candidates_search(query=typed)
        if results and form.has_error("person", "not_found"):
            del form.errors["person"]  # not a service number, but the list below answers it
    return _render_entry(
        request, cohort, "person", form, plan, results=results, search_limit=SEARCH_LIMIT
    )


@require_GET
@role_required(*MANAGERS)
def enrol_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick a unit (and the units under it) and preview enrolling everyone in it."""
    cohort = _cohort(request, pk)
    if closed := _closed(request, cohort):
        return closed
    form = UnitEnrolForm(request.GET if "unit" in request.GET else None)
    plan = None
    if form.is_bound and form.is_valid():
        people = candidates_in_unit(
            unit=form.cleaned_data["unit"],
            include_subunits=form.cleaned_data["include_subunits"],
        )
        plan = _plan(request, cohort, people, form.nomination())
    return _render_entry(request, cohort, "unit", form, plan)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def enrol_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a CSV or XLSX list of service numbers and preview enrolling them."""
    cohort = _cohort(request, pk)
    if closed := _closed(request, cohort):
        return closed
    form = FileEnrolForm(request.POST or None, request.FILES or None)
    plan, ignored = None, []
    if request.method == "POST" and form.is_valid():
        try:
            table = read_table(
                form.cleaned_data["file"],
                required=["service_number"],
                max_rows=services.MAX_CANDIDATES,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            ignored = table.ignored_columns
            plan = _plan(request, cohort, candidates_from_table(table=table), form.nomination())
    return _render_entry(request, cohort, "file", form, plan, ignored_columns=ignored)


@require_POST
@role_required(*MANAGERS)
def enrol_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a previewed plan. When the cohort changed since the preview nothing is saved
    and the fresh preview is shown instead."""
    cohort = _cohort(request, pk)
    form = EnrolApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The preview could not be read back; nothing was saved."))
        return _back_to_cohort(cohort.pk)
    source = form.cleaned_data["source"]
    try:
        plan = services.enrolment_apply(
            cohort=cohort,
            person_ids=form.cleaned_data["person"],
            expected=form.cleaned_data["fingerprint"],
            by=request.user,
            **form.nomination(),
        )
    except services.EnrolmentPlanStale as stale:
        empty_form = {"person": PersonSearchForm, "unit": UnitEnrolForm, "file": FileEnrolForm}
        return _render_entry(
            request, cohort, source, empty_form[source](), stale.plan, stale=str(stale)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_cohort(cohort.pk)
    # The positions as given now: the waitlist may have grown since the preview.
    positions = plan.waitlist_positions
    queued = (
        _("%(first)s to %(last)s") % {"first": positions[0], "last": positions[-1]}
        if len(positions) > 1
        else "".join(map(str, positions))
    )
    done = [
        ngettext("%(n)s enrolled", "%(n)s enrolled", len(plan.to_enrol)),
        ngettext(
            "%(n)s waitlisted (position %(positions)s)",
            "%(n)s waitlisted (positions %(positions)s)",
            len(plan.to_waitlist),
        ),
        ngettext("%(n)s nominated", "%(n)s nominated", len(plan.to_nominate)),
    ]
    counts = (len(plan.to_enrol), len(plan.to_waitlist), len(plan.to_nominate))
    summary = ", ".join(
        text % {"n": n, "positions": queued} for text, n in zip(done, counts, strict=True) if n
    )
    if summary:
        messages.success(request, _("Saved: %(summary)s.") % {"summary": summary})
    if plan.refused:
        messages.warning(
            request,
            ngettext(
                "%(n)s person was refused and not enrolled: the reasons are below.",
                "%(n)s people were refused and not enrolled: the reasons are below.",
                len(plan.refused),
            )
            % {"n": len(plan.refused)},
        )
        keep_refused(request, cohort=cohort, plan=plan)
        return _back_to_cohort(cohort.pk, REFUSED_ANCHOR)
    return _back_to_cohort(cohort.pk)


REFUSED_ANCHOR = "refused"
_REFUSED_KEY = "courses.enrol_refused"


def keep_refused(request: HttpRequest, *, cohort: Cohort, plan: services.EnrolmentPlan) -> None:
    """Keep who the applied plan refused and why (as the registrar read it) for the cohort
    page that the apply leads to: the preview that listed them is gone by then."""
    request.session[_REFUSED_KEY] = {
        "cohort": cohort.pk,
        "lines": [
            {
                "name": line.person.rank_and_name if line.person else "",
                "service_number": line.candidate.service_number,
                "reasons": [str(reason) for reason in line.reasons],
            }
            for line in plan.refused
        ],
    }


def pop_refused(request: HttpRequest, *, cohort: Cohort) -> list[dict]:
    """Who the last apply on `cohort` refused and why, once (a later page of any cohort
    no longer shows them)."""
    kept = request.session.pop(_REFUSED_KEY, None)
    return kept["lines"] if kept and kept.get("cohort") == cohort.pk else []


def _enrolment(request: HttpRequest, pk: int) -> Enrolment:
    return get_object_or_404(enrolments_visible(user=request.user), pk=pk)


def _promoted_message(request: HttpRequest, promoted: list[Enrolment]) -> None:
    for enrolment in promoted:
        messages.info(
            request,
            _("%(person)s moved from the waitlist into the free seat and will be told by e-mail.")
            % {"person": enrolment.person.full_name},
        )


def _reason_page(
    request: HttpRequest, enrolment: Enrolment, *, action, template: str, label: str, done: str
) -> HttpResponse:
    """A reason form (withdraw, decline): GET shows it, POST runs `action`."""
    form = ReasonForm(
        request.POST or None,
        initial={"expected_status": enrolment.status},
        submit_label=label,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = action(
                enrolment=enrolment,
                reason=form.cleaned_data["reason"],
                expected_status=form.cleaned_data["expected_status"] or None,
            )
        except ValidationError as error:
            if not form_add_service_error(form, error, fields=["reason"]):
                messages.error(request, " ".join(error.messages))
                return _back_to_cohort(enrolment.cohort_id)
        else:
            messages.success(request, done % {"person": enrolment.person.full_name})
            if isinstance(result, list):
                _promoted_message(request, result)
            return _back_to_cohort(enrolment.cohort_id)
    return render(
        request, template, {"enrolment": enrolment, "cohort": enrolment.cohort, "form": form}
    )


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a trainee with a reason; a freed seat goes to waitlist #1 at once."""
    enrolment = _enrolment(request, pk)

    def withdraw(**kwargs):
        return services.enrolment_withdraw(by=request.user, **kwargs)

    return _reason_page(
        request,
        enrolment,
        action=withdraw,
        template="courses/enrolment_withdraw.html",
        label=_("Withdraw"),
        done=_("%(person)s was withdrawn."),
    )


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def nomination_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline a partner country's nomination with a reason."""
    enrolment = _enrolment(request, pk)

    def decline(*, expected_status, **kwargs):
        return services.nomination_decline(by=request.user, **kwargs)

    return _reason_page(
        request,
        enrolment,
        action=decline,
        template="courses/enrolment_decline.html",
        label=_("Decline the nomination"),
        done=_("The nomination of %(person)s was declined."),
    )


@require_POST
@role_required(*MANAGERS)
def nomination_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a nomination: enrolled if a seat is free, else waitlisted."""
    enrolment = _enrolment(request, pk)
    try:
        enrolment = services.nomination_approve(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if enrolment.status == Enrolment.Status.ENROLLED:
            text = _("%(person)s's nomination was approved: enrolled.")
        else:
            text = _(
                "%(person)s's nomination was approved: the cohort is full, so waitlisted at "
                "position %(position)s."
            )
        messages.success(
            request,
            text % {"person": enrolment.person.full_name, "position": enrolment.waitlist_position},
        )
    return _back_to_cohort(enrolment.cohort_id, "nominations")


@require_POST
@role_required(*MANAGERS)
def waitlist_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a waitlisted trainee one place up or down."""
    enrolment = _enrolment(request, pk)
    form = WaitlistMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say which way to move, and from which position."))
    else:
        try:
            services.waitlist_move(
                enrolment=enrolment,
                direction=form.cleaned_data["direction"],
                expected_position=form.cleaned_data["position"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return _back_to_cohort(enrolment.cohort_id, "waitlist")
