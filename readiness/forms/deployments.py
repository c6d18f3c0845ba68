"""The deployment planning form: it checks input; the rules (open mission, the contingent's
mission, overlapping tours, readiness and its override) are readiness/services/deployments.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from personnel.forms.fields import PersonPickerField
from personnel.forms.widgets import FastSelect
from personnel.models import Person
from personnel.scope import people_for
from readiness.models import Contingent, Mission, RequirementProfile
from readiness.services.deployments import MAX_TOUR_MONTHS, PLAN_PERMISSION

if TYPE_CHECKING:
    from accounts.models import User

# The person picker's purpose for planning (registered in ReadinessConfig.ready()).
PLANNING = "deployment"


def plannable_people(user: User) -> QuerySet[Person] | None:
    """Whom `user` may plan a tour for: the active people they may see, when they hold the
    planning permission (the service checks both again); None otherwise."""
    if not user.has_perm(PLAN_PERMISSION):
        return None
    return people_for(user).active()


class ContingentSelect(FastSelect):
    """Marks each contingent with its mission, so the page offers only the chosen mission's
    contingents (the service checks it again)."""

    def option_attrs(self, value) -> dict[str, str]:
        instance = getattr(value, "instance", None)
        return {"data-mission": str(instance.mission_id)} if instance is not None else {}


class RoleSelect(FastSelect):
    """Marks each role with its default tour length, shown beside the months field."""

    def option_attrs(self, value) -> dict[str, str]:
        instance = getattr(value, "instance", None)
        return {"data-months": str(instance.default_tour_months)} if instance else {}


class ContingentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, contingent: Contingent) -> str:
        return _("%(mission)s · %(name)s, rotation %(rotation)s (%(unit)s)") % {
            "mission": contingent.mission.acronym,
            "name": contingent.name,
            "rotation": contingent.rotation,
            "unit": contingent.unit.code,
        }


class DeploymentPlanForm(forms.Form):
    """Who, where, in which role, from when and for how long. `people` are those the user may
    plan for; `may_override` adds the override reason (users holding the permission)."""

    person = PersonPickerField(
        label=_("Person"),
        purpose=PLANNING,
        help_text=_("Type a name in any script or a service number, then choose."),
        error_messages={"invalid_choice": _("Choose a person of your units from the list.")},
    )
    mission = forms.ModelChoiceField(
        label=_("Mission"),
        # Any mission is accepted here so that a closed one is refused by the service with a
        # message naming it; only open ones are offered.
        queryset=Mission.objects.all(),
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    contingent = ContingentChoiceField(
        label=_("Contingent"),
        queryset=Contingent.objects.select_related("mission", "unit"),
        required=False,
        empty_label=_("None: an individual post"),
        widget=ContingentSelect(attrs={"class": "form-select"}),
    )
    role = forms.ModelChoiceField(
        label=_("Role"),
        queryset=RequirementProfile.objects.filter(is_active=True),
        widget=RoleSelect(attrs={"class": "form-select"}),
        help_text=_("The requirement profile the person is checked against."),
    )
    starts_on = forms.DateField(
        label=_("First day of the tour"), widget=forms.DateInput(attrs={"type": "date"})
    )
    months = forms.IntegerField(
        label=_("Tour length (months)"),
        min_value=1,
        max_value=MAX_TOUR_MONTHS,
        required=False,
        help_text=_("Leave blank for the role's default tour."),
    )
    override_reason = forms.CharField(
        label=_("Reason to deploy although not ready"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with your name on the deployment."),
    )
    mandate_override_reason = forms.CharField(
        label=_("Reason to go past the mission's mandate end"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with your name on the deployment."),
    )

    def __init__(
        self,
        *args,
        people: QuerySet[Person],
        may_override: bool = False,
        may_override_mandate: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the chosen person is read (to show and to check): the page holds no list.
        self.fields["person"].queryset = people
        self.fields["mission"].choices = [("", "---------")] + [
            (mission.pk, f"{mission.acronym} · {mission.host}")
            for mission in Mission.objects.filter(ended_on__isnull=True).order_by("acronym")
        ]
        self.fields["contingent"].queryset = (
            Contingent.objects.filter(mission__ended_on__isnull=True)
            .select_related("mission", "unit")
            .order_by("mission__acronym", "-starts_on")
        )
        if not may_override:
            del self.fields["override_reason"]
        if not may_override_mandate:
            del self.fields["mandate_override_reason"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") is not None and data.get("months") is None:
            data["months"] = data["role"].default_tour_months
        return data
