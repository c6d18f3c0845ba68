"""common.formatting and its template filters write numbers exactly as the code they
replace did (floatformat, f-strings, number_format), in every language the project speaks."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.formats import number_format

from common.formatting import (
    number,
    number_grouped,
    number_plain,
    percent,
    percent_plain,
)

LANGUAGES = ["en", "ru", "kk"]
VALUES = [
    Decimal("85.50"),
    Decimal("90.00"),
    Decimal("72.25"),
    Decimal("12.5"),
    Decimal("0"),
    Decimal("100"),
    Decimal("1234.5"),
    33.3333,
    12.5,
    7,
]


def render(source: str, value) -> str:
    return Template("{% load formatting %}" + source).render(Context({"value": value}))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", VALUES, ids=str)
def test_shown_numbers_are_floatformat_in_every_language(language, value):
    with translation.override(language):
        assert number(value) == floatformat(value, "-2")
        assert number(value, 2) == floatformat(value, 2)
        assert percent(value) == f"{floatformat(value, '-2')}%"
        assert percent(value, 0) == f"{floatformat(value, 0)}%"
        assert render("{{ value|percent }}", value) == render(
            '{{ value|floatformat:"-2" }}%', value
        )
        assert render("{{ value|percent:0 }}", value) == render("{{ value|floatformat:0 }}%", value)
        assert render("{{ value|percent:1 }}", value) == render("{{ value|floatformat:1 }}%", value)
        assert render("{{ value|number }}", value) == render('{{ value|floatformat:"-2" }}', value)
        assert render("{{ value|number:2 }}", value) == render("{{ value|floatformat:2 }}", value)


def test_shown_numbers_follow_the_language():
    with translation.override("en"):
        assert percent(Decimal("85.5")) == "85.50%"
        assert number(Decimal("72.2"), 2) == "72.20"
    with translation.override("ru"):
        assert percent(Decimal("85.5")) == "85,50%"
        assert number(Decimal("72.2"), 2) == "72,20"
        assert percent(Decimal("90.00")) == "90%"


@pytest.mark.parametrize("language", LANGUAGES)
def test_plain_numbers_are_the_same_in_every_language(language):
    with translation.override(language):
        assert number_plain(Decimal("90.00")) == "90"
        assert number_plain(Decimal("99.50")) == "99.5"
        assert number_plain(Decimal("72.25")) == "72.25"
        assert number_plain(Decimal("1E+2")) == "100"
        assert number_plain(15) == "15"
        assert percent_plain(Decimal("11.86")) == "11.86%"
        assert percent_plain(Decimal("15.00")) == "15%"
        assert percent_plain(40) == "40%"


@pytest.mark.parametrize("value", [12.5, 13.5, 66.66666, 0.4, 99.5, 100.0])
def test_a_rounded_plain_percent_is_the_f_string_it_replaces(value):
    # The unit readiness chart wrote f"{value:.0f}%": round() rounds ties to even as it did.
    assert percent_plain(round(value)) == f"{value:.0f}%"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("value", [7, 1000, 20_000, 32_766, 1_000_000])
def test_grouped_numbers_are_number_format_in_every_language(language, value):
    with translation.override(language):
        assert number_grouped(value) == number_format(value, force_grouping=True)
