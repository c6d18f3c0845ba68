from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificationType(models.Model):
    """What a certification attests (UNSOC, UNMEM, POC, PDT, ...); courses grant one and
    requirement profiles and prerequisites ask for one."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("certification type")
        verbose_name_plural = _("certification types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class CourseKind(models.TextChoices):
    UN_RECOGNISED = "un_recognised", _("UN-recognised")
    PRE_DEPLOYMENT = "pre_deployment", _("pre-deployment training")
    LANGUAGE = "language", _("language")
    SPECIALISED = "specialised", _("specialised")


class Course(models.Model):
    Kind = CourseKind

    code = models.CharField(_("code"), max_length=16, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    duration_days = models.PositiveSmallIntegerField(_("duration (days)"))
    default_capacity = models.PositiveSmallIntegerField(_("default capacity"), default=30)
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=60,
        help_text=_("The weighted total a trainee needs to pass."),
    )
    min_attendance_percent = models.DecimalField(
        _("minimum attendance (%)"), max_digits=5, decimal_places=2, default=80
    )
    admitted_categories = models.JSONField(
        _("admitted categories"),
        default=list,
        blank=True,
        help_text=_("Personnel categories the course admits; empty admits all."),
    )
    prerequisites = models.ManyToManyField(
        CertificationType,
        verbose_name=_("prerequisite certifications"),
        blank=True,
        related_name="required_by_courses",
        help_text=_("Valid certifications a trainee must hold to enrol."),
    )
    certification_type = models.ForeignKey(
        CertificationType,
        verbose_name=_("grants certification"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="granting_courses",
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certification valid for (months)"), null=True, blank=True
    )
    un_recognised = models.BooleanField(_("UN-recognised"), default=False)
    recognised_on = models.DateField(_("UN recognition on"), null=True, blank=True)
    recognition_valid_until = models.DateField(
        _("UN recognition valid until"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_mark__gte=0, pass_mark__lte=100),
                name="course_pass_mark_0_100",
                violation_error_message=_("The pass mark is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(min_attendance_percent__gte=0, min_attendance_percent__lte=100),
                name="course_min_attendance_0_100",
                violation_error_message=_("The minimum attendance is between 0 and 100 percent."),
            ),
            models.CheckConstraint(
                condition=models.Q(duration_days__gte=1), name="course_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(recognised_on__isnull=True)
                | models.Q(recognition_valid_until__isnull=True)
                | models.Q(recognition_valid_until__gte=models.F("recognised_on")),
                name="course_recognition_end_not_before_start",
                violation_error_message=_("Recognition cannot end before it was given."),
            ),
            models.CheckConstraint(
                condition=models.Q(certification_type__isnull=True)
                # Spelled out: a CHECK whose condition is NULL passes.
                | models.Q(validity_months__isnull=False, validity_months__gte=1),
                name="course_certification_has_validity",
                violation_error_message=_(
                    "A course that grants a certification needs its validity in months."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CourseKind.values), name="course_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def admits_category(self, category: str) -> bool:
        return not self.admitted_categories or category in self.admitted_categories


class AssessmentComponent(models.Model):
    """One graded part of a course (an exam, an exercise); weights of a course add up to 100.

    Scores run from `min_score` to `max_score`; the database refuses a score outside them
    (a trigger, see courses/migrations/0003_score_range_trigger.py).
    """

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="components"
    )
    name = models.CharField(_("name"), max_length=120)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    min_score = models.DecimalField(_("lowest score"), max_digits=6, decimal_places=2, default=0)
    max_score = models.DecimalField(_("highest score"), max_digits=6, decimal_places=2, default=100)
    pass_score = models.DecimalField(
        _("pass score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The score that passes this component (required when it must be passed)."),
    )
    must_pass = models.BooleanField(_("must be passed"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("assessment component")
        verbose_name_plural = _("assessment components")
        ordering = ["course", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "name"], name="component_name_unique_per_course"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=100),
                name="component_weight_0_100",
                violation_error_message=_("A weight is more than 0 and at most 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=models.F("min_score")),
                name="component_score_range_ordered",
                violation_error_message=_("The highest score must be above the lowest."),
            ),
            models.CheckConstraint(
                condition=models.Q(pass_score__isnull=True)
                | models.Q(
                    pass_score__gte=models.F("min_score"), pass_score__lte=models.F("max_score")
                ),
                name="component_pass_score_in_range",
                violation_error_message=_("The pass score must lie within the score range."),
            ),
            models.CheckConstraint(
                condition=models.Q(must_pass=False) | models.Q(pass_score__isnull=False),
                name="component_must_pass_has_pass_score",
                violation_error_message=_("A component that must be passed needs a pass score."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code}: {self.name} ({self.weight}%)"
