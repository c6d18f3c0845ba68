"""What every report kind answers: its parameters, who it covers, and how it is built.

A kind is a subclass of ReportKind registered with @register; its `code` is a ReportKindCode.
Pages that offer a report post to `reports:request` (templates/reports/_request_button.html)
with `kind`, `format` and the kind's parameters; the service `report_request` cleans them with
`clean` (which refuses what the user's scope does not cover), stores them as JSON, and the
task calls `build` in a worker. `covers` is asked again before every download, so a user whose
scope changed since cannot download what they no longer cover.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from reports.models import ReportFormat, ReportKindCode

if TYPE_CHECKING:
    from accounts.models import User

# progress(done, total): the builder calls it as it goes; the task turns it into a percentage
# and writes it (throttled) to the request row, which the report page polls.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BuiltReport:
    filename: str  # what the browser saves, e.g. "readiness-KAZBAT-UNMO-2026-12-04.xlsx"
    content: bytes
    content_type: str


class ReportKind:
    code: ClassVar[ReportKindCode]
    formats: ClassVar[tuple[ReportFormat, ...]]

    def clean(self, user: User, data: Mapping[str, Any]) -> dict[str, Any]:
        """The JSON-able parameters of a request from `data` (a POST or a dict). Raises
        django.core.exceptions.ValidationError naming what is wrong, or PermissionDenied
        when the user's scope does not cover what they asked for."""
        raise NotImplementedError

    def covers(self, user: User, parameters: Mapping[str, Any]) -> bool:
        """Whether `user` may have this report (asked at request and at every download)."""
        raise NotImplementedError

    def title(self, parameters: Mapping[str, Any]) -> str:
        """A human title, e.g. "Readiness matrix: KAZBAT, UN Military Observer"."""
        raise NotImplementedError

    def describe(self, parameters: Mapping[str, Any]) -> list[tuple[str, str]]:
        """The parameters in words for the report's page, as (label, value) pairs. The default
        lists them as stored; a kind overrides it with names a user reads."""
        return [
            (str(key), str(value)) for key, value in parameters.items() if value not in ("", None)
        ]

    def source_url(self, parameters: Mapping[str, Any]) -> str:
        """The page the report belongs to (linked from the report's page)."""
        raise NotImplementedError

    def build(
        self, parameters: Mapping[str, Any], format: ReportFormat, progress: Progress
    ) -> BuiltReport:
        """Build the file. Runs in a worker; must be safe to run twice."""
        raise NotImplementedError


REPORT_KINDS: dict[str, ReportKind] = {}


def register(cls: type[ReportKind]) -> type[ReportKind]:
    REPORT_KINDS[cls.code] = cls()
    return cls


def kind_for(code: str) -> ReportKind:
    return REPORT_KINDS[code]
