"""Report kind gender_balance: placeholder, to be built (issue 6)."""

from peacecentre.reports.models import ReportFormat, ReportKindCode

from .base import ReportKind, register


@register
class GenderBalanceReport(ReportKind):
    code = ReportKindCode.GENDER_BALANCE
    formats = (
        ReportFormat.CSV,
        ReportFormat.XLSX,
    )
