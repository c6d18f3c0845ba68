from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from personnel.models.choices import in_choices


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    OPEN = "open", _("open for enrolment")
    IN_PROGRESS = "in_progress", _("in progress")
    FINALISED = "finalised", _("finalised")
    CANCELLED = "cancelled", _("cancelled")


class Cohort(models.Model):
    """One dated run of a course."""

    Status = CohortStatus

    course = models.ForeignKey(
        "courses.Course", verbose_name=_("course"), on_delete=models.PROTECT, related_name="cohorts"
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("instructors"),
        blank=True,
        related_name="taught_cohorts",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        permissions = [
            ("finalise_cohort", _("Can finalise a cohort's results")),
            ("reopen_cohort", _("Can reopen a finalised cohort")),
        ]
        ordering = ["-starts_on", "code"]
        indexes = [models.Index(fields=["status", "starts_on"], name="cohort_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="cohort_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="cohort_capacity_positive",
                violation_error_message=_("A cohort needs at least one seat."),
            ),
            models.CheckConstraint(
                condition=in_choices("status", CohortStatus), name="cohort_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="finalised") | models.Q(finalised_at__isnull=False),
                name="cohort_finalised_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class CohortStatusChange(models.Model):
    """One move of a cohort between statuses: who, when, and why (a reopened gradebook or a
    cancellation keeps its reason here)."""

    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=16, choices=CohortStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=CohortStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort status change")
        verbose_name_plural = _("cohort status changes")
        ordering = ["cohort", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=in_choices("from_status", CohortStatus)
                & in_choices("to_status", CohortStatus),
                name="cohort_status_change_known",
            ),
            # Reopening a finalised gradebook is allowed only with a reason.
            models.CheckConstraint(
                condition=~models.Q(from_status="finalised") | ~models.Q(reason=""),
                name="cohort_reopening_has_reason",
                violation_error_message=_("Reopening a finalised cohort needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.from_status} -> {self.to_status}"


class EnrolmentStatus(models.TextChoices):
    NOMINATED = "nominated", _("nominated")
    ENROLLED = "enrolled", _("enrolled")
    WAITLISTED = "waitlisted", _("waitlisted")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DECLINED = "declined", _("declined")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")


class Enrolment(models.Model):
    """A person's place in a cohort; one per person per cohort."""

    Status = EnrolmentStatus

    # Statuses that hold a seat in the cohort.
    SEATED = (Status.ENROLLED, Status.PASSED, Status.FAILED)

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "personnel.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ENROLLED
    )
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    nominating_country = CountryField(
        _("nominating country"), blank=True, help_text=_("For partner countries' nominations.")
    )
    nominating_party = models.CharField(_("nominated by"), max_length=200, blank=True)
    status_reason = models.CharField(_("reason"), max_length=255, blank=True)
    promoted_at = models.DateTimeField(
        _("promoted from the waitlist at"), null=True, blank=True, editable=False
    )
    promotion_notified_at = models.DateTimeField(
        _("told of the promotion at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set once the promotion e-mail went out, so it is never sent twice."),
    )
    final_score = models.DecimalField(
        _("weighted total"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    attendance_percent = models.DecimalField(
        _("attendance (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Share of course days present, fixed when the cohort is finalised."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "person__last_name", "person__first_name"]
        indexes = [models.Index(fields=["cohort", "status"], name="enrolment_cohort_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"],
                name="enrolment_once_per_cohort",
                violation_error_message=_("This person already has an enrolment in this cohort."),
            ),
            models.CheckConstraint(
                condition=in_choices("status", EnrolmentStatus), name="enrolment_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status="waitlisted", waitlist_position__isnull=False)
                | (~models.Q(status="waitlisted") & models.Q(waitlist_position__isnull=True)),
                name="enrolment_waitlist_position_iff_waitlisted",
            ),
            # Positions are renumbered in two steps (courses/services/enrolment/waitlist.py)
            # because SQLite has no deferrable unique constraints.
            models.UniqueConstraint(
                fields=["cohort", "waitlist_position"],
                name="enrolment_waitlist_position_unique",
                violation_error_message=_("Two people cannot share a waitlist position."),
            ),
            models.CheckConstraint(
                condition=models.Q(waitlist_position__isnull=True)
                | models.Q(waitlist_position__gte=1),
                name="enrolment_waitlist_position_from_1",
            ),
            models.CheckConstraint(
                condition=models.Q(final_score__isnull=True)
                | models.Q(final_score__gte=0, final_score__lte=100),
                name="enrolment_final_score_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(attendance_percent__isnull=True)
                | models.Q(attendance_percent__gte=0, attendance_percent__lte=100),
                name="enrolment_attendance_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.cohort} ({self.get_status_display()})"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("present")
    ABSENT = "absent", _("absent")
    EXCUSED = "excused", _("excused")


class Attendance(models.Model):
    Status = AttendanceStatus

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["enrolment", "day"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "day"], name="attendance_once_per_day"),
            models.CheckConstraint(
                condition=in_choices("status", AttendanceStatus), name="attendance_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.person} {self.day}: {self.get_status_display()}"


class AssessmentResult(models.Model):
    """A trainee's score on one component. Every change is kept (who, when, old and new) in
    its history; the database refuses a score outside the component's range."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="results"
    )
    component = models.ForeignKey(
        "courses.AssessmentComponent",
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    remarks = models.CharField(_("remarks"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        ordering = ["enrolment", "component__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "component"], name="result_once_per_component"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.person}: {self.component.name} {self.score}"
