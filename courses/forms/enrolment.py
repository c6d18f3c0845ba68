"""Forms of the enrolment pages: they validate input and hold the crispy layout, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.roles import Role, has_role
from courses.selectors.enrolment import units_for_enrolment
from courses.services.enrolment import MAX_CANDIDATES
from personnel.forms.fields import PersonPickerField
from personnel.models import Person, Unit

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User

INDENT = "\u2003"  # an em space per level of the unit tree
SOURCES = (("person", _("one person")), ("unit", _("a unit")), ("file", _("a list")))
# The person picker's purpose for enrolling one person (registered in CoursesConfig.ready()).
ENROLLING = "enrolment"
MANAGERS = (Role.REGISTRAR, Role.ADMINISTRATOR)


def enrollable_people(user: User) -> QuerySet[Person] | None:
    """Whom `user` may pick to enrol or nominate: the whole register (inactive people too:
    the preview says why they are left out) for registrars and administrators, who alone
    enrol; None for anyone else."""
    if not has_role(user, *MANAGERS):
        return None
    return Person.objects.all()


def _nomination_fieldset() -> Div:
    heading = format_html(
        '<p class="fw-semibold mb-1">{}</p><p class="small text-body-secondary mb-2">{}</p>',
        _("Partner country nomination (optional)"),
        _(
            "Filled in, everyone accepted is recorded as nominated and holds no seat until a "
            "registrar approves. Partner countries' nationals are nominated in any case."
        ),
    )
    return Div(
        HTML(heading),
        Row(
            Column("nominating_country", css_class="col-md-5"),
            Column("nominating_party", css_class="col-md-7"),
        ),
        css_class="border rounded px-3 pt-2 mb-3 bg-body-tertiary",
    )


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *countries]


class NominationFields(forms.Form):
    """Filled in, every candidate is recorded as nominated (no seat until approved).
    Partner countries' nationals are nominated in any case."""

    nominating_country = forms.ChoiceField(
        label=_("Nominating country"),
        required=False,
        # A callable: the countries' names are read in the language of each request.
        choices=_country_choices,
    )
    nominating_party = forms.CharField(
        label=_("Nominated by"),
        required=False,
        max_length=200,
        help_text=_("For example the partner's ministry or peacekeeping centre."),
    )

    def nomination(self) -> dict[str, str]:
        return {
            "nominating_country": self.cleaned_data.get("nominating_country", ""),
            "nominating_party": self.cleaned_data.get("nominating_party", ""),
        }


class PersonSearchForm(NominationFields):
    """The person picker (`person`, its text sent as `q`): choosing someone previews enrolling
    them. Without JavaScript a service number previews them too, and a name lists the
    matches, each with its "Preview" link (?person=<id>). GET, so a preview can be
    bookmarked. `people`: whom the user may pick (enrollable_people)."""

    person = PersonPickerField(
        label=_("Name or service number"),
        purpose=ENROLLING,
        text_name="q",
        required=False,
        help_text=_("Any script: Сейтқали, Seitkali and seytqali find the same person."),
    )

    def __init__(self, *args, people: QuerySet[Person] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people if people is not None else Person.objects.none()
        self.fields["person"].widget.attrs["autofocus"] = True
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                Column(Field("person"), css_class="col-md-9"),
                Column(
                    Submit("search", _("Preview"), css_class="btn-primary w-100"),
                    css_class="col-md-3 pt-md-4 mt-md-2",
                ),
            ),
            _nomination_fieldset(),
        )

    def typed(self) -> str:
        """The text in the picker, as submitted."""
        widget = self.fields["person"].widget
        return str(self.data.get(widget.text_input_name("person")) or "").strip()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{INDENT * (unit.depth - 1)}{unit.code} · {unit.name}"


class UnitEnrolForm(NominationFields):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    include_subunits = forms.BooleanField(
        label=_("Include the units under it"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for_enrolment()
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Row(
                Column(Field("unit"), css_class="col-md-8"),
                Column(Field("include_subunits"), css_class="col-md-4 pt-md-4"),
            ),
            _nomination_fieldset(),
            Submit("preview", _("Preview"), css_class="btn-primary"),
        )


class FileEnrolForm(NominationFields):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "One person per row, with a column named service_number (other columns are "
            "ignored). CSV in UTF-8 or the first sheet of an .xlsx workbook."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Field("file"),
            _nomination_fieldset(),
            Submit("preview", _("Preview"), css_class="btn-primary"),
        )


class IdListField(forms.Field):
    """A repeated hidden input of ids, kept in order (repeats too)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            ids = [int(item) for item in value]
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("The list of people was damaged; start again.")) from exc
        if len(ids) > MAX_CANDIDATES:
            raise ValidationError(
                _("At most %(limit)s people at once.") % {"limit": MAX_CANDIDATES}
            )
        return ids


class EnrolApplyForm(NominationFields):
    """What the preview page posts back: the people it showed and the plan's fingerprint."""

    person = IdListField(required=True)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    source = forms.ChoiceField(choices=SOURCES, widget=forms.HiddenInput)
    nominating_country = forms.ChoiceField(
        choices=_country_choices, widget=forms.HiddenInput, required=False
    )
    nominating_party = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)


class ReasonForm(forms.Form):
    """Withdrawal or decline: the reason is kept with the enrolment."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False, max_length=16)

    def __init__(self, *args, submit_label: str, danger: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.layout = Layout(
            Field("reason"),
            "expected_status",
            Div(
                Submit(
                    "confirm", submit_label, css_class="btn-danger" if danger else "btn-primary"
                ),
                css_class="d-flex gap-2",
            ),
        )


class WaitlistMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=(("up", _("up")), ("down", _("down"))))
    position = forms.IntegerField(min_value=1)
