"""Forms for scheduling cohorts: the cohort form, the list's filters, a status change."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from common.forms import IdsChoiceField
from courses.models import Cohort, Course
from courses.selectors.cohorts import CourseDays, When, cohort_course_days, instructor_choices
from courses.services.cohorts import TRANSITIONS

from .catalogue import DateInput


class InstructorChoiceField(IdsChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class CohortForm(forms.ModelForm):
    """Schedule or edit a cohort. Left blank: the code takes the next free number, the end
    follows from the course's duration and the capacity is the course's default. On edit the
    course is shown but cannot change; `version` notices a concurrent edit."""

    instructors = InstructorChoiceField(
        label=_("Instructors"),
        queryset=instructor_choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_weekend_start = forms.BooleanField(
        label=_("Start on a weekend anyway"),
        required=False,
        help_text=_("Course days are Monday to Friday: the weekend days are not taught."),
    )

    class Meta:
        model = Cohort
        fields = ["course", "code", "starts_on", "ends_on", "location", "capacity", "instructors"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        course_field = self.fields["course"]
        if editing:
            course_field.disabled = True
            course_field.queryset = Course.objects.filter(pk=self.instance.course_id)
        else:
            course_field.queryset = Course.objects.filter(is_active=True).order_by("code")
        course_field.label_from_instance = lambda course: f"{course.code} — {course.title}"
        self.fields["instructors"].queryset = instructor_choices()
        self.fields["code"].required = editing
        self.fields["code"].help_text = (
            "" if editing else _("Leave blank for the course's next free number in the start year.")
        )
        self.fields["ends_on"].required = False
        self.fields["ends_on"].help_text = _("Leave blank to follow the course's duration.")
        self.fields["capacity"].required = False
        self.fields["capacity"].validators.append(MinValueValidator(1))
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["capacity"].help_text = _("Leave blank for the course's default capacity.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("course", css_class="col-md-7"),
                Column("code", css_class="col-md-5"),
            ),
            Row(
                Column("starts_on", css_class="col-md-4"),
                Column("ends_on", css_class="col-md-4"),
                Column("capacity", css_class="col-md-4"),
            ),
            "location",
            "instructors",
            "version",
        )  # confirm_weekend_start is asked for in the page's warning, when it applies

    def clean(self):
        data = super().clean()
        course: Course | None = data.get("course")
        starts_on: dt.date | None = data.get("starts_on")
        ends_on: dt.date | None = data.get("ends_on")
        if course and starts_on and ends_on is None and "ends_on" not in self.errors:
            data["ends_on"] = ends_on = starts_on + dt.timedelta(days=course.duration_days - 1)
        if course and data.get("capacity") is None and "capacity" not in self.errors:
            data["capacity"] = course.default_capacity
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error(
                "ends_on",
                _("The cohort cannot end (%(end)s) before it starts (%(start)s).")
                % {"end": ends_on.isoformat(), "start": starts_on.isoformat()},
            )
        return data

    @property
    def course_days(self) -> CourseDays | None:
        """The course days of the dates as cleaned (the end following the course's duration
        when left blank); None before the form is valid enough to know them."""
        data = getattr(self, "cleaned_data", {})
        if data.get("starts_on") and data.get("ends_on"):
            return cohort_course_days(starts_on=data["starts_on"], ends_on=data["ends_on"])
        return None

    @property
    def weekend_start_unconfirmed(self) -> bool:
        """The cohort would start (newly) on a Saturday or Sunday and the registrar has not
        confirmed it: a warning, not a refusal, but it is not saved unseen."""
        days = self.course_days
        return bool(
            days
            and days.starts_on_weekend
            and (self.instance.pk is None or "starts_on" in self.changed_data)
            and not self.cleaned_data.get("confirm_weekend_start")
        )


class CohortFilterForm(forms.Form):
    """The cohort list's filter bar (GET). `instructor` is dropped for someone who only sees
    the cohorts they teach."""

    course = forms.ModelChoiceField(
        label=_("Course"), queryset=Course.objects.order_by("code"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Cohort.Status.choices], required=False
    )
    when = forms.ChoiceField(
        label=_("When"),
        choices=[
            ("", _("Any time")),
            (When.UPCOMING, _("Upcoming")),
            (When.RUNNING, _("Running now")),
            (When.PAST, _("Past")),
        ],
        required=False,
    )
    instructor = forms.ModelChoiceField(
        label=_("Instructor"), queryset=instructor_choices(), required=False
    )

    def __init__(self, *args, with_instructor: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].empty_label = _("All courses")
        self.fields["course"].label_from_instance = lambda course: course.code
        columns = [
            Column(Field("course", aria_label=_("Course")), css_class="col-sm-auto"),
            Column(Field("status", aria_label=_("Status")), css_class="col-sm-auto"),
            Column(Field("when", aria_label=_("When")), css_class="col-sm-auto"),
        ]
        if with_instructor:
            self.fields["instructor"].queryset = instructor_choices()
            self.fields["instructor"].empty_label = _("All instructors")
            self.fields["instructor"].label_from_instance = lambda user: (
                user.get_full_name() or user.username
            )
            columns.append(
                Column(Field("instructor", aria_label=_("Instructor")), css_class="col-sm-auto")
            )
        else:
            del self.fields["instructor"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_labels = False
        self.helper.layout = Layout(Row(*columns, css_class="g-2"))


class CohortTransitionForm(forms.Form):
    """A status change as the user asked for it: the status they saw, the one they want,
    and (to cancel) why."""

    to = forms.ChoiceField(choices=Cohort.Status.choices, widget=forms.HiddenInput)
    seen_status = forms.ChoiceField(choices=Cohort.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=200,
        help_text=_("Kept with each trainee's enrolment, who is withdrawn from the cohort."),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def needs_reason(self, status: str) -> bool:
        to = self.data.get("to") or self.initial.get("to")
        return any(t.to == to and t.needs_reason for t in TRANSITIONS.get(status, ()))


class CohortPrefillForm(forms.Form):
    """?course= on the links that schedule a cohort of a course: an active course."""

    course = forms.ModelChoiceField(
        queryset=Course.objects.filter(is_active=True), required=False, label=_("Course")
    )


class CohortSuggestForm(forms.Form):
    """What the scheduling form asks the server to fill in from: a course, and its start and
    end dates once chosen."""

    course = forms.ModelChoiceField(queryset=Course.objects.all(), label=_("Course"))
    starts_on = forms.DateField(required=False, label=_("Starts on"))
    ends_on = forms.DateField(required=False, label=_("Ends on"))
