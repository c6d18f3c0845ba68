"""Contingent readiness (PDF, fit to hand to an assessment visit): a contingent's mission,
rotation, partner, unit and planned strength; its roster, each member judged by the
deployability engine for their deployment's role over the tour window, with what is missing
and why; the totals and the share of women; the level of the unit's PCRS pledge and the
results per area of its latest assessment visit; when it was made and for whom.

Who: registrars and administrators; a commander whose units (with those under them) hold the
contingent's unit. The roster is the one the requester's contingent page shows
(readiness.selectors.missions.contingent_page in their scope), so a commander's report holds
their own people; a commander may download only the reports they asked for themselves, as
someone else's may hold people outside their units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role, has_role, sees_everything
from personnel.scope import commanded_units
from readiness.deployability import PersonReadiness, Verdict, deployability
from readiness.models import (
    Contingent,
    Deployment,
    PCRSLevel,
    PCRSPledge,
    RequirementProfile,
    UnitReadinessAssessment,
)
from readiness.selectors.missions import SERVING, ContingentPage, contingent_page
from readiness.selectors.units import unit_assessments
from reports.builders.parameters import (
    in_language,
    object_param,
    requester_parameters,
    scope_user,
)
from reports.builders.pdf import PDF_CONTENT_TYPE, render_pdf
from reports.models import ReportFormat, ReportKindCode

from .base import BuiltReport, Progress, ReportKind, register

if TYPE_CHECKING:
    from accounts.models import User

TEMPLATE = "reports/pdf/contingent_readiness.html"

STANDING_LABELS = {
    "ready": gettext_lazy("ready"),
    "lapsing": gettext_lazy("ready, lapsing"),
    "not_ready": gettext_lazy("not ready"),
}


@dataclass
class MemberRow:
    deployment: Deployment
    readiness: PersonReadiness

    @property
    def standing(self) -> str:
        """A STANDING_LABELS key."""
        if not self.readiness.ready:
            return "not_ready"
        return "lapsing" if self.readiness.verdict == Verdict.LAPSING else "ready"

    @property
    def standing_label(self) -> str:
        return str(STANDING_LABELS[self.standing])

    @property
    def findings(self) -> list[tuple[str, str, str]]:
        """What is not met, then what lapses: (verdict, requirement, the engine's reason)."""
        checks = self.readiness.gaps + [
            c for c in self.readiness.checks if c.verdict == Verdict.LAPSING
        ]
        return [(str(c.verdict), c.requirement.label, c.reason or c.verdict.label) for c in checks]


@dataclass
class ContingentReadiness:
    page: ContingentPage
    on: dt.date  # the first day judged (the tour's first day, or today once under way)
    tour_ends_on: dt.date
    rows: list[MemberRow]
    pcrs_level: str  # the level of the unit's PCRS pledge, "" without one
    latest_assessment: UnitReadinessAssessment | None
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def contingent(self) -> Contingent:
        return self.page.contingent

    @property
    def pcrs_label(self) -> str:
        return str(PCRSLevel(self.pcrs_level).label) if self.pcrs_level else ""


def readiness_window(contingent: Contingent, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days judged: from the tour's first day (or today, once the tour is under way, so
    that a record renewed since the start counts) to its last."""
    on = min(max(today, contingent.starts_on), contingent.ends_on)
    return on, contingent.ends_on


def contingent_readiness(
    *, user: User, pk: int, today: dt.date, progress: Progress | None = None
) -> ContingentReadiness:
    """Everything the PDF prints, read in `user`'s scope. The engine runs once per role of
    the roster (people grouped by their deployment's role), so the number of queries does not
    grow with the number of members. Raises Contingent.DoesNotExist."""
    page = contingent_page(user=user, pk=pk)
    contingent = page.contingent
    on, tour_ends_on = readiness_window(contingent, today=today)
    serving = [d for d in page.roster if d.status in SERVING]
    by_role: dict[int, list[Deployment]] = defaultdict(list)
    for deployment in serving:
        by_role[deployment.role_id].append(deployment)
    profiles = RequirementProfile.objects.filter(pk__in=list(by_role)).prefetch_related(
        "required_certifications", "allowed_ranks"
    )
    readiness: dict[tuple[int, int], PersonReadiness] = {}
    done, total = 0, len(serving) or 1
    for profile in profiles:
        deployments = by_role[profile.pk]
        people = list({d.person_id: d.person for d in deployments}.values())
        for person_id, verdict in deployability(
            people=people, profile=profile, on=on, tour_ends_on=tour_ends_on
        ).items():
            readiness[profile.pk, person_id] = verdict
        done += len(deployments)
        if progress:
            progress(done, total)
    rows = [MemberRow(deployment=d, readiness=readiness[d.role_id, d.person_id]) for d in serving]
    assessments = unit_assessments(unit=contingent.unit)
    pledge_level = (
        PCRSPledge.objects.filter(unit_id=contingent.unit_id)
        .values_list("level", flat=True)
        .first()
    )
    totals = {key: sum(1 for r in rows if r.standing == key) for key in STANDING_LABELS}
    return ContingentReadiness(
        page=page,
        on=on,
        tour_ends_on=tour_ends_on,
        rows=rows,
        pcrs_level=pledge_level or "",
        latest_assessment=assessments[-1] if assessments else None,
        totals=totals,
    )


@register
class ContingentReadinessReport(ReportKind):
    code = ReportKindCode.CONTINGENT_READINESS
    formats = (ReportFormat.PDF,)

    def clean(self, user: User, data: Mapping[str, Any]) -> dict[str, Any]:
        contingent = object_param(
            data,
            "contingent",
            queryset=Contingent.objects.all(),
            label=_("Contingent"),
            required=True,
        )
        parameters = {"contingent": contingent.pk, **requester_parameters(user)}
        if not self.covers(user, parameters):
            raise PermissionDenied
        return parameters

    def covers(self, user: User, parameters: Mapping[str, Any]) -> bool:
        if sees_everything(user):
            return True
        if not has_role(user, Role.COMMANDER) or parameters.get("scope_user") != user.pk:
            return False
        return Contingent.objects.filter(
            pk=parameters.get("contingent"), unit__in=commanded_units(user)
        ).exists()

    def title(self, parameters: Mapping[str, Any]) -> str:
        contingent = Contingent.objects.select_related("mission").filter(
            pk=parameters["contingent"]
        )
        found = contingent.first()
        if found is None:
            return _("Contingent readiness")
        return _("Contingent readiness: %(name)s, %(mission)s, rotation %(rotation)s") % {
            "name": found.name,
            "mission": found.mission.acronym,
            "rotation": found.rotation,
        }

    def describe(self, parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
        found = Contingent.objects.select_related("mission", "unit").filter(
            pk=parameters.get("contingent")
        )
        return [(_("Contingent"), str(c)) for c in found] + [
            (_("Unit"), f"{c.unit.code} {c.unit.name}") for c in found
        ]

    def source_url(self, parameters: Mapping[str, Any]) -> str:
        return reverse("readiness:contingent_detail", args=[parameters["contingent"]])

    def build(
        self, parameters: Mapping[str, Any], format: ReportFormat, progress: Progress
    ) -> BuiltReport:
        today = timezone.localdate()
        with in_language(parameters):
            report = contingent_readiness(
                user=scope_user(parameters),
                pk=parameters["contingent"],
                today=today,
                progress=progress,
            )
            contingent = report.contingent
            generated = formats.date_format(today, "SHORT_DATE_FORMAT")
            content = render_pdf(
                TEMPLATE,
                {
                    "title": self.title(parameters),
                    "report": report,
                    "contingent": contingent,
                    "mission": contingent.mission,
                    "generated_on": today,
                    "requested_by": parameters.get("requested_by", ""),
                    "standing_labels": STANDING_LABELS,
                },
                footer=_("Generated on %(day)s for %(name)s")
                % {"day": generated, "name": parameters.get("requested_by", "")},
            )
        progress(1, 1)
        filename = get_valid_filename(
            f"readiness-{contingent.unit.code}-{contingent.mission.acronym}"
            f"-r{contingent.rotation}-{today.isoformat()}.pdf"
        )
        return BuiltReport(filename=filename, content=content, content_type=PDF_CONTENT_TYPE)
