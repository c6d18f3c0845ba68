"""The PCRS forms: they check input; the rules (who, the levels' backing visit, renewal,
closing) are readiness/services/pcrs.py's."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from readiness.models import (
    AreaResult,
    AssessmentArea,
    AssessmentKind,
    AssessmentOutcome,
    PCRSLevel,
    UnitReadinessAssessment,
)
from readiness.models.pcrs import RDL_MAX_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PledgeRegisterForm(forms.Form):
    registered_on = forms.DateField(label=_("Registered on"), widget=DATE)
    capability = forms.CharField(
        label=_("Capability pledged"),
        max_length=200,
        help_text=_('e.g. "Infantry company (120)".'),
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PledgeRenewForm(forms.Form):
    renewed_on = forms.DateField(label=_("Renewed on"), widget=DATE)


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, visit: UnitReadinessAssessment) -> str:
        return _("%(kind)s of %(day)s: %(outcome)s") % {
            "kind": visit.get_kind_display(),
            "day": formats.date_format(visit.assessed_on, "SHORT_DATE_FORMAT"),
            "outcome": visit.get_outcome_display(),
        }


class PledgeLevelForm(forms.Form):
    level = forms.ChoiceField(label=_("New level"), choices=PCRSLevel.choices)
    changed_on = forms.DateField(label=_("From"), widget=DATE)
    backing_visit = VisitChoiceField(
        label=_("Backing assessment visit"),
        queryset=UnitReadinessAssessment.objects.none(),
        required=False,
        empty_label=_("the unit's latest current AAV"),
        help_text=_("Level 2 and above need a passed AAV still current on the day."),
    )
    deploy_within_days = forms.IntegerField(
        label=_("Deploys within (days of a UN request)"),
        min_value=1,
        max_value=RDL_MAX_DAYS,
        required=False,
        help_text=_("Rapid Deployment Level only: 60 days at most."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backing_visit"].queryset = visits


class VisitForm(forms.Form):
    """A visit with one result field per active area ("not assessed" leaves it out)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices)
    assessed_on = forms.DateField(label=_("Date"), widget=DATE)
    assessed_by = forms.CharField(label=_("Team"), max_length=200)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AssessmentOutcome.choices)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE,
        help_text=_("Blank: the centre's default period after the visit."),
    )
    remarks = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, areas: list[AssessmentArea], **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas
        choices = [("", _("not assessed")), *AreaResult.choices]
        for area in areas:
            self.fields[f"area_{area.code}"] = forms.ChoiceField(
                label=area.name, choices=choices, required=False
            )
            self.fields[f"area_{area.code}_remarks"] = forms.CharField(
                label=_("Remarks on %(area)s") % {"area": area.name},
                max_length=1000,
                required=False,
            )

    def area_fields(self):
        return [(self[f"area_{a.code}"], self[f"area_{a.code}_remarks"]) for a in self.areas]

    def area_entries(self) -> list[tuple[AssessmentArea, str, str]]:
        data = self.cleaned_data
        return [
            (area, data[f"area_{area.code}"], data[f"area_{area.code}_remarks"])
            for area in self.areas
            if data.get(f"area_{area.code}")
        ]


class FindingForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=AssessmentArea.objects.none(),
        required=False,
        empty_label=_("general"),
    )
    finding = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2}))
    corrective_action = forms.CharField(
        label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=None,
        required=False,
        empty_label=_("the unit's commander"),
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AssessmentArea.objects.filter(is_active=True)
        self.fields["owner"].queryset = owners


class FindingCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE)
    note = forms.CharField(label=_("How it was closed"), widget=forms.Textarea(attrs={"rows": 2}))
