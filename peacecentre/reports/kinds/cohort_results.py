"""Report kind cohort_results: placeholder, to be built (issue 6)."""

from peacecentre.reports.models import ReportFormat, ReportKindCode

from .base import ReportKind, register


@register
class CohortResultsReport(ReportKind):
    code = ReportKindCode.COHORT_RESULTS
    formats = (
        ReportFormat.XLSX,
        ReportFormat.PDF,
    )
