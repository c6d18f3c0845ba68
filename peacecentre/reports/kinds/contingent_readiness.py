"""Report kind contingent_readiness: placeholder, to be built (issue 6)."""

from peacecentre.reports.models import ReportFormat, ReportKindCode

from .base import ReportKind, register


@register
class ContingentReadinessReport(ReportKind):
    code = ReportKindCode.CONTINGENT_READINESS
    formats = (ReportFormat.PDF,)
