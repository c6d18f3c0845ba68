"""PCRS as records (docs/domain.md, Unit readiness: PCRS): a unit's pledge to the UN
Peacekeeping Capability Readiness System, the history of its level, and the findings of its
assessment visits with their corrective actions.

What the database holds (services/pcrs.py checks the same first, with a message):
- one pledge per unit; its renewal falls due after it was registered;
- a pledge at Level 2 or above names the assessment visit that backs it, and so does every
  change of level to 2 or above (whether that visit is a passed AAV still current on the
  day is the service's check: it depends on the day);
- the Rapid Deployment Level carries the number of days the unit deploys within after a UN
  request, 60 at most;
- a corrective action is closed with its day, never before it was found.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from personnel.models.choices import in_choices
from readiness.models.units import PCRSLevel

BACKED_LEVELS = (PCRSLevel.LEVEL_2, PCRSLevel.LEVEL_3, PCRSLevel.RAPID)
RDL_MAX_DAYS = 60  # RDL: deployable within 60 days of a UN request (PCRS Guidelines 2019.01)


def _backed(level_field: str, visit_field: str) -> models.Q:
    return models.Q(**{f"{level_field}__in": [PCRSLevel.LEVEL_1]}) | models.Q(
        **{f"{visit_field}__isnull": False}
    )


class PCRSPledge(models.Model):
    """A unit's pledge to the PCRS: registered on a day at Level 1, renewed every 6 months
    after its first 12, raised to Level 2 and above only on a passed, current AAV."""

    unit = models.OneToOneField(
        "personnel.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="pcrs_pledge",
    )
    registered_on = models.DateField(_("registered on"))
    capability = models.CharField(
        _("capability"),
        max_length=200,
        help_text=_('What is pledged, e.g. "Infantry company (120)" or "Level II hospital".'),
    )
    level = models.CharField(
        _("PCRS level"), max_length=3, choices=PCRSLevel.choices, default=PCRSLevel.LEVEL_1
    )
    level_since = models.DateField(_("level since"))
    backing_visit = models.ForeignKey(
        "readiness.UnitReadinessAssessment",
        verbose_name=_("backing assessment visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="backed_pledges",
    )
    deploy_within_days = models.PositiveSmallIntegerField(
        _("deploys within (days)"),
        null=True,
        blank=True,
        help_text=_("Rapid Deployment Level: days from a UN request to deployment, 60 at most."),
    )
    renewed_on = models.DateField(_("last renewed on"), null=True, blank=True)
    renewal_due_on = models.DateField(_("renewal due on"))
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("PCRS pledge")
        verbose_name_plural = _("PCRS pledges")
        ordering = ["unit__path"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("level", PCRSLevel), name="pledge_level_known"
            ),
            models.CheckConstraint(
                condition=_backed("level", "backing_visit"),
                name="pledge_level_backed_by_visit",
                violation_error_message=_("Level 2 and above need a passed assessment visit."),
            ),
            models.CheckConstraint(
                condition=~models.Q(level=PCRSLevel.RAPID)
                | models.Q(
                    deploy_within_days__isnull=False,
                    deploy_within_days__gte=1,
                    deploy_within_days__lte=RDL_MAX_DAYS,
                ),
                name="pledge_rdl_within_60_days",
                violation_error_message=_(
                    "The Rapid Deployment Level means deploying within 60 days of a request."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_due_on__gt=models.F("registered_on")),
                name="pledge_renewal_after_registration",
            ),
            models.CheckConstraint(
                condition=models.Q(renewed_on__isnull=True)
                | models.Q(renewed_on__gte=models.F("registered_on")),
                name="pledge_renewed_after_registration",
            ),
            models.CheckConstraint(
                condition=models.Q(level_since__gte=models.F("registered_on")),
                name="pledge_level_since_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} PCRS {self.level}"

    def renewal_overdue(self, on: dt.date) -> bool:
        return self.renewal_due_on < on


class PCRSLevelChange(models.Model):
    """One step of a pledge's level: the level from a day, the visit that backs it (Level 2
    and above), who recorded it and why. Written by the services, never edited."""

    pledge = models.ForeignKey(
        PCRSPledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="levels"
    )
    level = models.CharField(_("PCRS level"), max_length=3, choices=PCRSLevel.choices)
    changed_on = models.DateField(_("from"))
    backing_visit = models.ForeignKey(
        "readiness.UnitReadinessAssessment",
        verbose_name=_("backing assessment visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="backed_levels",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("PCRS level change")
        verbose_name_plural = _("PCRS level changes")
        ordering = ["pledge", "changed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("level", PCRSLevel), name="pcrs_level_change_known"
            ),
            models.CheckConstraint(
                condition=_backed("level", "backing_visit"),
                name="pcrs_level_change_backed",
                violation_error_message=_("Level 2 and above need a passed assessment visit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pledge.unit} {self.level} {self.changed_on}"


class VisitFinding(models.Model):
    """What an assessment visit found, in one area or in general, with the corrective action
    it calls for, who owns it and by when; closed on a day with a note."""

    visit = models.ForeignKey(
        "readiness.UnitReadinessAssessment",
        verbose_name=_("visit"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    area = models.ForeignKey(
        "readiness.AssessmentArea",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    finding = models.TextField(_("finding"))
    corrective_action = models.TextField(_("corrective action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pcrs_actions",
        help_text=_("Who carries the action out. Blank: the unit's commander."),
    )
    due_on = models.DateField(_("due on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closure_note = models.TextField(_("how it was closed"), blank=True)

    class Meta:
        verbose_name = _("visit finding")
        verbose_name_plural = _("visit findings")
        ordering = ["visit", "due_on", "pk"]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=models.Q(closed_on__isnull=True),
                name="finding_open_due",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | ~models.Q(closure_note=""),
                name="finding_closed_with_note",
                violation_error_message=_("Say how the corrective action was closed."),
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=False) | models.Q(closed_by__isnull=True),
                name="finding_closed_by_only_when_closed",
            ),
            models.CheckConstraint(
                condition=~models.Q(finding="") & ~models.Q(corrective_action=""),
                name="finding_and_action_not_blank",
            ),
        ]

    def __str__(self) -> str:
        return self.finding[:60]

    def is_overdue(self, on: dt.date) -> bool:
        return self.closed_on is None and self.due_on < on
