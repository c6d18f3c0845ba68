"""form_add_service_error: a service's ValidationError lands on the form's fields it names,
everything else above the form; with `fields`, only an error naming one of them is taken."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from common.forms import form_add_service_error


class ReasonForm(forms.Form):
    reason = forms.CharField()
    note = forms.CharField(required=False)


def bound() -> ReasonForm:
    form = ReasonForm({"reason": "late", "note": ""})
    assert form.is_valid()
    return form


def test_keyed_messages_go_on_their_fields_and_the_rest_above_the_form():
    form = bound()
    error = ValidationError(
        {
            "reason": "Too short.",
            "elsewhere": "A field the form does not have.",
            NON_FIELD_ERRORS: "The page was out of date.",
        }
    )

    assert form_add_service_error(form, error) is True

    assert form.errors["reason"] == ["Too short."]
    assert form.non_field_errors() == [
        "A field the form does not have.",
        "The page was out of date.",
    ]
    assert "reason" not in form.cleaned_data
    assert "note" not in form.errors


def test_an_unkeyed_error_goes_above_the_form():
    form = bound()

    assert form_add_service_error(form, ValidationError(["One.", "Two."])) is True

    assert form.non_field_errors() == ["One.", "Two."]
    assert set(form.errors) == {NON_FIELD_ERRORS}


def test_with_fields_an_error_naming_none_of_them_is_left_to_the_caller():
    form = bound()

    assert form_add_service_error(form, ValidationError("Stale."), fields=["reason"]) is False
    keyed_elsewhere = ValidationError({"note": "No."})
    assert form_add_service_error(form, keyed_elsewhere, fields=["reason"]) is False

    assert form.errors == {}


def test_with_fields_an_error_naming_one_of_them_is_put_on_the_form_whole():
    form = bound()
    error = ValidationError({"reason": "Give a reason.", "note": "Too long."})

    assert form_add_service_error(form, error, fields=["reason"]) is True

    assert form.errors == {"reason": ["Give a reason."], "note": ["Too long."]}
