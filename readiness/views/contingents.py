"""Contingents and rotations: create and edit a contingent with its posts by role, create the
next rotation, and fill its posts from the proposed roster.

Who: commanders for the contingents of their unit subtree (another unit's contingent: 404),
administrators for any; registrars and instructors get 403 (registrars read the contingent
page, readiness/views/missions.py). The services check it all again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.roles import role_required
from common.forms import form_add_service_error
from personnel.models import Person
from readiness.forms.contingents import ContingentForm, ProposalAcceptForm
from readiness.models import Contingent, RequirementProfile
from readiness.selectors import contingents as selectors
from readiness.services import contingents as services

MANAGERS = selectors.MANAGERS


def _managed(request: HttpRequest, pk: int) -> Contingent:
    try:
        return (
            selectors.managed_contingents(request.user).select_related("mission", "unit").get(pk=pk)
        )
    except Contingent.DoesNotExist:
        raise Http404 from None


def _roles(contingent: Contingent | None) -> list[RequirementProfile]:
    """The active roles, and any the contingent has posts for, by name."""
    roles = RequirementProfile.objects.filter(is_active=True)
    if contingent is not None:
        roles = roles | RequirementProfile.objects.filter(contingent_posts__contingent=contingent)
    return list(roles.distinct().order_by("name"))


def _detail(contingent: Contingent) -> str:
    return reverse("readiness:contingent_detail", args=[contingent.pk])


def _form_page(request: HttpRequest, contingent: Contingent | None) -> HttpResponse:
    initial = ContingentForm.initial_for(contingent) if contingent else {}
    asked = request.GET.get("mission", "")
    if contingent is None and asked.isascii() and asked.isdigit():
        initial["mission"] = asked
    form = ContingentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        units=selectors.managed_units(request.user),
        roles=_roles(contingent),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.contingent_save(
                by=request.user,
                contingent=contingent,
                mission=data["mission"],
                unit=data["unit"],
                name=data["name"],
                rotation=data["rotation"],
                partner_country=data["partner_country"],
                partner_unit=data["partner_unit"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                posts=form.posts(),
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Saved %(name)s, rotation %(n)d: %(strength)d posts.")
                % {"name": saved.name, "n": saved.rotation, "strength": saved.planned_strength},
            )
            return redirect(_detail(saved))
    return render(
        request, "readiness/contingent_form.html", {"form": form, "contingent": contingent}
    )


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def contingent_create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def contingent_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _managed(request, pk))


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def contingent_next_rotation(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what rotation N+1 will be. POST: create it, then show its proposed roster."""
    contingent = _managed(request, pk)
    error: ValidationError | None = None
    if request.method == "POST":
        try:
            created = services.contingent_next_rotation(contingent=contingent, by=request.user)
        except ValidationError as refusal:
            error = refusal
        else:
            messages.success(
                request,
                _("Created rotation %(n)d from %(start)s to %(end)s. Fill its posts below.")
                % {
                    "n": created.rotation,
                    "start": created.starts_on.isoformat(),
                    "end": created.ends_on.isoformat(),
                },
            )
            return redirect("readiness:contingent_proposal", pk=created.pk)
    starts_on, ends_on = services.next_rotation_dates(contingent)
    following = Contingent.objects.filter(
        mission=contingent.mission_id, unit=contingent.unit_id, rotation=contingent.rotation + 1
    ).first()
    return render(
        request,
        "readiness/contingent_next_rotation.html",
        {
            "contingent": contingent,
            "mission": contingent.mission,
            "posts": list(contingent.posts.select_related("role").order_by("role__name")),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "following": following,
            "errors": error.messages if error else [],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def contingent_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the open posts by role, each with the people proposed for it and their verdicts.
    POST: plan the ticked ones through the deployment service, one by one."""
    contingent = _managed(request, pk)
    posts = contingent.posts.select_related("role")
    roles = {post.role_id: post.role for post in posts}
    form = ProposalAcceptForm(request.POST if request.method == "POST" else None, roles=list(roles))
    if request.method == "POST" and form.is_valid():
        pairs = form.cleaned_data["picks"]
        people = Person.objects.select_related("rank").in_bulk([person for person, _role in pairs])
        if len(people) < len({person for person, _role in pairs}):
            raise Http404  # an id that is no one
        outcome = services.proposal_accept(
            contingent=contingent,
            picks=[(people[person], roles[role]) for person, role in pairs],
            by=request.user,
        )
        if outcome.planned:
            messages.success(
                request,
                ngettext(
                    "Planned %(n)d person into %(name)s.",
                    "Planned %(n)d people into %(name)s.",
                    len(outcome.planned),
                )
                % {"n": len(outcome.planned), "name": contingent.name},
            )
        for refusal in outcome.refused:
            messages.error(
                request,
                _("%(person)s was not planned: %(reasons)s")
                % {"person": refusal.person.rank_and_name, "reasons": " ".join(refusal.messages)},
            )
        return redirect(_detail(contingent))
    return render(
        request,
        "readiness/contingent_proposal.html",
        {
            "contingent": contingent,
            "mission": contingent.mission,
            "proposal": selectors.rotation_proposal(contingent=contingent),
            "form": form,
        },
    )
