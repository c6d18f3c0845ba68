"""Filters of the readiness matrix and the gender balance: they check input and hold the
crispy layout, nothing else. The unit choices follow the user's scope (accounts.roles), so
a unit outside it is an invalid choice, whatever the URL says."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from personnel.forms.widgets import FastSelect, unit_choices
from personnel.models import Category, Gender, Unit
from personnel.models.dates import period_end
from readiness.models import RequirementProfile
from readiness.selectors.matrix import MATRIX_SORTS, READINESS_STATES

MAX_TOUR_MONTHS = 36


def active_profiles() -> QuerySet[RequirementProfile]:
    """The profiles a page may ask about; the first is the default."""
    return RequirementProfile.objects.filter(is_active=True).order_by("name", "pk")


class ReadOnceChoiceField(forms.ModelChoiceField):
    """A model choice read with one query, used both to draw the select and to check the
    choice (a ModelChoiceField would query again for each)."""

    def __init__(self, *, queryset: QuerySet, **kwargs) -> None:
        super().__init__(queryset=queryset, widget=FastSelect, **kwargs)
        self.objects = {obj.pk: obj for obj in self.queryset}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.objects[int(value)]
        except (KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class UnitChoiceField(ReadOnceChoiceField):
    """A unit within the user's scope, listed in tree order and indented by depth."""

    def __init__(self, *, units: QuerySet[Unit]) -> None:
        super().__init__(
            queryset=units.order_by("path"),
            required=False,
            label=_("Unit"),
            help_text=_("Includes the units under it."),
            error_messages={
                "invalid_choice": _("Choose one of your units: that unit is not among them.")
            },
        )
        self.widget.choices = unit_choices(self.objects.values(), empty_label=_("All my units"))


class ProfileChoiceField(ReadOnceChoiceField):
    """An active requirement profile; the first is the default."""

    def __init__(self) -> None:
        super().__init__(
            queryset=active_profiles(),
            required=False,
            empty_label=None,
            label=_("Requirement profile"),
            error_messages={
                "invalid_choice": _("That requirement profile does not exist or is not in use.")
            },
        )
        self.widget.choices = [(p.pk, p.name) for p in self.objects.values()]

    @property
    def default(self) -> RequirementProfile | None:
        return next(iter(self.objects.values()), None)


@dataclass(frozen=True)
class TourWindow:
    starts_on: dt.date
    months: int
    ends_on: dt.date


class MatrixFilterForm(forms.Form):
    """Unit (with the units under it), profile (active ones; the first by default), category,
    gender, readiness, an optional tour window (start and months), and the sort."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)  # set in __init__
    profile = forms.ModelChoiceField(queryset=RequirementProfile.objects.none())  # set in __init__
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("All categories")), *Category.choices],
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("Any gender")), *Gender.choices], required=False
    )
    readiness = forms.ChoiceField(
        label=_("Readiness"),
        choices=[("", _("Everyone")), *READINESS_STATES.items()],
        required=False,
    )
    tour_starts_on = forms.DateField(
        label=_("Tour starts on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: check the records over a tour instead of today."),
    )
    tour_months = forms.IntegerField(
        label=_("Tour (months)"),
        required=False,
        min_value=1,
        max_value=MAX_TOUR_MONTHS,
        help_text=_("Default: the profile's tour length."),
    )
    sort = forms.ChoiceField(
        choices=[(f"{sign}{key}", f"{sign}{key}") for key in MATRIX_SORTS for sign in ("", "-")],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, units: QuerySet[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units=units)
        self.fields["profile"] = ProfileChoiceField()
        self.helper = matrix_filter_helper()

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("tour_months") and not cleaned.get("tour_starts_on"):
            self.add_error(
                "tour_starts_on", _("Give the tour's first day, or leave the months empty.")
            )
        return cleaned

    def chosen(self) -> dict:
        """The valid choices (an invalid field counts as not chosen), with the default profile
        filled in. Call after is_valid()."""
        if not hasattr(self, "_chosen"):
            chosen = {name: self.cleaned_data.get(name) for name in self.fields}
            if chosen["profile"] is None:
                chosen["profile"] = self.fields["profile"].default
            self._chosen = chosen
        return self._chosen

    def tour_window(self, profile: RequirementProfile | None) -> TourWindow | None:
        """The tour chosen, if any: its first day and its last (the profile's tour length
        when no months are given)."""
        starts_on = getattr(self, "cleaned_data", {}).get("tour_starts_on")
        if starts_on is None or profile is None:
            return None
        months = self.cleaned_data.get("tour_months") or profile.default_tour_months
        return TourWindow(
            starts_on=starts_on, months=months, ends_on=period_end(starts_on, months=months)
        )


def matrix_filter_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_id = "matrix-filter"
    helper.layout = Layout(
        Row(
            Column("profile", css_class="col-md-6 col-xl-3"),
            Column("unit", css_class="col-md-6 col-xl-3"),
            Column("category", css_class="col-6 col-md-3 col-xl-2"),
            Column("gender", css_class="col-6 col-md-3 col-xl-2"),
            Column("readiness", css_class="col-6 col-md-3 col-xl-2"),
        ),
        Row(
            Column(Field("tour_starts_on"), css_class="col-6 col-md-3 col-xl-2"),
            Column(Field("tour_months", placeholder="12"), css_class="col-6 col-md-3 col-xl-2"),
            Column(
                StrictButton(_("Apply"), type="submit", css_class="btn-primary"),
                HTML(
                    '<a class="btn btn-link" href="{}">{}</a>'.format(
                        reverse("readiness:readiness_matrix"), _("Clear")
                    )
                ),
                css_class="col-md-6 col-xl-4 d-flex align-items-start gap-2 mb-3 pt-md-4",
            ),
        ),
        "sort",
    )
    return helper


class GenderFilterForm(forms.Form):
    """The gender balance's one filter: a unit within the user's scope."""

    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)  # set in __init__

    def __init__(self, *args, units: QuerySet[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = UnitChoiceField(units=units)
        helper = FormHelper()
        helper.form_method = "get"
        helper.form_id = "gender-filter"
        helper.layout = Layout(
            Row(
                Column("unit", css_class="col-md-6 col-xl-4"),
                Column(
                    StrictButton(_("Apply"), type="submit", css_class="btn-primary"),
                    css_class="col-md-3 d-flex align-items-start mb-3 pt-md-4",
                ),
            )
        )
        self.helper = helper
