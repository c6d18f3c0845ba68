"""Choices shared by personnel and courses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MILITARY = "military", _("military")
    POLICE = "police", _("police")
    CIVILIAN = "civilian", _("civilian")


class Gender(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class GenderCategory(models.TextChoices):
    """The UN Uniformed Gender Parity Strategy's categories (docs/domain.md, Gender balance)."""

    CONTINGENT = "contingent", _("military contingents")
    OBSERVERS_STAFF = "observers_staff", _("military observers and staff officers")
    FORMED_POLICE = "formed_police", _("formed police units")
    INDIVIDUAL_POLICE = "individual_police", _("individual police officers")


class Language(models.TextChoices):
    """The UN's official languages: the ones a language test or a requirement names."""

    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    ARABIC = "ar", _("Arabic")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")
    CHINESE = "zh", _("Chinese")


def in_choices(field: str, choices: type[models.TextChoices]) -> models.Q:
    """A CheckConstraint condition: `field` holds one of `choices`."""
    return models.Q(**{f"{field}__in": choices.values})
