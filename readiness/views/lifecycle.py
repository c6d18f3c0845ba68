"""A tour's own page (its dates, the moves it allows, the history of its moves) and the moves
themselves (readiness/services/lifecycle.py), posted from this page or the person page.

Who: registrars, administrators and commanders see the tours of the people they may see (a
commander's subtree; another tour is a 404); instructors get 403. Moving needs
readiness.change_deployment (the service checks the subtree again and the tour's status as the
page showed it).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, role_required
from common.forms import form_add_service_error
from readiness.forms.lifecycle import FORMS, MoveForm, move_forms, move_prefix
from readiness.models import Deployment
from readiness.selectors.missions import deployments_for
from readiness.services import lifecycle
from readiness.services.deployments import mandate_overriders

READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.COMMANDER)

SERVICES = {
    lifecycle.CONFIRM: lifecycle.deployment_confirm,
    lifecycle.DEPART: lifecycle.deployment_depart,
    lifecycle.RETURN: lifecycle.deployment_return,
    lifecycle.REPATRIATE: lifecycle.deployment_repatriate,
    lifecycle.EXTEND: lifecycle.deployment_extend,
    lifecycle.CANCEL: lifecycle.deployment_cancel,
}
DONE = {
    lifecycle.CONFIRM: _("Confirmed the tour of %(person)s in %(mission)s."),
    lifecycle.DEPART: _("Recorded the departure of %(person)s to %(mission)s."),
    lifecycle.RETURN: _("Recorded the return of %(person)s from %(mission)s."),
    lifecycle.REPATRIATE: _("Recorded the early repatriation of %(person)s from %(mission)s."),
    lifecycle.EXTEND: _("Extended the tour of %(person)s in %(mission)s."),
    lifecycle.CANCEL: _("Cancelled the tour of %(person)s in %(mission)s."),
}


def _tour(request: HttpRequest, pk: int) -> Deployment:
    try:
        return (
            deployments_for(request.user)
            .select_related(
                "person__rank",
                "person__unit",
                "mission",
                "contingent",
                "role",
                "override_by",
                "mandate_override_by",
            )
            .get(pk=pk)
        )
    except Deployment.DoesNotExist:
        raise Http404 from None


def _page(request: HttpRequest, tour: Deployment, *, bound: MoveForm | None = None) -> HttpResponse:
    may_move = lifecycle.may_move(request.user, tour)
    history = list(tour.history.select_related("history_user").order_by("-history_date", "-pk"))
    return render(
        request,
        "readiness/deployment_detail.html",
        {
            "deployment": tour,
            "moves": move_forms(tour, bound=bound) if may_move else [],
            "history": history,
            "mandate_overriders": mandate_overriders(),
        },
    )


@require_GET
@role_required(*READERS)
def deployment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _tour(request, pk))


@require_POST
@role_required(*READERS)
def deployment_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Run `move` on the tour; back to the page it came from (`next`), or to the tour's page
    with the form's errors."""
    if move not in FORMS:
        raise Http404
    if not request.user.has_perm(lifecycle.MOVE_PERMISSION):
        raise PermissionDenied
    tour = _tour(request, pk)
    form = FORMS[move](request.POST, prefix=move_prefix(tour, move))
    if form.is_valid():
        values = dict(form.cleaned_data)
        seen = values.pop("seen")
        try:
            moved = SERVICES[move](deployment=tour, seen=seen, by=request.user, **values)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                DONE[move]
                % {"person": moved.person.rank_and_name, "mission": moved.mission.acronym},
            )
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("readiness:deployment_detail", args=[tour.pk])
            return redirect(target)
    return _page(request, tour, bound=form)
