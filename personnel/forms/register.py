"""Forms of the register pages (people and their qualification records): they check input
and hold the crispy layout, nothing else.

The rules (service after birth, a rank of the person's category, valid until after issued,
STANAG levels 0-5) live on the models' clean() and in personnel/services/people.py, so the
forms, the services and the admin all say the same thing on the same field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from personnel.forms.widgets import FastSelect, RankSelect, unit_choices
from personnel.models import LanguageProficiency, Passport, Person, QualificationRecord, Unit
from personnel.models.qualifications import STANAG_SKILLS
from personnel.services.people import DUPLICATE_SERVICE_NUMBER, qualification_fields


class RegisterForm(forms.ModelForm):
    """Base of the register's edit forms: date pickers, a crispy helper (the page writes the
    <form> tag and buttons), and `version`, the record's `updated_at` when the form was loaded,
    which the services compare to spot an edit that someone else's change made stale."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()
        else:
            del self.fields["version"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_version(self) -> dt.datetime:
        try:
            return dt.datetime.fromisoformat(self.cleaned_data["version"])
        except ValueError:
            raise forms.ValidationError(
                _("This form lost track of the record's version: reload the page."),
                code="version",
            ) from None

    def values(self) -> dict[str, Any]:
        """The cleaned model fields, as the services take them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def replace_version(self, record) -> None:
        """After a stale edit: carry the current version, so saving again is a deliberate
        overwrite of what the user has now seen."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = record.updated_at.isoformat()


class PersonForm(RegisterForm):
    class Meta:
        model = Person
        fields = [
            "last_name",
            "first_name",
            "middle_name",
            "gender",
            "date_of_birth",
            "nationality",
            "category",
            "rank",
            "service_number",
            "unit",
            "service_start_date",
            "email",
            "phone",
            "is_active",
        ]
        widgets = {"rank": RankSelect, "unit": FastSelect, "nationality": FastSelect}
        help_texts = {"last_name": _("As written: Cyrillic or Latin.")}
        error_messages = {"service_number": {"unique": DUPLICATE_SERVICE_NUMBER}}

    def __init__(self, *args, units: QuerySet[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # what a submitted unit is checked against
        self.fields["unit"].choices = unit_choices(units, empty_label=_("No national unit"))
        self.fields["rank"].queryset = self.fields["rank"].queryset.order_by(
            "category", "seniority"
        )
        self.fields["rank"].empty_label = _("No rank (civilian)")
        self.helper.layout = Layout(
            Fieldset(
                _("Name"),
                Row(Column("last_name"), Column("first_name"), Column("middle_name")),
            ),
            Fieldset(
                _("Identity"),
                Row(Column("gender"), Column("date_of_birth"), Column("nationality")),
            ),
            Fieldset(
                _("Service"),
                Row(Column("category"), Column("rank"), Column("service_number")),
                Row(Column("unit", css_class="col-md-8"), Column("service_start_date")),
                Field("is_active"),
            ),
            Fieldset(_("Contact"), Row(Column("email"), Column("phone"))),
            *(["version"] if "version" in self.fields else []),
        )


class QualificationForm(RegisterForm):
    """Base of the five qualification record forms; qualification_form_class() makes one."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model = self._meta.model
        if model is LanguageProficiency:
            self.fields["issued_on"].label = _("Test date")
            for skill in STANAG_SKILLS:  # the browser's hint; the model says what is wrong
                self.fields[skill].widget.attrs.update(min=0, max=5)
        if model is Passport:
            self.fields["document_number"].required = True
        common = {"issued_on", "valid_until", "document_number", "remarks", "version"}
        own = [name for name in self.fields if name not in common]
        if model is LanguageProficiency:
            own_rows = [Row(Column("language")), Row(*(Column(s) for s in STANAG_SKILLS))]
        else:
            own_rows = [Row(*(Column(name) for name in own))]
        self.helper.layout = Layout(
            *own_rows,
            Row(Column("issued_on"), Column("valid_until")),
            Row(Column("document_number"), Column("remarks", css_class="col-md-8")),
            *(["version"] if "version" in self.fields else []),
        )


def qualification_form_class(model: type[QualificationRecord]) -> type[QualificationForm]:
    """The form for one kind of qualification record: its own fields and the common ones."""
    return forms.modelform_factory(
        model, form=QualificationForm, fields=qualification_fields(model)
    )
