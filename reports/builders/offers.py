"""What a page needs to offer a report (templates/reports/_request_button.html, once per
format): the kind, its formats and the page's parameters, or None when the user could not
request it, so the button is shown only to those the request would not refuse."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from reports.kinds import kind_for

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class ReportOffer:
    kind: str
    formats: tuple[str, ...]
    params: dict[str, Any]  # what the button posts (blank values are left out)


def report_offer(*, user: User, kind: str, params: Mapping[str, Any]) -> ReportOffer | None:
    """The offer of report `kind` with the page's `params`, when `user` may request it (the
    kind's `covers`, for a request of their own)."""
    report_kind = kind_for(kind)
    if not report_kind.covers(user, {**params, "scope_user": user.pk}):
        return None
    return ReportOffer(kind=kind, formats=tuple(report_kind.formats), params=dict(params))
