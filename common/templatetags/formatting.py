"""Template filters for numbers and percentages: the ones common.formatting writes.

{{ share|percent }} is floatformat:"-2" followed by "%"; {{ total|number:2 }} keeps two
decimals. Both are localised like floatformat."""

from django import template

from common import formatting

register = template.Library()


@register.filter
def number(value, places=formatting.PLACES) -> str:
    return formatting.number(value, places)


@register.filter
def percent(value, places=formatting.PLACES) -> str:
    return formatting.percent(value, places)
