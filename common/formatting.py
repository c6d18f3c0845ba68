"""How the project writes numbers and percentages, in one place, so that the register, the
gradebook, the matrix, gender balance and the reports write them alike.

Two kinds:
- plain, as a person types a number and the same in every language ("85.5", "15", no
  grouping): values put back into inputs, and numbers quoted in messages about what was
  typed: `number_plain`, `percent_plain`.
- shown, for reading, in the language's own way (a decimal comma in Russian and Kazakh),
  by Django's floatformat rules: `number`, `percent`, and the template filters of the same
  names (`{% load formatting %}`); `number_grouped` groups thousands (12 000).
"""

from __future__ import annotations

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

# floatformat's "-2": two decimals, none when the number is whole (85.50, 90, 72.25).
PLACES = "-2"


def number_plain(value: Decimal | int) -> str:
    """`value` without trailing zeros or exponent, as typed: 90.00 -> "90", 99.50 -> "99.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_plain(value: Decimal | int) -> str:
    """`value` as a plain percentage: 11.86 -> "11.86%", 15.00 -> "15%"."""
    return f"{number_plain(value)}%"


def number(value: Decimal | float | int, places: int | str = PLACES) -> str:
    """`value` for reading in the active language, rounded as floatformat rounds (half up):
    `places` 2 keeps two decimals, "-2" two unless the number is whole, 0 none."""
    return floatformat(value, places)


def percent(value: Decimal | float | int, places: int | str = PLACES) -> str:
    """`value` as a percentage for reading in the active language: 85.5 -> "85,50%" in
    Russian, 90 -> "90%"."""
    return f"{number(value, places)}%"


def number_grouped(value: int) -> str:
    """A whole number with the language's thousands separator: 32766 -> "32,766" / "32 766"."""
    return number_format(value, force_grouping=True)
