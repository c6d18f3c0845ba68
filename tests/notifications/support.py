"""Helpers for the reminders' tests: a fixed day, people in units with commanders, and the
reminders recorded, as plain tuples easy to compare."""

import datetime as dt

from notifications.models import Reminder
from tests import factories

ON = dt.date(2026, 11, 23)


def days(n: int) -> dt.date:
    return ON + dt.timedelta(days=n)


def commanded_unit(code: str = "KAZBAT", commander_email: str = "cmdr@mod.kz", parent=None):
    commander = factories.UserFactory(username=f"cmdr-{code}", email=commander_email)
    return factories.UnitFactory(code=code, commander=commander, parent=parent)


def person(unit=None, email: str = "asel@mod.kz", **kwargs):
    return factories.PersonFactory(
        unit=unit or commanded_unit(),
        email=email,
        first_name=kwargs.pop("first_name", "Asel"),
        last_name=kwargs.pop("last_name", "Nurlanova"),
        **kwargs,
    )


def recorded(**filters) -> set[tuple]:
    """(kind, object id, threshold, recipient) of every reminder recorded."""
    return set(
        Reminder.objects.filter(**filters).values_list(
            "kind", "object_id", "threshold", "recipient_email"
        )
    )


def thresholds(**filters) -> set[str]:
    return set(Reminder.objects.filter(**filters).values_list("threshold", flat=True))
