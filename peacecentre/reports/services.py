"""Report requests: asking for one, building it in a worker, removing old files."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .kinds import REPORT_KINDS
from .models import ReportRequest

if TYPE_CHECKING:
    from peacecentre.models import User


def report_request(*, user: User, data: Mapping[str, Any]) -> ReportRequest:
    """Record a request for the report `data` names (`kind`, `format` and the kind's
    parameters) and queue its build once the transaction commits. Raises ValidationError for
    an unknown kind or format or bad parameters, PermissionDenied outside the user's scope."""
    kind = REPORT_KINDS.get(str(data.get("kind", "")))
    if kind is None:
        raise ValidationError(_("Unknown report kind."), code="unknown_kind")
    fmt = str(data.get("format", ""))
    if fmt not in kind.formats:
        raise ValidationError(
            _("This report comes as %(formats)s, not %(format)s.")
            % {"formats": ", ".join(f.upper() for f in kind.formats), "format": fmt.upper() or "?"},
            code="unknown_format",
        )
    parameters = kind.clean(user, data)
    if not kind.covers(user, parameters):
        raise PermissionDenied
    request = ReportRequest.objects.create(
        kind=kind.code,
        format=fmt,
        parameters=parameters,
        title=kind.title(parameters)[:255],
        requested_by=user,
    )
    from .tasks import build_report

    transaction.on_commit(lambda: build_report.delay(request.pk))
    return request
