from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
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
    """A tour's lifecycle (readiness/services/lifecycle.py moves it): planned -> confirmed ->
    deployed (departed) -> returned, or repatriated early; planned or confirmed -> cancelled.
    An extension is a move, not a state: the tour keeps its status and its new planned end
    (`extended_from` keeps the first one). Stored values are those of before the lifecycle,
    except "completed", now "returned" (readiness migration 0003 maps the rows)."""

    PLANNED = "planned", _("planned")
    CONFIRMED = "confirmed", _("confirmed")
    DEPLOYED = "deployed", _("deployed")
    RETURNED = "returned", _("returned")
    REPATRIATED = "repatriated", _("repatriated early")
    CANCELLED = "cancelled", _("cancelled")


# Statuses with an actual departure, with an actual return, and those ended with a reason.
DEPARTED = (DeploymentStatus.DEPLOYED, DeploymentStatus.RETURNED, DeploymentStatus.REPATRIATED)
CAME_BACK = (DeploymentStatus.RETURNED, DeploymentStatus.REPATRIATED)
WITH_REASON = (DeploymentStatus.REPATRIATED, DeploymentStatus.CANCELLED)


def deployed_on_q(day: dt.date, *, prefix: str = "") -> models.Q:
    """The condition "under way on `day`" on a deployment (`prefix`: the path to it from
    another model, e.g. "deployments__"): departed on or before `day` and not back yet (the
    return day is spent at home)."""
    return models.Q(**{f"{prefix}status__in": DEPARTED, f"{prefix}departed_on__lte": day}) & (
        models.Q(**{f"{prefix}returned_on__isnull": True})
        | models.Q(**{f"{prefix}returned_on__gt": day})
    )


class DeploymentQuerySet(models.QuerySet):
    def deployed_on(self, day: dt.date) -> DeploymentQuerySet:
        """Tours under way on `day`, from the lifecycle (deployed_on_q). The one definition
        every count of "deployed" uses (gender balance, missions, contingents, dashboard,
        reports, the admin's lists)."""
        return self.filter(deployed_on_q(day))

    def ongoing(self) -> DeploymentQuerySet:
        """Tours still ahead or under way: planned, confirmed or deployed."""
        return self.filter(status__in=ACTIVE)

    def with_window(self) -> DeploymentQuerySet:
        """Each tour's `occupied_from`..`occupied_until`: the days it holds the person (the
        actual departure and return where recorded, else the planned dates). The database's
        overlap rule (readiness migration 0003) uses the same window."""
        return self.annotate(
            occupied_from=Coalesce("departed_on", "starts_on"),
            occupied_until=Coalesce("returned_on", "ends_on"),
        )


ACTIVE = (DeploymentStatus.PLANNED, DeploymentStatus.CONFIRMED, DeploymentStatus.DEPLOYED)


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
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    extended_from = models.DateField(
        _("first planned end"),
        null=True,
        blank=True,
        help_text=_("The planned end before the tour was first extended."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    status_reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the tour was repatriated early or cancelled.")
    )
    mandate_override_reason = models.TextField(
        _("mandate override reason"),
        blank=True,
        help_text=_("Why this tour runs past the mission's mandate end."),
    )
    mandate_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mandate override recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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

    objects = DeploymentQuerySet.as_manager()
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
            (
                "override_mandate_end",
                _("Can plan or extend a tour past the mission's mandate end, with a reason"),
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
            models.CheckConstraint(
                condition=models.Q(mandate_override_by__isnull=True)
                | ~models.Q(mandate_override_reason=""),
                name="deployment_mandate_override_has_reason",
                violation_error_message=_("A tour past the mandate's end needs a reason."),
            ),
            # The lifecycle (readiness migration 0003): a departure date exactly when the tour
            # has departed, a return date exactly when it came back, a reason for an early
            # repatriation and a cancellation, and dates in order.
            models.CheckConstraint(
                condition=models.Q(status__in=DEPARTED, departed_on__isnull=False)
                | (~models.Q(status__in=DEPARTED) & models.Q(departed_on__isnull=True)),
                name="deployment_departure_date_when_departed",
                violation_error_message=_(
                    "A deployed, returned or repatriated tour has a departure date, and only it."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CAME_BACK, returned_on__isnull=False)
                | (~models.Q(status__in=CAME_BACK) & models.Q(returned_on__isnull=True)),
                name="deployment_return_date_when_back",
                violation_error_message=_(
                    "A returned or repatriated tour has a return date, and only it."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(returned_on__isnull=True)
                | models.Q(returned_on__gte=models.F("departed_on")),
                name="deployment_return_not_before_departure",
                violation_error_message=_("The return date cannot be before the departure date."),
            ),
            models.CheckConstraint(
                condition=models.Q(departed_on__isnull=True)
                | models.Q(returned_on__isnull=False)
                | models.Q(departed_on__lte=models.F("ends_on")),
                name="deployment_departure_not_after_end",
                violation_error_message=_(
                    "The departure date cannot be after the planned end: extend the tour first."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=WITH_REASON) | ~models.Q(status_reason=""),
                name="deployment_reason_when_repatriated_or_cancelled",
                violation_error_message=_(
                    "An early repatriation or a cancellation needs a reason."
                ),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.person} in {self.mission} ({self.starts_on:%Y-%m-%d}..{self.ends_on:%Y-%m-%d})"
        )

    @property
    def lifecycle_token(self) -> str:
        """What a move's form posts back (its status and planned end as the page showed them):
        a move on a tour changed since is refused as stale."""
        return f"{self.status}|{self.ends_on.isoformat()}"

    @property
    def tour_months(self) -> int:
        """The tour's length, from its own dates: each deployment has its own (the UNDOF company
        serves 12 months, the first UNIFIL rotation served 18)."""
        return whole_months(self.starts_on, self.ends_on)
