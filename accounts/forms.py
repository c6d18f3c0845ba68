"""The sign-in forms (the site's and the admin's)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


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
