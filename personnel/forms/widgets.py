"""Widgets and choices the personnel forms share: the fast select, the unit tree and the
person picker."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from personnel.models import Person, Unit
from personnel.picker import person_label

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


class PersonPicker(forms.Widget):
    """A type-ahead for one person (WAI-ARIA 1.2 combobox): a text input with role combobox,
    the listbox of matches static/js/person-picker.js fills from the search endpoint, and a
    hidden input carrying the chosen person's id under the field's name. Without JavaScript
    it is a text field: a service number typed there is looked up by the field
    (PersonPickerField). The data is {"id": ..., "text": ...}.

    `purpose` is the picker purpose the endpoint searches (personnel.picker); `text_name` the
    text input's name (default "<name>_text"); `queryset` the people whose labels may be
    shown (set by the field): a chosen id outside it is shown as nobody."""

    def __init__(self, attrs=None, *, purpose: str = "", text_name: str = "") -> None:
        super().__init__(attrs)
        self.purpose = purpose
        self.text_name = text_name
        self.queryset = None

    def text_input_name(self, name: str) -> str:
        return self.text_name or f"{name}_text"

    def value_from_datadict(self, data, files, name) -> dict[str, str]:
        return {
            "id": str(data.get(name) or "").strip(),
            "text": str(data.get(self.text_input_name(name)) or ""),
        }

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and self.text_input_name(name) not in data

    def _chosen(self, value) -> tuple[str, str]:
        """(id, text) to show for `value`: a Person, an id, or the submitted data."""
        if isinstance(value, Person):
            return str(value.pk), person_label(value)
        if isinstance(value, dict):
            pk, text = value.get("id", ""), value.get("text", "")
        else:
            pk, text = ("" if value in (None, "") else str(value)), ""
        if text or not (pk.isascii() and pk.isdigit()):
            return (pk if pk.isascii() and pk.isdigit() else ""), text
        person = (
            self.queryset.select_related("rank", "unit").filter(pk=int(pk)).first()
            if self.queryset is not None
            else None
        )
        return (str(person.pk), person_label(person)) if person else ("", "")

    def render(self, name, value, attrs=None, renderer=None) -> str:
        pk, text = self._chosen(value)
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("id", f"id_{name}")
        input_id = attrs["id"]
        listbox_id = f"{input_id}_listbox"
        css = attrs.pop("class", "")
        if "form-control" not in css.split():
            css = f"form-control {css}".strip()
        text_attrs = {
            **attrs,
            "type": "text",
            "name": self.text_input_name(name),
            "value": text,
            "class": css,
            "role": "combobox",
            "aria-autocomplete": "list",
            "aria-expanded": "false",
            "aria-controls": listbox_id,
            "autocomplete": "off",
            "autocapitalize": "off",
            "spellcheck": "false",
            "data-person-picker-input": "",
        }
        container = {
            "class": "pc-person-picker position-relative",
            "data-person-picker": "",
            "data-url": reverse("personnel:people_search"),
            "data-purpose": self.purpose,
            "data-msg-none": _("Nobody you may choose matches."),
            "data-msg-one": _("1 match: use the arrow keys to choose."),
            "data-msg-many": _("%(n)s matches: use the arrow keys to choose."),
            "data-msg-more": _("Only the first %(n)s matches: type more to narrow them."),
            "data-msg-failed": _("The search failed: type a service number instead."),
            "data-msg-inactive": _("inactive"),
        }
        return format_html(
            '<div{}><input{}><input type="hidden" name="{}" value="{}" '
            'data-person-picker-value><ul class="pc-person-picker-list list-group shadow" '
            'role="listbox" id="{}" aria-label="{}" hidden></ul>'
            '<div class="visually-hidden" role="status" data-person-picker-status></div></div>',
            flatatt(container),
            flatatt(text_attrs),
            name,
            pk,
            listbox_id,
            _("Matching people"),
        )
