"""The course form and its assessment components, edited together on one page."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from common.formatting import number_plain
from common.forms import IdsChoiceField
from courses.models import AssessmentComponent, CertificationType, Course
from courses.services.catalogue import weights_check
from personnel.models import Category

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
MAX_COMPONENTS = 50  # assessment components on one course's form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CourseFilterForm(forms.Form):
    """The catalogue's filter bar (GET)."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Course.Kind.choices], required=False
    )
    active = forms.ChoiceField(
        label=_("Active"),
        choices=[("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_labels = False
        self.helper.layout = Layout(
            Row(
                Column(Field("kind", aria_label=_("Kind")), css_class="col-sm-auto"),
                Column(Field("active", aria_label=_("Active")), css_class="col-sm-auto"),
            )
        )

    @property
    def active_flag(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("active", ""))


class CourseForm(forms.ModelForm):
    """A course's own values. `version` carries the fingerprint of the course as the page was
    built (courses.selectors.catalogue.course_version) to notice a concurrent edit."""

    admitted_categories = forms.MultipleChoiceField(
        label=_("Admitted categories"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to admit every category."),
    )
    prerequisites = IdsChoiceField(
        label=_("Prerequisite certifications"),
        queryset=CertificationType.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Valid certifications a trainee must hold on the cohort's first day."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Course
        fields = [
            "code",
            "title",
            "kind",
            "is_active",
            "description",
            "duration_days",
            "default_capacity",
            "pass_mark",
            "min_attendance_percent",
            "admitted_categories",
            "prerequisites",
            "certification_type",
            "validity_months",
            "un_recognised",
            "recognised_on",
            "recognition_valid_until",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "recognised_on": DateInput(),
            "recognition_valid_until": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pass_mark"].validators += PERCENT
        self.fields["min_attendance_percent"].validators += PERCENT
        for name in ("duration_days", "default_capacity", "validity_months"):
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1
        for name in ("pass_mark", "min_attendance_percent"):
            self.fields[name].widget.attrs.update(min=0, max=100)
        self.fields["certification_type"].queryset = CertificationType.objects.order_by("code")
        self.fields["certification_type"].empty_label = _("none")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Course"),
                Row(
                    Column("code", css_class="col-md-3"),
                    Column("title", css_class="col-md-6"),
                    Column("kind", css_class="col-md-3"),
                ),
                "description",
                Row(
                    Column("duration_days", css_class="col-md-3"),
                    Column("default_capacity", css_class="col-md-3"),
                    Column("pass_mark", css_class="col-md-3"),
                    Column("min_attendance_percent", css_class="col-md-3"),
                ),
                "is_active",
            ),
            Fieldset(
                _("Admission"),
                Row(
                    Column("admitted_categories", css_class="col-md-4"),
                    Column(
                        Div("prerequisites", css_class="pc-checkbox-columns"),
                        css_class="col-md-8",
                    ),
                ),
            ),
            Fieldset(
                _("Certification and UN recognition"),
                Row(
                    Column("certification_type", css_class="col-md-4"),
                    Column("validity_months", css_class="col-md-4"),
                ),
                "un_recognised",
                Row(
                    Column("recognised_on", css_class="col-md-4"),
                    Column("recognition_valid_until", css_class="col-md-4"),
                ),
            ),
            "version",
        )

    def clean(self):
        data = super().clean()
        certification = data.get("certification_type")
        validity = data.get("validity_months")
        if certification and not validity and "validity_months" not in self.errors:
            self.add_error(
                "validity_months",
                _("A course that grants %(type)s needs the certificate's validity in months.")
                % {"type": certification.code},
            )
        if not certification and validity:
            self.add_error(
                "validity_months",
                _(
                    "A validity applies only to a granted certification: choose the "
                    "certification or clear the validity."
                ),
            )
        recognised_on = data.get("recognised_on")
        until = data.get("recognition_valid_until")
        if data.get("un_recognised") and not recognised_on and "recognised_on" not in self.errors:
            self.add_error("recognised_on", _("Say when the UN recognised the course."))
        if not data.get("un_recognised") and (recognised_on or until):
            self.add_error(
                "un_recognised",
                _(
                    "Recognition dates are given but UN-recognised is not ticked: tick it or "
                    "clear the dates."
                ),
            )
        if recognised_on and until and until < recognised_on:
            self.add_error(
                "recognition_valid_until",
                _("The recognition cannot end (%(end)s) before it was given (%(start)s).")
                % {"end": until.isoformat(), "start": recognised_on.isoformat()},
            )
        return data


class ComponentForm(forms.ModelForm):
    """One assessment component: a row of the components table."""

    class Meta:
        model = AssessmentComponent
        fields = ["name", "weight", "min_score", "max_score", "pass_score", "must_pass"]
        labels = {
            "weight": _("Weight (%)"),
            "min_score": _("Lowest score"),
            "max_score": _("Highest score"),
            "pass_score": _("Pass score"),
            "must_pass": _("Must pass"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].validators += [
            MinValueValidator(Decimal("0.01")),
            MaxValueValidator(Decimal("100")),
        ]
        for name in ("weight", "min_score", "max_score", "pass_score"):
            self.fields[name].widget.attrs.update(step="any", inputmode="decimal")
        self.fields["weight"].widget.attrs.update(min="0.01", max="100")

    def clean(self):
        data = super().clean()
        low, high = data.get("min_score"), data.get("max_score")
        pass_score = data.get("pass_score")
        if low is not None and high is not None and high <= low:
            self.add_error(
                "max_score",
                _("The highest score must be above the lowest (%(low)s).")
                % {"low": number_plain(low)},
            )
        elif (
            pass_score is not None
            and low is not None
            and high is not None
            and not low <= pass_score <= high
        ):
            self.add_error(
                "pass_score",
                _("The pass score must lie within the score range %(low)s to %(high)s.")
                % {"low": number_plain(low), "high": number_plain(high)},
            )
        if data.get("must_pass") and pass_score is None and "pass_score" not in self.errors:
            self.add_error("pass_score", _("A component that must be passed needs a pass score."))
        return data


class BaseComponentFormSet(BaseInlineFormSet):
    """The course's components: the kept rows' weights must add up to exactly 100."""

    def kept_forms(self) -> list[ComponentForm]:
        """Rows that will be saved: filled in and not marked for removal, in page order."""
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each row says what is wrong first; the total would only confuse
        try:
            weights_check(form.cleaned_data["weight"] for form in self.kept_forms())
        except ValidationError as error:
            raise ValidationError(error.messages[0], code=error.code) from error


def component_formset(*, extra: int) -> type[BaseComponentFormSet]:
    """The components formset class, with `extra` blank rows to fill in."""
    return inlineformset_factory(
        Course,
        AssessmentComponent,
        form=ComponentForm,
        formset=BaseComponentFormSet,
        extra=extra,
        can_delete=True,
        # A forged TOTAL_FORMS builds at most this many rows (Django's default, 2,000 rows,
        # takes seconds to validate); no course has half as many components.
        max_num=MAX_COMPONENTS,
        absolute_max=MAX_COMPONENTS,
    )
