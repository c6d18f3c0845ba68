"""Report kind readiness_matrix: placeholder, to be built (issue 6)."""

from peacecentre.reports.models import ReportFormat, ReportKindCode

from .base import ReportKind, register


@register
class ReadinessMatrixReport(ReportKind):
    code = ReportKindCode.READINESS_MATRIX
    formats = (ReportFormat.XLSX,)
