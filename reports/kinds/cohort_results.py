"""Cohort results (XLSX and PDF): each seated trainee of a cohort with every component's
score, the weighted total, the attendance share, the standing (passed, failed or undecided,
with the reasons) and the number of the certificate the cohort issued them. Read with
courses.selectors.standings.cohort_standings, as the gradebook page is, so the two cannot
disagree.

Who: registrars and administrators, and the cohort's instructors: the people who may open the
cohort's pages. Commanders may not open cohorts (their trainees' results are on each person's
page), so they are not covered either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.formatting import number
from courses.models import Certification, Cohort
from courses.scope import cohorts_for
from courses.selectors.standings import CohortStandings, TraineeStanding, cohort_standings
from reports.builders.parameters import (
    in_language,
    object_param,
    requester_parameters,
)
from reports.builders.pdf import PDF_CONTENT_TYPE, render_pdf
from reports.builders.tables import XLSX_CONTENT_TYPE, xlsx_bytes
from reports.models import ReportFormat, ReportKindCode

from .base import BuiltReport, Progress, ReportKind, register

if TYPE_CHECKING:
    from accounts.models import User

TEMPLATE = "reports/pdf/cohort_results.html"

STANDING_LABELS = {
    True: gettext_lazy("passed"),
    False: gettext_lazy("failed"),
    None: gettext_lazy("undecided"),
}


@dataclass
class ResultRow:
    trainee: TraineeStanding
    scores: list[Decimal | None]  # in the components' order
    certificate: str  # the number, "" when none was issued (or it was revoked)

    @property
    def standing_label(self) -> str:
        return str(STANDING_LABELS[self.trainee.standing.passed])

    @property
    def reasons(self) -> str:
        return " ".join(self.trainee.standing.reasons)


@dataclass
class CohortResults:
    standings: CohortStandings
    rows: list[ResultRow]

    @property
    def cohort(self) -> Cohort:
        return self.standings.cohort


def cohort_results(*, pk: int, progress: Progress | None = None) -> CohortResults:
    """The results of cohort `pk`. Six queries, however many trainees and components.
    Raises Cohort.DoesNotExist."""
    cohort = Cohort.objects.select_related("course").get(pk=pk)
    standings = cohort_standings(cohort=cohort)
    certificates = dict(
        Certification.objects.filter(cohort=cohort)
        .unrevoked()
        .order_by("issued_on", "pk")
        .values_list("person_id", "number")
    )  # the newest one last, so it wins
    rows = []
    total = len(standings.trainees) or 1
    for index, trainee in enumerate(standings.trainees, start=1):
        rows.append(
            ResultRow(
                trainee=trainee,
                scores=[trainee.scores.get(c.pk) for c in standings.components],
                certificate=certificates.get(trainee.person.pk, ""),
            )
        )
        if progress and index % 100 == 0:
            progress(index, total)
    return CohortResults(standings=standings, rows=rows)


def results_header(results: CohortResults) -> list[str]:
    return [
        _("Person"),
        _("Service number"),
        _("Unit"),
        *(
            _("%(component)s (%(min)s-%(max)s, weight %(weight)s)")
            % {
                "component": c.name,
                "min": number(c.min_score),
                "max": number(c.max_score),
                "weight": number(c.weight),
            }
            for c in results.standings.components
        ),
        _("Weighted total"),
        _("Attendance (%)"),
        _("Standing"),
        _("Reasons"),
        _("Certificate number"),
    ]


def results_rows(results: CohortResults) -> list[list[Any]]:
    return [
        [
            row.trainee.person.rank_and_name,
            row.trainee.person.service_number,
            row.trainee.person.unit.code if row.trainee.person.unit else "",
            *row.scores,
            row.trainee.standing.total,
            row.trainee.standing.attendance,
            row.standing_label,
            row.reasons,
            row.certificate,
        ]
        for row in results.rows
    ]


@register
class CohortResultsReport(ReportKind):
    code = ReportKindCode.COHORT_RESULTS
    formats = (
        ReportFormat.XLSX,
        ReportFormat.PDF,
    )

    def clean(self, user: User, data: Mapping[str, Any]) -> dict[str, Any]:
        cohort = object_param(
            data, "cohort", queryset=Cohort.objects.all(), label=_("Cohort"), required=True
        )
        parameters = {"cohort": cohort.pk, **requester_parameters(user)}
        if not self.covers(user, parameters):
            raise PermissionDenied
        return parameters

    def covers(self, user: User, parameters: Mapping[str, Any]) -> bool:
        return cohorts_for(user).filter(pk=parameters.get("cohort")).exists()

    def title(self, parameters: Mapping[str, Any]) -> str:
        cohort = Cohort.objects.select_related("course").filter(pk=parameters["cohort"]).first()
        if cohort is None:
            return _("Cohort results")
        return _("Cohort results: %(code)s, %(course)s") % {
            "code": cohort.code,
            "course": cohort.course.title,
        }

    def describe(self, parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
        found = Cohort.objects.select_related("course").filter(pk=parameters.get("cohort"))
        return [(_("Cohort"), f"{c.code}, {c.course.title}") for c in found]

    def source_url(self, parameters: Mapping[str, Any]) -> str:
        return reverse("courses:cohort_detail", args=[parameters["cohort"]])

    def build(
        self, parameters: Mapping[str, Any], format: ReportFormat, progress: Progress
    ) -> BuiltReport:
        today = timezone.localdate()
        with in_language(parameters):
            results = cohort_results(pk=parameters["cohort"], progress=progress)
            cohort = results.cohort
            if format == ReportFormat.PDF:
                content = render_pdf(
                    TEMPLATE,
                    {
                        "title": self.title(parameters),
                        "results": results,
                        "cohort": cohort,
                        "generated_on": today,
                        "requested_by": parameters.get("requested_by", ""),
                    },
                    footer=_("Generated on %(day)s for %(name)s")
                    % {
                        "day": formats.date_format(today, "SHORT_DATE_FORMAT"),
                        "name": parameters.get("requested_by", ""),
                    },
                )
                content_type = PDF_CONTENT_TYPE
            else:
                content = xlsx_bytes(cohort.code, results_header(results), results_rows(results))
                content_type = XLSX_CONTENT_TYPE
        progress(1, 1)
        filename = get_valid_filename(f"results-{cohort.code}-{today.isoformat()}.{format}")
        return BuiltReport(filename=filename, content=content, content_type=content_type)
