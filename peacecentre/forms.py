"""Form fields shared by the apps' forms."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

# The largest id a BigAutoField holds.
MAX_ID = 2**63 - 1


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


class UsernameLimitMixin:
    """Holds the sign-in forms to the user name's length. Django's AuthenticationForm sets
    max_length after the field is built, so only the browser enforced it: a longer name went on
    to the sign-in check, and django-axes' record of the failure (255 characters) answered 500
    on PostgreSQL."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInForm(UsernameLimitMixin, AuthenticationForm):
    pass


class AdminSignInForm(UsernameLimitMixin, AdminAuthenticationForm):
    pass
