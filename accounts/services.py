"""Writes of the centre's own (users' preferences)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import User


def user_language_set(*, user: User, language: str) -> User:
    """Make `language` (a code of settings.LANGUAGES) the user's interface language: pages,
    e-mails and reports speak it from the next request. Raises ValidationError."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."), code="unknown_language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
