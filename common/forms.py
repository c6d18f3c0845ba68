"""Form fields shared by the apps' forms."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError

# The largest id a BigAutoField holds.
MAX_ID = 2**63 - 1


def form_add_service_error(
    form: forms.BaseForm, error: ValidationError, *, fields: Iterable[str] | None = None
) -> bool:
    """Put a service's ValidationError on `form`: each message keyed by one of the form's
    fields on that field, every other one (unkeyed, NON_FIELD_ERRORS, a key the form lacks)
    above the form. Returns True.

    With `fields`, the form takes the error only when it names one of them, and False is
    returned otherwise with nothing added: the caller shows it elsewhere (a message on the
    page it returns to), as for a stale page behind a reason form.
    """
    error_dict = getattr(error, "error_dict", None)
    if fields is not None and not (error_dict and set(fields) & error_dict.keys()):
        return False
    if error_dict is None:
        form.add_error(None, error)
        return True
    for key, errors in error_dict.items():
        form.add_error(key if key in form.fields else None, errors)
    return True


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose ids are checked as whole numbers before any query.

    Django checks each id with filter(pk=...), which lets an id past 64 bits through (it only
    matches nothing), then queries pk__in, which SQLite refuses with OverflowError: a 500 for
    a forged form. Here such an id, like any that is not a number, is the field's error."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk)
            # isascii: "²" is a digit to str.isdigit() and not to int().
            if not (text.isascii() and text.isdigit() and int(text) <= MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
