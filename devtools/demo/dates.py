"""Date arithmetic for the demo, which places nearly everything relative to "demo today"."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from personnel.models.dates import period_end


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months; the 31st becomes the last day of a shorter month."""
    return day + relativedelta(months=months)


def tour_end(starts_on: dt.date, months: int) -> dt.date:
    """The last day of a tour or rotation of `months` that begins on `starts_on`."""
    return period_end(starts_on, months=months)


def monday_on_or_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def at(day: dt.date, hour: int) -> dt.datetime:
    """An aware datetime at `hour` o'clock on `day` in the centre's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
