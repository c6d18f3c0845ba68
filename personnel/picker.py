"""The person picker's purposes, search and labels: one type-ahead for every form that picks
a person (planning a deployment, enrolling one person, a nomination).

A purpose names who a user may pick for one job. The apps above this one register theirs in
their AppConfig.ready() (readiness: "deployment", courses: "enrolment"), since this app
imports none of them; each rule returns the people `user` may pick, or None when the user
may pick nobody for it (the search answers 403). The search endpoint
(personnel/views/picker.py) and the form field (personnel/forms/fields.py) read the same
rule, so the list never offers someone the form would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, QuerySet, Value, When

from .models import Person
from .models.people import person_search_q
from .spelling import name_key

if TYPE_CHECKING:
    from accounts.models import User

# At most this many matches are sent: a picker is for finding one person, not for browsing.
SEARCH_LIMIT = 20
# Longer queries are refused (400): no name or service number is this long.
QUERY_MAX_LENGTH = 100

PickerRule = Callable[["User"], "QuerySet[Person] | None"]
_PURPOSES: dict[str, PickerRule] = {}


def register_picker_purpose(name: str, rule: PickerRule) -> None:
    """Let forms pick people for `name` among `rule(user)` (registering again replaces)."""
    _PURPOSES[name] = rule


def picker_purposes() -> list[str]:
    return sorted(_PURPOSES)


def picker_people(user: User, purpose: str) -> QuerySet[Person] | None:
    """The people `user` may pick for `purpose`; None when they may pick nobody for it.
    KeyError for a purpose nobody registered."""
    return _PURPOSES[purpose](user)


def person_label(person: Person) -> str:
    """What the picker shows for a chosen person: rank and name, service number, unit."""
    unit = f" · {person.unit.code}" if person.unit_id else ""
    return f"{person.rank_and_name} ({person.service_number}){unit}"


def person_row(person: Person) -> dict[str, object]:
    """One match as the search endpoint sends it (the person's rank and unit loaded)."""
    return {
        "id": person.pk,
        "label": person_label(person),
        "name": person.full_name,
        "rank": str(person.rank) if person.rank_id else "",
        "unit": person.unit.code if person.unit_id else "",
        "service_number": person.service_number,
        "active": person.is_active,
    }


def people_matching(
    people: QuerySet[Person], query: str, *, limit: int = SEARCH_LIMIT
) -> list[Person]:
    """Up to `limit` of `people` whose names or service number contain every word of `query`
    in any script and spelling (person_search_q): an exact service number first, then by the
    folded names as the register sorts. One query."""
    query = query.strip()
    if not query or not person_search_q(query):
        return []
    return list(
        people.filter(person_search_q(query))
        .select_related("rank", "unit")
        .annotate(
            _exact=Case(
                When(service_number__iexact=query, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_exact", "search_text", "service_number")[:limit]
    )


def text_describes(person: Person, text: str) -> bool:
    """Whether `text` still names `person`: their label as the picker showed it, or words each
    found in their names or service number (any script). A form without JavaScript keeps the
    chosen id in a hidden input; when the user has typed someone else, the id is not used."""
    text = text.strip()
    if text == person_label(person):
        return True
    keys = [key for word in text.split() if (key := name_key(word))]
    stored = person.name_key or ""
    return bool(keys) and all(key in stored for key in keys)
