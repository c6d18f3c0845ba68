"""Forms of the attendance register (one course day) and the gradebook (the whole grid).

Each cell is a field named after its enrolment (and component): "m-<enrolment>" for a mark,
"s-<enrolment>-<component>" for a score. A hidden field `seen` carries what the page showed,
so the service can tell the cells the user changed from the ones someone else changed
meanwhile. The templates draw the inputs themselves (a grid of 900 cells renders faster and
reads better by hand than through 900 widget templates); the forms parse and validate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import AssessmentComponent, Attendance, Enrolment
from courses.selectors.standings import CohortStandings
from courses.services.gradebook import (
    Cell,
    Conflict,
    attendance_key,
    plain,
    score_cell,
    score_key,
    score_problem,
)

STALE_PAGE = gettext_lazy(
    "The page's record of the values it showed could not be read back; nothing was saved. "
    "Reload the page and enter your changes again."
)


def _seen_json(values: Mapping[str, str]) -> str:
    return json.dumps(values, separators=(",", ":"), sort_keys=True)


def _load_seen(text: str) -> dict[str, str]:
    try:
        values = json.loads(text or "{}")
    except ValueError as error:
        raise ValidationError(STALE_PAGE, code="seen") from error
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in values.items()
    ):
        raise ValidationError(STALE_PAGE, code="seen")
    return values


# -- attendance -----------------------------------------------------------------------------

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
                "seen": _seen_json({str(pk): mark for pk, mark in marks.items() if mark}),
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
            return {int(pk): mark for pk, mark in _load_seen(self.cleaned_data["seen"]).items()}
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
            "seen": _seen_json({str(pk): mark for pk, mark in marks.items() if mark}),
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


# -- gradebook ------------------------------------------------------------------------------


class ScoreField(forms.Field):
    """A score of one component for one trainee: empty (no score) or a number within the
    component's range with at most two decimals; a comma is read as the decimal point.
    Every message names the cell."""

    def __init__(self, *, component: AssessmentComponent, cell: str, **kwargs):
        self.component, self.cell = component, cell
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> Decimal | None:
        text = (value or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            score = Decimal(text)
        except InvalidOperation:
            score = None
        if score is None or not score.is_finite():
            raise ValidationError(
                _("%(cell)s: “%(value)s” is not a number.") % {"cell": self.cell, "value": value},
                code="invalid",
            )
        return score

    def validate(self, value: Decimal | None) -> None:
        if value is not None and (problem := score_problem(component=self.component, score=value)):
            raise ValidationError(f"{self.cell}: {problem}", code="range")


@dataclass
class ScoreCell:
    """What the grid draws for one cell."""

    name: str
    label: str  # "Abenov Arman (KZ-1234), Written exam"
    component: AssessmentComponent
    value: str  # as typed, or the score saved
    saved: str  # the score stored when the page was drawn ("" for none)
    errors: list[str]
    conflict: Conflict | None = None

    @property
    def problems(self) -> list[str]:
        """The errors without the cell's name, to show on the cell itself."""
        return [message.removeprefix(f"{self.label}: ") for message in self.errors]


def _seen_scores(standings: CohortStandings) -> dict[str, str]:
    return {
        f"{trainee.enrolment.pk}-{component_id}": plain(result.score)
        for trainee in standings.trainees
        for component_id, result in trainee.results.items()
    }


class GradebookForm(forms.Form):
    """Every cell of the gradebook: seated trainees by the course's components."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, standings: CohortStandings, **kwargs):
        self.standings = standings
        kwargs.setdefault(
            "initial",
            {
                "seen": _seen_json(_seen_scores(standings)),
                **{
                    score_key(trainee.enrolment.pk, component_id): plain(result.score)
                    for trainee in standings.trainees
                    for component_id, result in trainee.results.items()
                },
            },
        )
        super().__init__(*args, **kwargs)
        for trainee in standings.trainees:
            for component in standings.components:
                self.fields[score_key(trainee.enrolment.pk, component.pk)] = ScoreField(
                    component=component, cell=score_cell(trainee.enrolment, component)
                )

    def clean_seen(self) -> dict[Cell, Decimal | None]:
        seen = {}
        try:
            for key, value in _load_seen(self.cleaned_data["seen"]).items():
                enrolment_id, component_id = key.split("-")
                seen[int(enrolment_id), int(component_id)] = Decimal(value)
        except (ValueError, InvalidOperation) as error:
            raise ValidationError(STALE_PAGE, code="seen") from error
        return seen

    def scores(self) -> dict[Cell, Decimal | None]:
        """The submitted score of every cell, by (enrolment id, component id)."""
        return {
            (trainee.enrolment.pk, component.pk): self.cleaned_data.get(
                score_key(trainee.enrolment.pk, component.pk)
            )
            for trainee in self.standings.trainees
            for component in self.standings.components
        }

    def seen_scores(self) -> dict[Cell, Decimal | None]:
        return self.cleaned_data.get("seen") or {}

    def cell_errors(self) -> list[str]:
        """Every cell's error, in grid order (row by row), for the list above the grid."""
        return [
            message
            for name in self.fields
            if name != "seen"
            for message in self.errors.get(name, [])
        ]

    def rebased(self, *, standings: CohortStandings, conflicts: list[Conflict]) -> GradebookForm:
        """After a stale save: a form on the scores stored now (`standings`) that keeps the
        user's value where they changed a cell; `seen` becomes what is stored now."""
        yours, seen = self.scores(), self.seen_scores()
        current = {
            (trainee.enrolment.pk, component_id): result.score
            for trainee in standings.trainees
            for component_id, result in trainee.results.items()
        }
        data = {"seen": _seen_json(_seen_scores(standings))}
        for trainee in standings.trainees:
            for component in standings.components:
                cell = (trainee.enrolment.pk, component.pk)
                name = score_key(*cell)
                changed = cell in yours and yours[cell] != seen.get(cell)
                if changed:
                    data[name] = self.data.get(name, "")
                elif cell in current:
                    data[name] = plain(current[cell])
        form = GradebookForm(data, standings=standings)
        form.conflicts = {conflict.key: conflict for conflict in conflicts}
        form.is_valid()
        return form

    def rows(self) -> list[tuple[object, list[ScoreCell]]]:
        """(trainee standing, cells in component order) per trainee, for the template."""
        conflicts = getattr(self, "conflicts", {})
        rows = []
        for trainee in self.standings.trainees:
            cells = []
            for component in self.standings.components:
                name = score_key(trainee.enrolment.pk, component.pk)
                result = trainee.results.get(component.pk)
                cells.append(
                    ScoreCell(
                        name=name,
                        label=score_cell(trainee.enrolment, component),
                        component=component,
                        value=str(self[name].value() or ""),
                        saved=plain(result.score) if result else "",
                        errors=list(self.errors.get(name, [])) if self.is_bound else [],
                        conflict=conflicts.get(name),
                    )
                )
            rows.append((trainee, cells))
        return rows

    def seen_value(self) -> str:
        return self["seen"].value() or ""
