"""Forms of finalisation and the certification pages: they validate input and hold the
crispy layout, nothing else."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from courses.models import Cohort, Course
from courses.selectors.certifications import certification_courses
from personnel.models import Validity


def validity_choices() -> list[tuple[str, str]]:
    return [
        ("", _("Any validity")),
        (Validity.VALID, _("Valid")),
        (
            Validity.LAPSING,
            _("Lapsing within %(days)s days") % {"days": settings.LAPSING_WINDOW_DAYS},
        ),
        (Validity.LAPSED, _("Lapsed")),
        (Validity.REVOKED, _("Revoked")),
    ]


class CohortFinaliseForm(forms.Form):
    """The confirm page's button: the status the instructor saw."""

    seen_status = forms.ChoiceField(choices=Cohort.Status.choices, widget=forms.HiddenInput)


class CohortReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are the results reopened?"),
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        max_length=1000,
        help_text=_("Kept in the cohort's status history for anyone who reads it later."),
    )
    seen_status = forms.ChoiceField(choices=Cohort.Status.choices, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CertificationReasonForm(forms.Form):
    """Revoke or reissue: the reason is kept with the certification."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
        max_length=1000,
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = help_text
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course: Course) -> str:
        return f"{course.code} · {course.title}"


class CertificationFilterForm(forms.Form):
    """The list's search and filters (GET)."""

    q = forms.CharField(
        label=_("Number, name or service number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, name or service number")}
        ),
    )
    course = CourseChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("Any course"),
    )
    validity = forms.ChoiceField(label=_("Validity"), choices=validity_choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = certification_courses().order_by("code")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_labels = False
        self.helper.layout = Layout(
            Row(
                # No visible labels in the bar: each box is named for screen readers.
                Column(Field("q", aria_label=self.fields["q"].label), css_class="col-md-5"),
                Column(Field("course", aria_label=_("Course")), css_class="col-md-4"),
                Column(Field("validity", aria_label=_("Validity")), css_class="col-md-3"),
                css_class="g-2 flex-grow-1",
            )
        )
