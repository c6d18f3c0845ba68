"""What the attendance register's and the gradebook's forms share: the hidden `seen` field
that carries what the page showed, so the service can tell the cells the user changed from
the ones someone else changed meanwhile."""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

STALE_PAGE = gettext_lazy(
    "The page's record of the values it showed could not be read back; nothing was saved. "
    "Reload the page and enter your changes again."
)


def seen_json(values: Mapping[str, str]) -> str:
    return json.dumps(values, separators=(",", ":"), sort_keys=True)


def seen_load(text: str) -> dict[str, str]:
    try:
        values = json.loads(text or "{}")
    except ValueError as error:
        raise ValidationError(STALE_PAGE, code="seen") from error
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in values.items()
    ):
        raise ValidationError(STALE_PAGE, code="seen")
    return values
