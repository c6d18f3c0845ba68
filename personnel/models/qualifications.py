"""Qualification records: each has an issue date and the date it lapses.

Whether a record is valid is derived from `valid_until` (personnel.models.dates), never stored.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from .choices import Language, in_choices
from .dates import DatedQuerySet, validity_on

STANAG_LEVELS = range(0, 6)  # STANAG 6001: each skill 0-5
STANAG_SKILLS = ("listening", "speaking", "reading", "writing")


class QualificationRecord(models.Model):
    person = models.ForeignKey(
        "personnel.Person", verbose_name=_("person"), on_delete=models.CASCADE
    )
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    remarks = models.CharField(_("remarks"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-valid_until"]
        default_related_name = "%(class)ss"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("issued_on")),
                name="%(class)s_valid_after_issued",
                violation_error_message=_("Valid until cannot be before the issue date."),
            ),
        ]

    def clean(self) -> None:
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)

    def rule_errors(self) -> dict[str, str]:
        """Broken rules by the field to correct (the check constraints, said on the field)."""
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            return {
                "valid_until": _("Valid until cannot be before the issue date (%(issued)s).")
                % {"issued": formats.date_format(self.issued_on, "SHORT_DATE_FORMAT")}
            }
        return {}

    def validity(self, *, on: dt.date) -> str:
        return validity_on(self.valid_until, on=on)


class LanguageProficiency(QualificationRecord):
    """A language test result as a STANAG 6001 profile (Listening-Speaking-Reading-Writing).

    `issued_on` is the test date.
    """

    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    listening = models.PositiveSmallIntegerField(_("listening"))
    speaking = models.PositiveSmallIntegerField(_("speaking"))
    reading = models.PositiveSmallIntegerField(_("reading"))
    writing = models.PositiveSmallIntegerField(_("writing"))

    class Meta(QualificationRecord.Meta):
        verbose_name = _("language proficiency")
        verbose_name_plural = _("language proficiencies")
        default_related_name = "language_proficiencies"
        constraints = [
            *QualificationRecord.Meta.constraints,
            models.CheckConstraint(
                condition=in_choices("language", Language), name="%(class)s_language_known"
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{skill}__gte": 0, f"{skill}__lte": 5}),
                    name=f"%(class)s_{skill}_stanag_0_5",
                    violation_error_message=_("STANAG 6001 levels run from 0 to 5."),
                )
                for skill in STANAG_SKILLS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language.upper()} {self.profile}"

    def rule_errors(self) -> dict[str, str]:
        errors = super().rule_errors()
        for skill in STANAG_SKILLS:
            level = getattr(self, skill)
            if level is not None and level not in STANAG_LEVELS:
                errors[skill] = _(
                    "%(skill)s level %(level)s is out of range: STANAG 6001 levels run from 0 to 5."
                ) % {"skill": self._meta.get_field(skill).verbose_name.capitalize(), "level": level}
        return errors

    @property
    def profile(self) -> str:
        """The profile as written in the centre: 3-2-3-2."""
        return f"{self.listening}-{self.speaking}-{self.reading}-{self.writing}"


class MedicalClearance(QualificationRecord):
    class Fitness(models.TextChoices):
        FIT = "fit", _("fit")
        FIT_RESTRICTED = "fit_restricted", _("fit with restrictions")
        UNFIT = "unfit", _("unfit")

    fitness = models.CharField(
        _("fitness"), max_length=16, choices=Fitness.choices, default=Fitness.FIT
    )

    class Meta(QualificationRecord.Meta):
        verbose_name = _("medical clearance")
        verbose_name_plural = _("medical clearances")
        default_related_name = "medical_clearances"

    def __str__(self) -> str:
        return f"{self.get_fitness_display()} ({self.valid_until})"


class Passport(QualificationRecord):
    class Kind(models.TextChoices):
        NATIONAL = "national", _("national")
        SERVICE = "service", _("service / official")
        DIPLOMATIC = "diplomatic", _("diplomatic")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.NATIONAL)

    class Meta(QualificationRecord.Meta):
        verbose_name = _("passport")
        verbose_name_plural = _("passports")
        default_related_name = "passports"

    def __str__(self) -> str:
        return f"{self.document_number} ({self.valid_until})"


class DrivingLicence(QualificationRecord):
    categories = models.CharField(_("categories"), max_length=32, help_text=_("For example B, C"))
    manual_transmission = models.BooleanField(_("manual gearbox"), default=True)
    driving_test_passed_on = models.DateField(_("UN driving test passed on"), null=True, blank=True)

    class Meta(QualificationRecord.Meta):
        verbose_name = _("driving licence")
        verbose_name_plural = _("driving licences")
        default_related_name = "driving_licences"

    def __str__(self) -> str:
        return f"{self.categories} ({self.valid_until})"


class WeaponsQualification(QualificationRecord):
    class Weapon(models.TextChoices):
        PISTOL = "pistol", _("pistol")
        RIFLE = "rifle", _("rifle")
        MACHINE_GUN = "machine_gun", _("machine gun")

    weapon = models.CharField(_("weapon"), max_length=16, choices=Weapon.choices)

    class Meta(QualificationRecord.Meta):
        verbose_name = _("weapons qualification")
        verbose_name_plural = _("weapons qualifications")
        default_related_name = "weapons_qualifications"

    def __str__(self) -> str:
        return f"{self.get_weapon_display()} ({self.valid_until})"
