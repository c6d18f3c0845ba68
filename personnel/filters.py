"""The register list's search, filters and sort (django-filter), and the filter form's layout."""

from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import CharFilter, ChoiceFilter, FilterSet, ModelChoiceFilter

from personnel.forms.widgets import FastSelect, unit_choices
from personnel.models import Category, Gender, Person, Rank
from personnel.selectors.register import (
    PERSON_SORTS,
    nationality_options,
    person_ordering,
    unit_options,
)

SORT_CHOICES = [(f"{sign}{key}", f"{sign}{key}") for key in PERSON_SORTS for sign in ("", "-")]
DEFAULT_SORT = "name"


class PersonFilter(FilterSet):
    """Search by name (any script) or service number; filter by unit (with the units under
    it), category, gender, nationality, rank and whether active; sort. Build it with
    `request=` so the unit choices follow the user's scope, and with the people the user may
    see as `queryset`."""

    q = CharFilter(label=_("Name or service number"), method="filter_search")
    unit = ModelChoiceFilter(
        label=_("Unit"),
        queryset=lambda request: unit_options(user=request.user),
        method="filter_unit",
        help_text=_("Includes the units under it."),
        widget=FastSelect,
    )
    category = ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=_("All categories")
    )
    gender = ChoiceFilter(label=_("Gender"), choices=Gender.choices, empty_label=_("Any gender"))
    nationality = ChoiceFilter(
        label=_("Nationality"), empty_label=_("All nationalities"), widget=FastSelect
    )
    rank = ModelChoiceFilter(
        label=_("Rank"),
        queryset=Rank.objects.order_by("category", "seniority"),
        empty_label=_("All ranks"),
        widget=FastSelect,
    )
    active = ChoiceFilter(
        label=_("Status"),
        choices=[("yes", _("Active only")), ("no", _("Inactive only"))],
        empty_label=_("Any status"),
        method="filter_active",
    )
    sort = ChoiceFilter(choices=SORT_CHOICES, method="filter_sort", widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields: list[str] = []  # all declared above

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters["nationality"].extra["choices"] = [
            (country.code, country.name) for country in nationality_options(people=self.queryset)
        ]

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            unit_field = form.fields["unit"]
            unit_field.widget.choices = unit_choices(
                unit_field.queryset, empty_label=_("All units")
            )
            form.helper = person_filter_helper()
        return self._form

    @property
    def sort_key(self) -> str:
        """The sort in effect: the submitted one if valid, else by name."""
        if not self.is_bound or self.form.errors.get("sort"):
            return DEFAULT_SORT
        return self.form.cleaned_data.get("sort") or DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (a sort alone does not)."""
        return self.is_bound and any(self.data.get(name) for name in self.filters if name != "sort")

    def filter_search(self, queryset: QuerySet[Person], name: str, value: str):
        return queryset.search(value)

    def filter_unit(self, queryset: QuerySet[Person], name: str, value):
        return queryset.filter(unit__path__startswith=value.path)

    def filter_active(self, queryset: QuerySet[Person], name: str, value: str):
        return queryset.filter(is_active=value == "yes")

    def filter_sort(self, queryset: QuerySet[Person], name: str, value: str):
        return queryset.order_by(*person_ordering(value))


NARROW_FIELDS = ("category", "rank", "gender", "nationality", "active")


def person_filter_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_id = "person-filter"
    helper.layout = Layout(
        Row(
            Column(
                Field("q", placeholder=_("e.g. Abenov, Абенов or KZ-M-104523")),
                css_class="col-md-6 col-xl-3",
            ),
            Column("unit", css_class="col-md-6 col-xl-3"),
            *(Column(name, css_class="col-6 col-md-3 col-xl-2") for name in NARROW_FIELDS),
            Column(
                StrictButton(_("Apply"), type="submit", css_class="btn-primary"),
                HTML(
                    '<a class="btn btn-link" href="{}">{}</a>'.format(
                        reverse("personnel:person_list"), _("Clear")
                    )
                ),
                css_class="col-6 col-md-3 col-xl-2 d-flex align-items-end gap-2 mb-3",
            ),
        ),
        "sort",
    )
    return helper
