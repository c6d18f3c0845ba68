"""Missions, contingents and deployments: the missions list, a mission's contingents and
roster, a contingent's roster, the people returning within 60 days, and planning a tour.

Who: registrars, administrators and commanders (instructors get 403). Missions and
contingents are shown to all of them; rosters hold only the people the user may see (a
commander's subtree). Planning needs readiness.add_deployment: registrars and administrators
for anyone, commanders for their subtree's people (the service checks it again).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, role_required, sees_everything
from common.forms import form_add_service_error
from personnel.models.dates import period_end
from personnel.scope import people_for
from readiness.forms.deployments import DeploymentPlanForm
from readiness.models import Contingent, Mission
from readiness.selectors import contingents as contingent_selectors
from readiness.selectors import missions as selectors
from readiness.services import deployments as services

READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.COMMANDER)


@require_GET
@role_required(*READERS)
def mission_list(request: HttpRequest) -> HttpResponse:
    missions = selectors.mission_list(user=request.user, today=timezone.localdate())
    return render(
        request,
        "readiness/mission_list.html",
        {
            "open_missions": [m for m in missions if m.is_open],
            "closed_missions": [m for m in missions if not m.is_open],
            "scoped": not sees_everything(request.user),
            "can_plan": request.user.has_perm(services.PLAN_PERMISSION),
        },
    )


@require_GET
@role_required(*READERS)
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.mission_page(user=request.user, pk=pk)
    except Mission.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "readiness/mission_detail.html",
        {
            "page": page,
            "mission": page.mission,
            "can_plan": page.mission.is_open and request.user.has_perm(services.PLAN_PERMISSION),
            "can_add_contingent": page.mission.is_open
            and contingent_selectors.may_manage_contingents(request.user),
        },
    )


@require_GET
@role_required(*READERS)
def contingent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.contingent_page(user=request.user, pk=pk)
    except Contingent.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "readiness/contingent_detail.html",
        {
            "page": page,
            "contingent": page.contingent,
            "mission": page.contingent.mission,
            "can_plan": page.contingent.mission.is_open
            and request.user.has_perm(services.PLAN_PERMISSION),
            # Posts by role: filled / open / at risk (readiness/selectors/contingents.py).
            "posts": contingent_selectors.posts_summary(
                contingent=page.contingent, user=request.user
            ),
            "can_manage": contingent_selectors.manages(request.user, page.contingent),
        },
    )


@require_GET
@role_required(*READERS)
def deployments_returning(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    days = selectors.RETURNING_WITHIN_DAYS
    deployments = list(selectors.deployments_returning(user=request.user, today=today, days=days))
    for deployment in deployments:
        deployment.days_left = (deployment.ends_on - today).days
    return render(
        request,
        "readiness/deployment_returning.html",
        {
            "deployments": deployments,
            "today": today,
            "days": days,
        },
    )


def _initial(request: HttpRequest) -> dict[str, str]:
    """Prefill from links (a person's page, a mission's or contingent's page): ids only, any
    other value is left for the user to choose ("²" is a digit to isdigit(), not to int())."""
    asked = {
        name: request.GET.get(name, "") for name in ("person", "mission", "contingent", "role")
    }
    return {name: value for name, value in asked.items() if value.isascii() and value.isdigit()}


@require_http_methods(["GET", "POST"])
@role_required(*READERS)
def deployment_plan(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: plan; a person not ready is refused with the reasons, and a user
    who may override is offered the reason field."""
    if not request.user.has_perm(services.PLAN_PERMISSION):
        raise PermissionDenied
    may_override = request.user.has_perm(services.OVERRIDE_PERMISSION)
    form = DeploymentPlanForm(
        request.POST or None,
        initial=_initial(request),
        people=people_for(request.user).active(),
        may_override=may_override,
        may_override_mandate=request.user.has_perm(services.MANDATE_OVERRIDE_PERMISSION),
    )
    not_ready: services.NotReady | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            deployment = services.deployment_plan(
                person=data["person"],
                mission=data["mission"],
                contingent=data["contingent"],
                role=data["role"],
                starts_on=data["starts_on"],
                months=data["months"],
                by=request.user,
                override_reason=data.get("override_reason", ""),
                mandate_override_reason=data.get("mandate_override_reason", ""),
            )
        except services.NotReady as refusal:
            not_ready = refusal
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Planned %(person)s in %(mission)s from %(start)s to %(end)s.")
                % {
                    "person": deployment.person.rank_and_name,
                    "mission": deployment.mission.acronym,
                    "start": deployment.starts_on.isoformat(),
                    "end": deployment.ends_on.isoformat(),
                },
            )
            url = reverse("readiness:mission_detail", args=[deployment.mission_id])
            return redirect(f"{url}#deployment-{deployment.pk}")
    tour_end = None
    if form.is_bound and not form.errors:
        tour_end = period_end(form.cleaned_data["starts_on"], months=form.cleaned_data["months"])
    return render(
        request,
        "readiness/deployment_plan.html",
        {
            "form": form,
            "not_ready": not_ready,
            "may_override": may_override,
            "tour_end": tour_end,
        },
    )
