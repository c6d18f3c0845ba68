"""The small forms of a tour's moves (readiness/services/lifecycle.py owns the rules). Each
posts `seen`, the tour as the page showed it, so that a move on a tour changed since is
refused as stale. Forms of several tours share the person page: each is prefixed with its
tour and move (`move_prefix`)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from readiness.models import Deployment
from readiness.services import lifecycle

DATE = {"type": "date", "class": "form-control form-control-sm"}
TEXT = {"rows": 2, "class": "form-control form-control-sm"}


def move_prefix(deployment: Deployment, move: str) -> str:
    return f"d{deployment.pk}-{move}"


class MoveForm(forms.Form):
    move = ""
    title = ""
    button = ""
    seen = forms.CharField(widget=forms.HiddenInput)


class ConfirmForm(MoveForm):
    move = lifecycle.CONFIRM
    title = _("Confirm")
    button = _("Confirm the tour")


class DepartForm(MoveForm):
    move = lifecycle.DEPART
    title = _("Record the departure")
    button = _("Record the departure")
    departed_on = forms.DateField(label=_("Departed on"), widget=forms.DateInput(attrs=DATE))


class ReturnForm(MoveForm):
    move = lifecycle.RETURN
    title = _("Record the return")
    button = _("Record the return")
    returned_on = forms.DateField(label=_("Returned on"), widget=forms.DateInput(attrs=DATE))


class RepatriateForm(MoveForm):
    move = lifecycle.REPATRIATE
    title = _("Record an early repatriation")
    button = _("Record the repatriation")
    returned_on = forms.DateField(label=_("Returned on"), widget=forms.DateInput(attrs=DATE))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


class ExtendForm(MoveForm):
    move = lifecycle.EXTEND
    title = _("Extend")
    button = _("Extend the tour")
    ends_on = forms.DateField(label=_("New planned end"), widget=forms.DateInput(attrs=DATE))
    override_reason = forms.CharField(
        label=_("Readiness override reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("Only if the person is not ready over the longer tour, and you may override."),
    )
    mandate_override_reason = forms.CharField(
        label=_("Reason to go past the mandate's end"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
    )


class CancelForm(MoveForm):
    move = lifecycle.CANCEL
    title = _("Cancel")
    button = _("Cancel the tour")
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs=TEXT))


FORMS: dict[str, type[MoveForm]] = {
    form.move: form
    for form in (ConfirmForm, DepartForm, ReturnForm, RepatriateForm, ExtendForm, CancelForm)
}


def move_forms(deployment: Deployment, *, bound: MoveForm | None = None) -> list[MoveForm]:
    """The unbound forms of the moves `deployment` allows (or `bound` in its place), with
    their initial values: the tour as seen, today's date for a departure or a return."""
    today = timezone.localdate()
    result = []
    for move in lifecycle.moves_for(deployment):
        if bound is not None and bound.move == move:
            result.append(bound)
            continue
        initial = {"seen": deployment.lifecycle_token}
        if move in (lifecycle.DEPART,):
            initial["departed_on"] = today
        if move in (lifecycle.RETURN, lifecycle.REPATRIATE):
            initial["returned_on"] = today
        result.append(FORMS[move](initial=initial, prefix=move_prefix(deployment, move)))
    return result
