"""A unit's PCRS page (its pledge, the level's history, its assessment visits with their area
results and findings) and the forms that keep them: register and renew a pledge, change its
level, record a visit, add a finding, close a corrective action.

Who: registrars, administrators and commanders read (a commander their subtree; another
unit answers 404); administrators and the unit's commanders write (a registrar 403, a
commander of another unit 404); instructors 403. The services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.roles import Role, role_required
from common.forms import form_add_service_error
from personnel.models import Unit
from readiness.forms import pcrs as forms
from readiness.models import (
    AssessmentArea,
    AssessmentKind,
    AssessmentOutcome,
    PCRSPledge,
    UnitReadinessAssessment,
    VisitFinding,
)
from readiness.selectors import pcrs as selectors
from readiness.services import pcrs as services

READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.COMMANDER)
WRITERS = (Role.ADMINISTRATOR, Role.COMMANDER)


def _unit(request: HttpRequest, pk: int) -> Unit:
    """A unit the user may write PCRS records of, else 404."""
    try:
        return services.manageable_units(request.user).get(pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None


def _pledge(unit: Unit) -> PCRSPledge:
    try:
        return unit.pcrs_pledge
    except PCRSPledge.DoesNotExist:
        raise Http404 from None


def _back(unit: Unit, anchor: str = "") -> HttpResponse:
    url = reverse("readiness:unit_pcrs", args=[unit.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _form_page(request, template: str, **context) -> HttpResponse:
    return render(request, f"readiness/{template}", context)


@require_GET
@role_required(*READERS)
def unit_pcrs(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.unit_pcrs(user=request.user, pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None
    return render(request, "readiness/pcrs_unit.html", {"page": page, "unit": page.unit})


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def pledge_register(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    if PCRSPledge.objects.filter(unit=unit).exists():
        return _back(unit, "pledge")
    form = forms.PledgeRegisterForm(
        request.POST or None, initial={"registered_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_register(unit=unit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("The pledge of %(unit)s is registered at Level 1.") % {"unit": unit.code}
            )
            return _back(unit, "pledge")
    return _form_page(
        request,
        "pcrs_form.html",
        unit=unit,
        form=form,
        title=_("Register the PCRS pledge"),
        submit=_("Register at Level 1"),
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def pledge_renew(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    pledge = _pledge(unit)
    form = forms.PledgeRenewForm(request.POST or None, initial={"renewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            pledge = services.pledge_renew(
                pledge=pledge, renewed_on=form.cleaned_data["renewed_on"], by=request.user
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Pledge renewed; the next renewal is due on %(day)s.")
                % {"day": pledge.renewal_due_on.isoformat()},
            )
            return _back(unit, "pledge")
    return _form_page(
        request,
        "pcrs_form.html",
        unit=unit,
        pledge=pledge,
        form=form,
        title=_("Renew the PCRS pledge"),
        submit=_("Renew"),
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def pledge_level(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    pledge = _pledge(unit)
    visits = UnitReadinessAssessment.objects.filter(
        unit=unit, kind=AssessmentKind.AAV, outcome=AssessmentOutcome.PASSED
    ).order_by("-assessed_on", "-pk")
    form = forms.PledgeLevelForm(
        request.POST or None,
        visits=visits,
        initial={"changed_on": timezone.localdate(), "level": pledge.level},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pledge_change_level(pledge=pledge, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("The PCRS level of %(unit)s is changed.") % {"unit": unit.code}
            )
            return _back(unit, "levels")
    return _form_page(
        request,
        "pcrs_form.html",
        unit=unit,
        pledge=pledge,
        form=form,
        title=_("Change the PCRS level"),
        submit=_("Change the level"),
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk)
    areas = list(AssessmentArea.objects.filter(is_active=True))
    form = forms.VisitForm(
        request.POST or None,
        areas=areas,
        initial={"assessed_on": timezone.localdate(), "kind": AssessmentKind.AAV},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = services.visit_record(
                unit=unit,
                kind=data["kind"],
                assessed_on=data["assessed_on"],
                outcome=data["outcome"],
                assessed_by=data["assessed_by"],
                remarks=data["remarks"],
                valid_until=data["valid_until"],
                areas=[
                    services.AreaEntry(area=area, result=result, remarks=remarks)
                    for area, result, remarks in form.area_entries()
                ],
                by=request.user,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The visit is recorded: add its findings below."))
            return _back(unit, f"visit-{visit.pk}")
    return _form_page(request, "pcrs_visit_form.html", unit=unit, form=form)


def _owners(unit: Unit):
    """Who may own a corrective action: active commanders and administrators."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=[Role.COMMANDER.value, Role.ADMINISTRATOR.value])
            | Q(is_superuser=True)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        visit = UnitReadinessAssessment.objects.select_related("unit").get(
            pk=pk, unit__in=services.manageable_units(request.user)
        )
    except UnitReadinessAssessment.DoesNotExist:
        raise Http404 from None
    form = forms.FindingForm(request.POST or None, owners=_owners(visit.unit))
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_add(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The finding is recorded."))
            return _back(visit.unit, f"finding-{finding.pk}")
    return _form_page(
        request,
        "pcrs_form.html",
        unit=visit.unit,
        visit=visit,
        form=form,
        title=_("Add a finding"),
        submit=_("Add the finding"),
    )


@require_http_methods(["GET", "POST"])
@role_required(*WRITERS)
def finding_close(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        finding = VisitFinding.objects.select_related("visit__unit", "area").get(
            pk=pk, visit__unit__in=services.manageable_units(request.user)
        )
    except VisitFinding.DoesNotExist:
        raise Http404 from None
    unit = finding.visit.unit
    if finding.closed_on is not None:
        return _back(unit, f"finding-{finding.pk}")
    form = forms.FindingCloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_close(finding=finding, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("The corrective action is closed."))
            return _back(unit, f"finding-{finding.pk}")
    return _form_page(
        request,
        "pcrs_form.html",
        unit=unit,
        finding=finding,
        form=form,
        title=_("Close a corrective action"),
        submit=_("Close the action"),
    )
