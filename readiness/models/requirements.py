from django.db import models
from django.utils.translation import gettext_lazy as _

from common.history import ChangeOnlyHistoricalRecords
from personnel.models.choices import Category, GenderCategory, Language, in_choices


class RequirementProfile(models.Model):
    """What a person needs to deploy in one role (UN Military Observer, Staff Officer, ...).

    Data, edited by administrators: docs/domain.md gives the UN values; a value that is a centre
    policy rather than a UN rule is named in `policy_notes`. A blank or null requirement is not
    required.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    gender_category = models.CharField(
        _("UN gender category"),
        max_length=20,
        choices=GenderCategory.choices,
        help_text=_("Which UN gender parity target people in this role count towards."),
    )
    categories = models.JSONField(
        _("allowed categories"),
        default=list,
        blank=True,
        help_text=_("Personnel categories this role admits; empty admits all."),
    )
    allowed_ranks = models.ManyToManyField(
        "personnel.Rank",
        verbose_name=_("allowed ranks"),
        blank=True,
        help_text=_("Empty admits every rank."),
    )
    officers_only = models.BooleanField(_("officers only"), default=False)
    required_certifications = models.ManyToManyField(
        "courses.CertificationType",
        verbose_name=_("required certifications"),
        blank=True,
        related_name="requirement_profiles",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    min_listening = models.PositiveSmallIntegerField(_("minimum listening"), default=0)
    min_speaking = models.PositiveSmallIntegerField(_("minimum speaking"), default=0)
    min_reading = models.PositiveSmallIntegerField(_("minimum reading"), default=0)
    min_writing = models.PositiveSmallIntegerField(_("minimum writing"), default=0)
    requires_medical = models.BooleanField(_("medical clearance required"), default=True)
    requires_passport = models.BooleanField(_("passport required"), default=True)
    passport_months_after_tour = models.PositiveSmallIntegerField(
        _("passport valid for months after the tour"),
        default=6,
        help_text=_("Centre policy: the passport must stay valid this long past the tour's end."),
    )
    requires_driving_licence = models.BooleanField(_("driving licence required"), default=False)
    min_driving_licence_years = models.PositiveSmallIntegerField(
        _("driving licence held for at least (years)"), default=0
    )
    requires_manual_transmission = models.BooleanField(_("manual gearbox licence"), default=False)
    requires_weapons = models.BooleanField(_("weapons qualification required"), default=False)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_service_years = models.PositiveSmallIntegerField(
        _("minimum years of service"), null=True, blank=True
    )
    default_tour_months = models.PositiveSmallIntegerField(_("default tour (months)"), default=12)
    source = models.CharField(_("source"), max_length=255, blank=True)
    policy_notes = models.TextField(
        _("centre policy values"),
        blank=True,
        help_text=_("Which values are the centre's policy rather than UN rules."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = ChangeOnlyHistoricalRecords(
        m2m_fields=["allowed_ranks", "required_certifications"],
        table_name="personnel_historicalrequirementprofile",
    )

    class Meta:
        db_table = "personnel_requirementprofile"  # its table since the personnel app
        verbose_name = _("requirement profile")
        verbose_name_plural = _("requirement profiles")
        ordering = ["name"]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"min_{skill}__lte": 5}),
                    name=f"profile_min_{skill}_stanag_0_5",
                    violation_error_message=_("STANAG 6001 levels run from 0 to 5."),
                )
                for skill in ("listening", "speaking", "reading", "writing")
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(max_age__gte=models.F("min_age")),
                name="profile_age_range_ordered",
                violation_error_message=_("The maximum age cannot be below the minimum age."),
            ),
            models.CheckConstraint(
                condition=in_choices("language", Language), name="profile_language_known"
            ),
            models.CheckConstraint(
                condition=in_choices("gender_category", GenderCategory),
                name="profile_gender_category_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language_profile(self) -> str:
        return f"{self.min_listening}-{self.min_speaking}-{self.min_reading}-{self.min_writing}"

    def admits_category(self, category: str) -> bool:
        return not self.categories or category in self.categories

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = set(self.categories or []) - set(Category.values)
        if unknown:
            raise ValidationError(
                {
                    "categories": _("Unknown categories: %(names)s")
                    % {"names": ", ".join(sorted(unknown))}
                }
            )
