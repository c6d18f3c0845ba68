"""Gender balance (CSV and XLSX): the figures of the gender balance page
(readiness.selectors.gender.gender_balance, read in the requester's scope and for the unit
the page was filtered on), per UN gender category: women, people and share among the people
deployed now and among those ready to deploy, the UN target for the year, and the status.

Who: registrars and administrators; a commander for a unit within their units (with those
under them), or the one they asked for their whole scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from personnel.models import Unit
from readiness.selectors.gender import GenderBalance, gender_balance
from reports.builders.parameters import (
    in_language,
    requester_parameters,
    scope_user,
    unit_in_scope,
    unit_report_covers,
)
from reports.builders.tables import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    csv_bytes,
    xlsx_bytes,
)
from reports.models import ReportFormat, ReportKindCode

from .base import BuiltReport, Progress, ReportKind, register

if TYPE_CHECKING:
    from accounts.models import User

SCOPE_PARAMETERS = ((gettext_lazy("Unit"), Unit, "unit"),)


def header() -> list[str]:
    return [
        _("UN category"),
        _("UN target (%)"),
        _("Target year"),
        _("Deployed now: women"),
        _("Deployed now: people"),
        _("Deployed now: share of women (%)"),
        _("Deployed now: status"),
        _("Ready to deploy: women"),
        _("Ready to deploy: people"),
        _("Ready to deploy: share of women (%)"),
        _("Ready to deploy: status"),
    ]


def rows(balance: GenderBalance) -> list[list[Any]]:
    return [
        [
            row.label,
            row.target.percent if row.target else None,
            row.target.year if row.target else None,
            row.deployed.women,
            row.deployed.total,
            row.deployed.percent,
            row.deployed.status_label,
            row.ready.women,
            row.ready.total,
            row.ready.percent,
            row.ready.status_label,
        ]
        for row in balance.rows
    ]


@register
class GenderBalanceReport(ReportKind):
    code = ReportKindCode.GENDER_BALANCE
    formats = (
        ReportFormat.CSV,
        ReportFormat.XLSX,
    )

    def clean(self, user: User, data: Mapping[str, Any]) -> dict[str, Any]:
        unit = unit_in_scope(user, data)
        parameters = {"unit": unit.pk if unit else None, **requester_parameters(user)}
        if not self.covers(user, parameters):
            raise PermissionDenied
        return parameters

    def covers(self, user: User, parameters: Mapping[str, Any]) -> bool:
        return unit_report_covers(user, parameters)

    def title(self, parameters: Mapping[str, Any]) -> str:
        unit = None
        if parameters.get("unit") is not None:
            unit = Unit.objects.filter(pk=parameters["unit"]).values_list("code", flat=True)
            unit = next(iter(unit), None)
        if unit:
            return _("Gender balance: %(unit)s") % {"unit": unit}
        return _("Gender balance")

    def describe(self, parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
        described = []
        for label, model, key in SCOPE_PARAMETERS:
            if parameters.get(key) is not None:
                names = model.objects.filter(pk=parameters[key])
                described += [(str(label), str(found)) for found in names]
        if parameters.get("unit") is None:
            described.insert(0, (_("Unit"), _("all the requester's units")))
        return described

    def source_url(self, parameters: Mapping[str, Any]) -> str:
        url = reverse("readiness:gender_balance")
        if parameters.get("unit") is not None:
            url += "?" + urlencode({"unit": parameters["unit"]})
        return url

    def build(
        self, parameters: Mapping[str, Any], format: ReportFormat, progress: Progress
    ) -> BuiltReport:
        today = timezone.localdate()
        unit = Unit.objects.get(pk=parameters["unit"]) if parameters.get("unit") else None
        with in_language(parameters):
            balance = gender_balance(user=scope_user(parameters), today=today, unit=unit)
            progress(1, 2)
            if format == ReportFormat.CSV:
                content, content_type = csv_bytes(header(), rows(balance)), CSV_CONTENT_TYPE
            else:
                content = xlsx_bytes(_("Gender balance"), header(), rows(balance))
                content_type = XLSX_CONTENT_TYPE
        progress(2, 2)
        scope = unit.code if unit else "all"
        return BuiltReport(
            filename=get_valid_filename(f"gender-balance-{scope}-{today.isoformat()}.{format}"),
            content=content,
            content_type=content_type,
        )
