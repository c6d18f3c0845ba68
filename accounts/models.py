from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.history import ChangeOnlyHistoricalRecords


class User(AbstractUser):
    """A person who signs in. Roles are groups (accounts/roles.py); a commander's scope is
    the units whose `commander` they are; an instructor's the cohorts they teach."""

    language = models.CharField(
        _("interface language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    # Roles and their flags are audited; the password hash, sign-ins and the interface
    # language (a preference, not access) are not history.
    history = ChangeOnlyHistoricalRecords(
        excluded_fields=["password", "last_login", "language"], m2m_fields=["groups"]
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
