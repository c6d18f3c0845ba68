"""The nominal roll of a contingent (XLSX, PDF): what a troop contributor sends ahead of a
rotation. One row per member holding a post: post (role), rank, names, service number,
gender, date of birth, nationality, the passport valid longest (number and expiry) and the
readiness verdict of the deployability engine over the tour. Formula-safe: the XLSX is
written by common.spreadsheets (every cell through its formula guard).

Who: as the contingent readiness report (contingent_readiness.py): registrars and
administrators; a commander whose units hold the contingent's unit, for the reports they
asked for themselves. The members are those the requester's contingent page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from personnel.models import Passport
from reports.builders.parameters import in_language, scope_user
from reports.builders.pdf import PDF_CONTENT_TYPE, render_pdf
from reports.builders.tables import XLSX_CONTENT_TYPE, xlsx_bytes
from reports.models import ReportFormat, ReportKindCode

from .base import BuiltReport, Progress, register
from .contingent_readiness import (
    ContingentReadiness,
    ContingentReadinessReport,
    MemberRow,
    contingent_readiness,
)

if TYPE_CHECKING:
    import datetime as dt

TEMPLATE = "reports/pdf/nominal_roll.html"


@dataclass
class RollRow:
    member: MemberRow
    passport: Passport | None

    @property
    def person(self):
        return self.member.deployment.person


@dataclass
class NominalRoll:
    report: ContingentReadiness
    rows: list[RollRow]


def nominal_roll(*, user, pk: int, today: dt.date, progress: Progress | None = None) -> NominalRoll:
    """The roll in `user`'s scope: the contingent readiness report's members, by post, then
    seniority and name, each with the passport valid longest (one query for all of them)."""
    report = contingent_readiness(user=user, pk=pk, today=today, progress=progress)
    ids = [row.deployment.person_id for row in report.rows]
    passports: dict[int, Passport] = {}
    for passport in Passport.objects.filter(person_id__in=ids).order_by(
        "person_id", "-valid_until", "-issued_on", "-pk"
    ):
        passports.setdefault(passport.person_id, passport)
    rows = sorted(
        (
            RollRow(member=row, passport=passports.get(row.deployment.person_id))
            for row in report.rows
        ),
        key=lambda r: (
            r.member.deployment.role.name,
            -(r.person.rank.seniority if r.person.rank_id else 0),
            r.person.search_text,
            r.person.pk,
        ),
    )
    return NominalRoll(report=report, rows=rows)


def roll_header() -> list[str]:
    return [
        _("Post"),
        _("Rank"),
        _("Last name"),
        _("First name"),
        _("Middle name"),
        _("Service number"),
        _("Gender"),
        _("Date of birth"),
        _("Nationality"),
        _("Passport number"),
        _("Passport valid until"),
        _("Readiness"),
    ]


def roll_cells(row: RollRow) -> list[Any]:
    person = row.person
    return [
        row.member.deployment.role.name,
        str(person.rank) if person.rank_id else "",
        person.last_name,
        person.first_name,
        person.middle_name,
        person.service_number,
        person.get_gender_display(),
        person.date_of_birth,
        person.nationality.name if person.nationality else "",
        row.passport.document_number if row.passport else "",
        row.passport.valid_until if row.passport else None,
        row.member.standing_label,
    ]


@register
class NominalRollReport(ContingentReadinessReport):
    code = ReportKindCode.NOMINAL_ROLL
    formats = (ReportFormat.XLSX, ReportFormat.PDF)

    def title(self, parameters: Mapping[str, Any]) -> str:
        from readiness.models import Contingent

        found = (
            Contingent.objects.select_related("mission").filter(pk=parameters["contingent"]).first()
        )
        if found is None:
            return _("Nominal roll")
        return _("Nominal roll: %(name)s, %(mission)s, rotation %(rotation)s") % {
            "name": found.name,
            "mission": found.mission.acronym,
            "rotation": found.rotation,
        }

    def build(
        self, parameters: Mapping[str, Any], format: ReportFormat, progress: Progress
    ) -> BuiltReport:
        today = timezone.localdate()
        with in_language(parameters):
            roll = nominal_roll(
                user=scope_user(parameters),
                pk=parameters["contingent"],
                today=today,
                progress=progress,
            )
            contingent = roll.report.contingent
            if format == ReportFormat.PDF:
                content = render_pdf(
                    TEMPLATE,
                    {
                        "title": self.title(parameters),
                        "roll": roll,
                        "report": roll.report,
                        "contingent": contingent,
                        "mission": contingent.mission,
                        "header": roll_header(),
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
                content = xlsx_bytes(
                    f"{contingent.unit.code} r{contingent.rotation}",
                    roll_header(),
                    (roll_cells(row) for row in roll.rows),
                )
                content_type = XLSX_CONTENT_TYPE
        progress(1, 1)
        filename = get_valid_filename(
            f"nominal-roll-{contingent.unit.code}-{contingent.mission.acronym}"
            f"-r{contingent.rotation}-{today.isoformat()}.{format}"
        )
        return BuiltReport(filename=filename, content=content, content_type=content_type)
