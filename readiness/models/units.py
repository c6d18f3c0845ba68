from django.db import models
from django.utils.translation import gettext_lazy as _

from personnel.models.choices import GenderCategory, in_choices


class PCRSLevel(models.TextChoices):
    """UN Peacekeeping Capability Readiness System levels (docs/domain.md, Unit readiness)."""

    LEVEL_1 = "1", _("Level 1: pledge registered")
    LEVEL_2 = "2", _("Level 2: eligible after a successful AAV")
    LEVEL_3 = "3", _("Level 3: aligned with the Statement of Unit Requirements")
    RAPID = "RDL", _("Rapid Deployment Level")


class AssessmentKind(models.TextChoices):
    AAV = "aav", _("Assessment and Advisory Visit")
    PRE_DEPLOYMENT = "pdv", _("pre-deployment visit")
    INTERNAL = "internal", _("internal assessment")


class AssessmentOutcome(models.TextChoices):
    PASSED = "passed", _("passed")
    CONDITIONAL = "conditional", _("passed with conditions")
    FAILED = "failed", _("failed")


class UnitReadinessAssessment(models.Model):
    Kind = AssessmentKind

    Outcome = AssessmentOutcome

    unit = models.ForeignKey(
        "personnel.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="readiness_assessments",
    )
    assessed_on = models.DateField(_("assessed on"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    pcrs_level = models.CharField(
        _("PCRS level reached"), max_length=3, choices=PCRSLevel.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    assessed_by = models.CharField(_("assessed by"), max_length=200, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_(
            "Until when a passed Assessment and Advisory Visit backs a PCRS level of 2 or "
            "above. Blank: the centre's default period after the visit (docs/domain.md)."
        ),
    )

    class Meta:
        db_table = "personnel_unitreadinessassessment"  # its table since the personnel app
        verbose_name = _("unit readiness assessment")
        verbose_name_plural = _("unit readiness assessments")
        ordering = ["-assessed_on"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("kind", AssessmentKind), name="assessment_kind_known"
            ),
            models.CheckConstraint(
                condition=in_choices("outcome", AssessmentOutcome), name="assessment_outcome_known"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gt=models.F("assessed_on")),
                name="assessment_valid_after_visit",
                violation_error_message=_("A visit is valid until a day after it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.get_kind_display()} {self.assessed_on}"


# The areas the AAV SOP (2020.10) checklists name: readiness migration 0004 seeds them (its
# own copy); the demo puts back those it uses on a database emptied since.
STANDARD_AREAS = (
    ("general", "general"),
    ("training", "training"),
    ("equipment", "equipment (COE)"),
    ("movement", "movement control"),
    ("medical", "medical"),
    ("engineering", "engineering"),
    ("ict", "ICT"),
    ("logistics", "logistics"),
    ("conduct", "conduct and discipline"),
)


class AssessmentArea(models.Model):
    """A checklist area of an assessment visit (AAV SOP 2020.10 annexes: general, training,
    equipment (COE), movement control, medical, engineering, ICT, ...): data an administrator
    edits, not choices in code. `code` is what results refer to, so it never changes."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Offered when a new visit is recorded.")
    )

    class Meta:
        verbose_name = _("assessment area")
        verbose_name_plural = _("assessment areas")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AreaResult(models.TextChoices):
    SATISFACTORY = "satisfactory", _("satisfactory")
    NEEDS_IMPROVEMENT = "needs_improvement", _("needs improvement")
    UNSATISFACTORY = "unsatisfactory", _("unsatisfactory")


class AssessmentAreaResult(models.Model):
    """One checklist area of an assessment visit (AAV SOP: general, training, equipment, ...)."""

    Result = AreaResult

    assessment = models.ForeignKey(
        UnitReadinessAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="areas",
    )
    area = models.ForeignKey(
        AssessmentArea,
        verbose_name=_("area"),
        to_field="code",
        db_column="area",  # the column kept from when areas were choices
        on_delete=models.PROTECT,
        related_name="results",
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        db_table = "personnel_assessmentarearesult"  # its table since the personnel app
        verbose_name = _("assessment area result")
        verbose_name_plural = _("assessment area results")
        ordering = ["assessment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "area"], name="assessment_area_once"),
            models.CheckConstraint(
                condition=in_choices("result", AreaResult), name="assessment_result_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id}: {self.get_result_display()}"


class GenderTarget(models.Model):
    """The UN's target share of women for one category in one year: data, not a constant."""

    category = models.CharField(_("category"), max_length=20, choices=GenderCategory.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    percent = models.DecimalField(_("target share of women (%)"), max_digits=5, decimal_places=2)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        db_table = "personnel_gendertarget"  # its table since the personnel app
        verbose_name = _("gender target")
        verbose_name_plural = _("gender targets")
        ordering = ["year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "year"], name="gender_target_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=0, percent__lte=100),
                name="gender_target_percent_0_100",
                violation_error_message=_("A share is between 0 and 100 percent."),
            ),
            models.CheckConstraint(
                condition=in_choices("category", GenderCategory),
                name="gender_target_category_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.year}: {self.percent}%"


class ReadinessSnapshot(models.Model):
    """How ready a unit (with every unit under it) was for one requirement profile on one
    day: taken nightly, so the unit readiness page can draw the trend."""

    unit = models.ForeignKey(
        "personnel.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="readiness_snapshots",
    )
    profile = models.ForeignKey(
        "readiness.RequirementProfile",
        verbose_name=_("requirement profile"),
        on_delete=models.CASCADE,
        related_name="readiness_snapshots",
    )
    taken_on = models.DateField(_("taken on"))
    headcount = models.PositiveIntegerField(_("headcount"))
    ready = models.PositiveIntegerField(_("ready"))
    lapsing = models.PositiveIntegerField(
        _("ready but lapsing"), default=0, help_text=_("Ready, with something lapsing soon.")
    )
    gaps = models.JSONField(
        _("gaps"),
        null=True,
        blank=True,
        help_text=_(
            "For each requirement not met by someone, how many people: requirement key -> "
            "count. Empty when nothing is missing; blank for snapshots taken before gaps "
            "were recorded."
        ),
    )

    class Meta:
        db_table = "personnel_readinesssnapshot"  # its table since the personnel app
        verbose_name = _("readiness snapshot")
        verbose_name_plural = _("readiness snapshots")
        ordering = ["unit", "profile", "taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "profile", "taken_on"], name="readiness_snapshot_once_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(ready__lte=models.F("headcount"))
                & models.Q(lapsing__lte=models.F("ready")),
                name="readiness_snapshot_counts_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.profile} {self.taken_on}: {self.ready}/{self.headcount}"
