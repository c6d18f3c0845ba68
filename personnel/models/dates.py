"""Validity of anything with a `valid_until` date, derived from dates and never stored."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Validity(models.TextChoices):
    VALID = "valid", _("valid")
    LAPSING = "lapsing", _("lapses soon")
    LAPSED = "lapsed", _("lapsed")
    REVOKED = "revoked", _("revoked")


def validity_on(valid_until: dt.date | None, *, on: dt.date, window_days: int | None = None) -> str:
    """VALID, LAPSING (lapses within `window_days` of `on`) or LAPSED. No end date is valid.

    A record is valid through its `valid_until` day and lapsed from the day after.
    """
    if window_days is None:
        window_days = settings.LAPSING_WINDOW_DAYS
    if valid_until is None:
        return Validity.VALID
    if valid_until < on:
        return Validity.LAPSED
    if valid_until < on + dt.timedelta(days=window_days):
        return Validity.LAPSING
    return Validity.VALID


def period_end(starts_on: dt.date, *, months: int) -> dt.date:
    """The last day of a period of whole `months` that begins on `starts_on` (a tour, a
    certificate's validity): 2026-01-15 + 12 months ends 2027-01-14; the 31st of a month
    followed by a shorter month ends on that month's last day."""
    return starts_on + relativedelta(months=months) - dt.timedelta(days=1)


def whole_months(starts_on: dt.date, ends_on: dt.date) -> int:
    """How many whole months the period `starts_on`..`ends_on` (inclusive) spans."""
    delta = relativedelta(ends_on + dt.timedelta(days=1), starts_on)
    return delta.years * 12 + delta.months


class DatedQuerySet(models.QuerySet):
    """Querysets of records with `valid_until`: the same rule as `validity_on`, in SQL."""

    def valid_on(self, on: dt.date):
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=on))

    def lapsed_on(self, on: dt.date):
        return self.filter(valid_until__lt=on)

    def lapsing_between(self, start: dt.date, end: dt.date):
        """Still valid on `start` and lapsing before `end`."""
        return self.filter(valid_until__gte=start, valid_until__lt=end)
