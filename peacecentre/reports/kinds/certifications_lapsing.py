"""Report kind certifications_lapsing: placeholder, to be built (issue 6)."""

from peacecentre.reports.models import ReportFormat, ReportKindCode

from .base import ReportKind, register


@register
class CertificationsLapsingReport(ReportKind):
    code = ReportKindCode.CERTIFICATIONS_LAPSING
    formats = (ReportFormat.XLSX,)
