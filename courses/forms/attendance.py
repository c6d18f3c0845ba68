"""The attendance register's form: one course day's marks, a field "m-<enrolment>" per
trainee, and a hidden `seen` (courses/forms/records.py). The template draws the inputs; the
form parses and validates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.forms.records import STALE_PAGE, seen_json, seen_load
from courses.models import Attendance, Enrolment
from courses.services.records import Conflict, attendance_key

BULK_ALL_PRESENT = "all_present"
BULK_SELECTED = "selected"


@dataclass
class MarkRow:
    """What the day's table draws for one trainee."""

    enrolment: Enrolment
    name: str  # the field's name
    value: str  # the mark to show checked ("" for none)
    saved: str  # the mark stored now
    errors: list[str]
    conflict: Conflict | None = None


class AttendanceDayForm(forms.Form):
    """One course day: a mark per seated trainee, and the bulk actions. Without JavaScript
    the bulk buttons post the form: the marks they set are saved with the others."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    bulk = forms.ChoiceField(
        required=False,
        choices=[
            ("", ""),
            (BULK_ALL_PRESENT, gettext_lazy("Mark everyone present")),
            (BULK_SELECTED, gettext_lazy("Mark the selected trainees")),
        ],
    )
    bulk_status = forms.ChoiceField(
        label=gettext_lazy("Mark selected as"),
        required=False,
        choices=[("", "—"), *Attendance.Status.choices],
    )
    selected = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, enrolments: list[Enrolment], marks: Mapping[int, str], **kwargs):
        """`marks`: the marks stored now by enrolment id, shown and carried as `seen` when
        the form is not bound."""
        self.enrolments = enrolments
        self.saved = dict(marks)
        kwargs.setdefault(
            "initial",
            {
                "seen": seen_json({str(pk): mark for pk, mark in marks.items() if mark}),
                **{attendance_key(pk): mark for pk, mark in marks.items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(e.pk, str(e.person)) for e in enrolments]
        for enrolment in enrolments:
            self.fields[attendance_key(enrolment.pk)] = forms.ChoiceField(
                required=False,
                choices=[("", "—"), *Attendance.Status.choices],
                error_messages={
                    "invalid_choice": _(
                        "%(person)s: “%%(value)s” is not an attendance mark; choose present, "
                        "absent or excused."
                    )
                    % {"person": enrolment.person}
                },
            )

    def clean_seen(self) -> dict[int, str]:
        try:
            return {int(pk): mark for pk, mark in seen_load(self.cleaned_data["seen"]).items()}
        except ValueError as error:
            raise ValidationError(STALE_PAGE, code="seen") from error

    def clean(self):
        data = super().clean()
        bulk, status, selected = data.get("bulk"), data.get("bulk_status"), data.get("selected")
        if bulk == BULK_SELECTED and not selected:
            self.add_error(
                "selected", _("Tick the trainees to mark first, then choose their mark.")
            )
        elif bulk == BULK_SELECTED and not status:
            self.add_error("bulk_status", _("Choose the mark to give the selected trainees."))
        return data

    def marks(self) -> dict[int, str]:
        """The marks submitted by enrolment id, with the bulk action applied."""
        data = self.cleaned_data
        marks = {e.pk: data.get(attendance_key(e.pk)) or "" for e in self.enrolments}
        if data.get("bulk") == BULK_ALL_PRESENT:
            marks = dict.fromkeys(marks, Attendance.Status.PRESENT.value)
        elif data.get("bulk") == BULK_SELECTED:
            for pk in data.get("selected") or []:
                marks[pk] = data["bulk_status"]
        return marks

    def seen_marks(self) -> dict[int, str]:
        return self.cleaned_data.get("seen") or {}

    def rebased(self, *, marks: Mapping[int, str], conflicts: list[Conflict]) -> AttendanceDayForm:
        """After a stale save: a form showing the marks stored now (`marks`), except where
        this user changed a mark, which keeps their choice; `seen` becomes the current marks,
        so saving again applies the user's marks over what is saved now."""
        yours, seen = self.marks(), self.seen_marks()
        data = {
            "seen": seen_json({str(pk): mark for pk, mark in marks.items() if mark}),
            **{
                attendance_key(pk): yours[pk] if yours.get(pk, "") != seen.get(pk, "") else mark
                for pk, mark in marks.items()
            },
        }
        form = AttendanceDayForm(data, enrolments=self.enrolments, marks=marks)
        form.conflicts = {conflict.enrolment.pk: conflict for conflict in conflicts}
        form.is_valid()
        return form

    def rows(self) -> list[MarkRow]:
        conflicts = getattr(self, "conflicts", {})
        rows = []
        for enrolment in self.enrolments:
            name = attendance_key(enrolment.pk)
            value = self[name].value() or ""
            rows.append(
                MarkRow(
                    enrolment=enrolment,
                    name=name,
                    value=value if value in Attendance.Status.values else "",
                    saved=self.saved.get(enrolment.pk, ""),
                    errors=list(self.errors.get(name, [])) if self.is_bound else [],
                    conflict=conflicts.get(enrolment.pk),
                )
            )
        return rows

    def seen_value(self) -> str:
        return self["seen"].value() or ""
