from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from personnel.models.choices import in_choices
from personnel.models.dates import whole_months


class Mission(models.Model):
    """A UN peacekeeping mission; a closed one keeps its end date and its deployments."""

    acronym = models.CharField(_("acronym"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    host = models.CharField(_("host"), max_length=120, help_text=_("Country or territory"))
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    mandate_until = models.DateField(
        _("mandate until"), null=True, blank=True, help_text=_("The current mandate's end.")
    )

    class Meta:
        db_table = "personnel_mission"  # its table since the personnel app
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["acronym"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="mission_end_not_before_start",
                violation_error_message=_("A mission cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.acronym

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class Contingent(models.Model):
    """A unit's rotation in a mission; `partner_country` is set for a joint deployment (e.g. a
    Kazakh company inside an Indian battalion in UNIFIL)."""

    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.PROTECT, related_name="contingents"
    )
    unit = models.ForeignKey(
        "personnel.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="contingents",
    )
    name = models.CharField(_("name"), max_length=120)
    rotation = models.PositiveSmallIntegerField(_("rotation"), default=1)
    partner_country = CountryField(_("partner country"), blank=True)
    partner_unit = models.CharField(_("partner unit"), max_length=120, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    planned_strength = models.PositiveIntegerField(_("planned strength"))

    class Meta:
        db_table = "personnel_contingent"  # its table since the personnel app
        verbose_name = _("contingent")
        verbose_name_plural = _("contingents")
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission", "unit", "rotation"], name="contingent_rotation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contingent_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.mission}, rotation {self.rotation})"

    @property
    def is_joint(self) -> bool:
        return bool(self.partner_country)


class ContingentPost(models.Model):
    """A contingent's authorised strength in one role: `count` posts of `role` (e.g. 12
    officer, 18 staff and 90 contingent-member posts for a 120-strong company). The
    contingent's `planned_strength` is the sum of its posts, kept by the contingent services
    (readiness/services/contingents.py) in the same transaction as the posts."""

    contingent = models.ForeignKey(
        Contingent, verbose_name=_("contingent"), on_delete=models.CASCADE, related_name="posts"
    )
    role = models.ForeignKey(
        "readiness.RequirementProfile",
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        related_name="contingent_posts",
    )
    count = models.PositiveIntegerField(_("posts"))

    class Meta:
        verbose_name = _("contingent post")
        verbose_name_plural = _("contingent posts")
        ordering = ["contingent", "role__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["contingent", "role"],
                name="contingent_post_one_row_per_role",
                violation_error_message=_("A contingent has one row of posts per role."),
            ),
            models.CheckConstraint(
                condition=models.Q(count__gt=0),
                name="contingent_post_count_positive",
                violation_error_message=_("A role needs at least one post."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contingent}: {self.count} x {self.role}"


class DeploymentStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DEPLOYED = "deployed", _("deployed")
    COMPLETED = "completed", _("completed")
    REPATRIATED = "repatriated", _("repatriated")
    CANCELLED = "cancelled", _("cancelled")


class Deployment(models.Model):
    """One person's tour in a mission, in a role (requirement profile)."""

    Status = DeploymentStatus

    person = models.ForeignKey(
        "personnel.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.PROTECT, related_name="deployments"
    )
    contingent = models.ForeignKey(
        Contingent,
        verbose_name=_("contingent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    role = models.ForeignKey(
        "readiness.RequirementProfile",
        verbose_name=_("role"),
        on_delete=models.PROTECT,
        related_name="deployments",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("planned end"))
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    override_reason = models.TextField(
        _("readiness override reason"),
        blank=True,
        help_text=_("Why this person was deployed although not every requirement was met."),
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("override recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords(table_name="personnel_historicaldeployment")

    class Meta:
        db_table = "personnel_deployment"  # its table since the personnel app
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        permissions = [
            (
                "override_deployment_readiness",
                _("Can plan a deployment for someone not ready, with a reason"),
            ),
        ]
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="deployment_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(returned_on__isnull=True)
                | models.Q(returned_on__gte=models.F("starts_on")),
                name="deployment_return_not_before_start",
                violation_error_message=_("The return date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=in_choices("status", DeploymentStatus), name="deployment_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(override_by__isnull=True) | ~models.Q(override_reason=""),
                name="deployment_override_has_reason",
                violation_error_message=_("A readiness override needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.person} in {self.mission} ({self.starts_on:%Y-%m-%d}..{self.ends_on:%Y-%m-%d})"
        )

    @property
    def tour_months(self) -> int:
        """The tour's length, from its own dates: each deployment has its own (the UNDOF company
        serves 12 months, the first UNIFIL rotation served 18)."""
        return whole_months(self.starts_on, self.ends_on)
