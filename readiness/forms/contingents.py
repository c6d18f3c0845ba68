"""The contingent form (a contingent with its posts by role) and the proposal's acceptance
form. They check input; the rules are readiness/services/contingents.py's."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from personnel.forms.widgets import FastSelect
from personnel.models import Unit
from readiness.models import Contingent, Mission, RequirementProfile
from readiness.services.contingents import MAX_POSTS

POST_PREFIX = "posts_"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit.code} · {unit.name}"


class ContingentForm(forms.Form):
    """The contingent's mission, unit, rotation, partner, dates, and one number of posts per
    role (fields `posts_<role id>`): the active roles, and any role the contingent already
    has posts for."""

    mission = forms.ModelChoiceField(
        label=_("Mission"),
        queryset=Mission.objects.all(),
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        widget=FastSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Choose one of your units from the list.")},
    )
    name = forms.CharField(label=_("Name"), max_length=120)
    rotation = forms.IntegerField(label=_("Rotation"), min_value=1, max_value=999, initial=1)
    partner_country = forms.ChoiceField(
        label=_("Partner country"),
        choices=lambda: [("", _("None: an independent deployment")), *countries],
        required=False,
        help_text=_("For a joint deployment: the country whose unit this contingent serves in."),
    )
    partner_unit = forms.CharField(label=_("Partner unit"), max_length=120, required=False)
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        *args,
        units: QuerySet[Unit],
        roles: list[RequirementProfile],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")
        self.roles = roles
        for role in roles:
            self.fields[f"{POST_PREFIX}{role.pk}"] = forms.IntegerField(
                label=role.name,
                min_value=0,
                max_value=MAX_POSTS,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )

    @property
    def post_fields(self) -> list[forms.BoundField]:
        return [self[f"{POST_PREFIX}{role.pk}"] for role in self.roles]

    def posts(self) -> dict[RequirementProfile, int]:
        """Each role's count (0 for none), from cleaned data."""
        return {role: self.cleaned_data.get(f"{POST_PREFIX}{role.pk}") or 0 for role in self.roles}

    @staticmethod
    def initial_for(contingent: Contingent) -> dict[str, object]:
        initial: dict[str, object] = {
            "mission": contingent.mission_id,
            "unit": contingent.unit_id,
            "name": contingent.name,
            "rotation": contingent.rotation,
            "partner_country": str(contingent.partner_country or ""),
            "partner_unit": contingent.partner_unit,
            "starts_on": contingent.starts_on,
            "ends_on": contingent.ends_on,
        }
        for post in contingent.posts.all():
            initial[f"{POST_PREFIX}{post.role_id}"] = post.count
        return initial


NOT_OFFERED = _("A pick is not one this page offers: reload it.")


class PicksField(forms.Field):
    """Ticked boxes "<person id>:<role id>", as (person id, role id) pairs."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value) -> list[tuple[int, int]]:
        pairs = []
        for item in value or []:
            person, _sep, role = str(item).partition(":")
            if not all(part.isascii() and part.isdigit() for part in (person, role)):
                raise forms.ValidationError(NOT_OFFERED, code="invalid")
            pairs.append((int(person), int(role)))
        return pairs


class ProposalAcceptForm(forms.Form):
    """The ticked picks of a proposal. Only their shape and role are checked here: whether
    each person may still be planned is the services' to say, pick by pick, so one that
    became impossible since the page was shown does not lose the others."""

    picks = PicksField(
        label=_("Proposed people"),
        error_messages={"required": _("Tick at least one proposed person.")},
    )

    def __init__(self, *args, roles: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roles = set(roles)

    def clean_picks(self) -> list[tuple[int, int]]:
        pairs = self.cleaned_data["picks"]
        if any(role not in self.roles for _person, role in pairs):
            raise forms.ValidationError(NOT_OFFERED, code="not_offered")
        return pairs
