"""Widgets and choices the personnel forms share: the fast select and the unit tree."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from personnel.models import Unit

INDENT = "\u00a0\u00a0\u00a0"  # no-break spaces: a select keeps them


def unit_choices(units: Iterable[Unit], *, empty_label: str) -> list[tuple[Any, str]]:
    """Choices for a unit select in tree order, each indented by its depth below the
    shallowest unit offered (a commander's own unit is not indented)."""
    units = list(units)
    top = min((unit.depth for unit in units), default=1)
    return [("", empty_label)] + [
        (unit.pk, f"{INDENT * (unit.depth - top)}{unit.code} · {unit.name}") for unit in units
    ]


class FastSelect(forms.Select):
    """A select written in Python. Django renders each option through template includes; the
    unit select (one option per unit: 262 in the scale register) and the country select (250)
    cost most of the register list's server time that way (measured with cProfile)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        selected = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                inner = "".join(self._option(v, sub, selected) for v, sub in label)
                options.append(f'<optgroup label="{escape(option_value)}">{inner}</optgroup>')
            else:
                options.append(self._option(option_value, label, selected))
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{"".join(options)}</select>')

    def _option(self, value, label, selected: set[str]) -> str:
        text = "" if value is None else str(value)
        chosen = " selected" if text in selected else ""
        extra = flatatt(attrs) if (attrs := self.option_attrs(value)) else ""
        return f'<option value="{escape(text)}"{extra}{chosen}>{escape(label)}</option>'

    def option_attrs(self, value) -> dict[str, str]:
        """Extra attributes for the option of `value` (a ModelChoiceIteratorValue for a model
        choice, with its `instance`)."""
        return {}


class RankSelect(FastSelect):
    """Marks each rank with its category, so the page can offer only the ranks of the chosen
    category (the server checks it again: Person.clean)."""

    def option_attrs(self, value) -> dict[str, str]:
        instance = getattr(value, "instance", None)
        return {"data-category": instance.category} if instance is not None else {}
