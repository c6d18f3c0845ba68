"""The reminder log: what each daily sweep found, for whom, and when it was mailed.

A reminder is recorded once: the database refuses a second row with the same kind, object,
threshold and recipient (`reminder_once`), so a sweep run twice the same day, or on two
workers at once, records nothing new. A digest is one recipient's mail of one day
(`digest_once_a_day`); its row is locked while it is sent, so nobody is mailed twice a day.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from personnel.models.choices import in_choices


class ReminderKind(models.TextChoices):
    CERTIFICATION_LAPSING = "certification_lapsing", _("certification lapsing")
    MEDICAL_LAPSING = "medical_lapsing", _("medical clearance lapsing")
    PASSPORT_LAPSING = "passport_lapsing", _("passport lapsing")
    LANGUAGE_LAPSING = "language_lapsing", _("language proficiency lapsing")
    DRIVING_LAPSING = "driving_lapsing", _("driving licence lapsing")
    WEAPONS_LAPSING = "weapons_lapsing", _("weapons qualification lapsing")
    COHORT_STARTING = "cohort_starting", _("cohort starting")
    RESULTS_MISSING = "results_missing", _("results missing")
    RECOGNITION_LAPSING = "recognition_lapsing", _("UN recognition lapsing")
    DEPARTURE_DUE = "departure_due", _("departure not recorded")
    RETURN_DUE = "return_due", _("return not recorded")
    PCRS_RENEWAL_DUE = "pcrs_renewal_due", _("PCRS pledge renewal due")
    PCRS_ACTION_OVERDUE = "pcrs_action_overdue", _("corrective action overdue")


class Reminder(models.Model):
    """One thing one recipient should act on: a record lapsing at a threshold (days ahead),
    a cohort starting, results missing, a course's UN recognition lapsing. `details` holds
    what the mail's sentence needs, as plain values, so the sentence is written in the
    recipient's language when it is sent."""

    Kind = ReminderKind

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    subject = GenericForeignKey("content_type", "object_id")
    threshold = models.CharField(
        _("threshold"),
        max_length=16,
        help_text=_(
            'Days ahead ("90", "30", "7", "0"; "7", "1" for a cohort starting), who is told '
            'of missing results ("instructors", "registrars"), or "6m" for UN recognition.'
        ),
    )
    recipient_email = models.EmailField(_("recipient e-mail"))
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminders",
    )
    due_on = models.DateField(
        _("due on"), help_text=_("The day it lapses, the cohort starts or the cohort ended.")
    )
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    digest = models.ForeignKey(
        "notifications.ReminderDigest",
        verbose_name=_("digest"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,  # a sent reminder keeps the digest that carried it
        related_name="reminders",
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The digest task: unsent reminders by recipient.
            models.Index(
                fields=["recipient_email"],
                condition=models.Q(sent_at__isnull=True),
                name="reminder_unsent_recipient",
            ),
            # The user's page (newest first) and the home include (by due date).
            models.Index(fields=["recipient_user", "-created_at"], name="reminder_user_newest"),
            models.Index(fields=["recipient_user", "due_on"], name="reminder_user_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "threshold", "recipient_email"],
                name="reminder_once",
            ),
            models.CheckConstraint(
                condition=in_choices("kind", ReminderKind), name="reminder_kind_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(recipient_email=""), name="reminder_recipient_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(recipient_email=Lower("recipient_email")),
                name="reminder_recipient_lower_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(threshold=""), name="reminder_threshold_not_blank"
            ),
            # Marked sent only together with the digest that carried it.
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(digest__isnull=False),
                name="reminder_sent_in_a_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.threshold}) to {self.recipient_email}"


class ReminderDigest(models.Model):
    """One recipient's reminder mail of one day. Created and locked when the day's mail is
    being sent; `sent_at` is set in the same transaction as the mail went."""

    recipient_email = models.EmailField(_("recipient e-mail"))
    day = models.DateField(_("day"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reminder_digests",
    )
    sent_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("reminders"), default=0)

    class Meta:
        verbose_name = _("reminder digest")
        verbose_name_plural = _("reminder digests")
        ordering = ["-day", "recipient_email"]
        constraints = [
            models.UniqueConstraint(fields=["recipient_email", "day"], name="digest_once_a_day"),
            models.CheckConstraint(
                condition=~models.Q(recipient_email=""), name="digest_recipient_not_blank"
            ),
            models.CheckConstraint(
                condition=models.Q(recipient_email=Lower("recipient_email")),
                name="digest_recipient_lower_case",
            ),
            models.CheckConstraint(
                condition=models.Q(sent_at__isnull=True) | models.Q(item_count__gte=1),
                name="digest_sent_has_items",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_email} {self.day}"
