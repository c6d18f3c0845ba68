"""Form fields the personnel forms share: the person picker's field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from personnel.forms.widgets import PersonPicker
from personnel.models import Person
from personnel.picker import text_describes


class PersonPickerField(forms.Field):
    """One person, chosen with the type-ahead (PersonPicker) among `queryset`: the people the
    user may pick for the form's purpose (personnel.picker), set by the form for its user.

    Cleans to a Person of `queryset`. The hidden id is used while the text still names that
    person; otherwise the text is taken as a service number (how the field works without
    JavaScript). An id that is not a number, or not one of `queryset` (forged, or out of the
    user's scope), is the field's error "invalid_choice"; a text naming nobody of `queryset`
    is "not_found" (the same whether or not the person exists outside the user's scope)."""

    widget = PersonPicker
    default_error_messages = {
        "invalid_choice": _("Choose a person from the list: that one is not yours to choose."),
        "not_found": _(
            "Nobody you may choose has the service number “%(text)s”: type a service number, "
            "or type a name and choose from the list."
        ),
    }

    def __init__(
        self, *, purpose: str, queryset: QuerySet[Person] | None = None, text_name="", **kwargs
    ) -> None:
        kwargs.setdefault("widget", PersonPicker(purpose=purpose, text_name=text_name))
        super().__init__(**kwargs)
        self.purpose = purpose
        self.queryset = queryset if queryset is not None else Person.objects.none()

    @property
    def queryset(self) -> QuerySet[Person]:
        return self._queryset

    @queryset.setter
    def queryset(self, queryset: QuerySet[Person]) -> None:
        self._queryset = queryset
        self.widget.queryset = queryset

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self._queryset  # the widget's copy points at the same people
        return result

    def prepare_value(self, value):
        return value

    def to_python(self, value) -> dict[str, str]:
        if isinstance(value, Person):
            return {"id": str(value.pk), "text": ""}
        if not isinstance(value, dict):
            value = {"id": "" if value in (None, "") else str(value), "text": ""}
        return {"id": str(value.get("id") or "").strip(), "text": str(value.get("text") or "")}

    def validate(self, value) -> None:
        if self.required and not value["id"] and not value["text"].strip():
            raise ValidationError(self.error_messages["required"], code="required")

    def clean(self, value) -> Person | None:
        person = self._resolve(value)
        # Shown again as chosen (label and id) when the form comes back with other errors.
        self._resolved = (self.to_python(value), person)
        return person

    def bound_data(self, data, initial):
        resolved = getattr(self, "_resolved", None)
        if resolved and resolved[1] is not None and resolved[0] == self.to_python(data):
            return resolved[1]
        return data

    def _resolve(self, value) -> Person | None:
        value = self.to_python(value)
        self.validate(value)
        self.run_validators(value)
        pk, text = value["id"], value["text"].strip()
        if pk:
            if not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            person = self._people().filter(pk=int(pk)).first()
            if person is None:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            if not text or text_describes(person, text):
                return person
        if not text:
            return None
        matches = list(self._people().filter(service_number__iexact=text)[:2])
        if len(matches) == 1:
            return matches[0]
        raise ValidationError(
            self.error_messages["not_found"], code="not_found", params={"text": text[:40]}
        )

    def has_changed(self, initial, data) -> bool:
        initial_pk = str(initial.pk if isinstance(initial, Person) else initial or "")
        return initial_pk != self.to_python(data)["id"] or bool(self.to_python(data)["text"])

    def _people(self) -> QuerySet[Person]:
        return self.queryset.select_related("rank", "unit")
