"""The gradebook's form: the whole grid of scores.

Each cell is a field named after its enrolment (and component): "s-<enrolment>-<component>" for a
score. A hidden field `seen` carries what the page showed,
so the service can tell the cells the user changed from the ones someone else changed
meanwhile. The templates draw the inputs themselves (a grid of 900 cells renders faster and
reads better by hand than through 900 widget templates); the forms parse and validate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.formatting import number_plain
from courses.forms.records import STALE_PAGE, seen_json, seen_load
from courses.models import AssessmentComponent
from courses.selectors.standings import CohortStandings
from courses.services.gradebook import score_cell, score_problem
from courses.services.records import Cell, Conflict, score_key


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
        f"{trainee.enrolment.pk}-{component_id}": number_plain(result.score)
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
                "seen": seen_json(_seen_scores(standings)),
                **{
                    score_key(trainee.enrolment.pk, component_id): number_plain(result.score)
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
            for key, value in seen_load(self.cleaned_data["seen"]).items():
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
        data = {"seen": seen_json(_seen_scores(standings))}
        for trainee in standings.trainees:
            for component in standings.components:
                cell = (trainee.enrolment.pk, component.pk)
                name = score_key(*cell)
                changed = cell in yours and yours[cell] != seen.get(cell)
                if changed:
                    data[name] = self.data.get(name, "")
                elif cell in current:
                    data[name] = number_plain(current[cell])
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
                        saved=number_plain(result.score) if result else "",
                        errors=list(self.errors.get(name, [])) if self.is_bound else [],
                        conflict=conflicts.get(name),
                    )
                )
            rows.append((trainee, cells))
        return rows

    def seen_value(self) -> str:
        return self["seen"].value() or ""
