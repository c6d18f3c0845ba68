import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKindCode(models.TextChoices):
    """Stored in the database and in queued messages: never renamed once released. What each
    kind builds and who may have it lives in reports/kinds/."""

    READINESS_MATRIX = "readiness_matrix", _("Readiness matrix")
    CONTINGENT_READINESS = "contingent_readiness", _("Contingent readiness")
    COHORT_RESULTS = "cohort_results", _("Cohort results")
    CERTIFICATIONS_LAPSING = "certifications_lapsing", _("Certifications lapsing")
    GENDER_BALANCE = "gender_balance", _("Gender balance")
    NOMINAL_ROLL = "nominal_roll", _("Nominal roll")


class ReportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


def report_file_path(instance: "ReportRequest", filename: str) -> str:
    """A random name under the request's month; the name the user downloads is `filename`."""
    return f"reports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.{instance.format}"


class ReportRequest(models.Model):
    """A report someone asked for: built by a Celery task (reports.tasks), its
    progress shown on its page, its file downloadable by anyone whose scope covers it, and
    removed after REPORT_RETENTION_DAYS by a scheduled task."""

    Kind = ReportKindCode
    Format = ReportFormat
    Status = ReportStatus

    kind = models.CharField(_("kind"), max_length=40, choices=ReportKindCode.choices)
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=255)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_requests",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written by the build every REPORT_HEARTBEAT_SECONDS while it runs: a running report
    # whose heartbeat stopped lost its worker, and the watchdog queues it again.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file_removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="report_requester"),
            models.Index(fields=["status", "finished_at"], name="report_status_finished"),
            models.Index(
                fields=["heartbeat_at"],
                condition=models.Q(status="running"),
                name="report_running_heartbeat",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ReportKindCode.values), name="report_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=ReportFormat.values), name="report_format_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="report_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.DONE)
                | (models.Q(finished_at__isnull=False) & ~models.Q(filename="")),
                name="report_done_has_file",
                violation_error_message=_("A finished report has its file and its end time."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReportStatus.FAILED) | ~models.Q(error=""),
                name="report_failed_has_error",
                violation_error_message=_("A failed report says why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_format_display()}, {self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.DONE, ReportStatus.FAILED)

    @property
    def is_downloadable(self) -> bool:
        return self.status == ReportStatus.DONE and bool(self.file) and not self.file_removed_at


class CommanderDigest(models.Model):
    """The weekly readiness digest of one commander for one week (its Monday). The database
    holds one per (commander, week), so a second run of the weekly task sends nothing new;
    `sent_at` is set only once the mail server has accepted the mail."""

    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commander"),
        on_delete=models.CASCADE,
        related_name="commander_digests",
    )
    week = models.DateField(_("week of"), help_text=_("The Monday of the week."))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("commander digest")
        verbose_name_plural = _("commander digests")
        ordering = ["-week", "commander_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["commander", "week"], name="commander_digest_once_a_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commander} · {self.week:%Y-%m-%d}"
