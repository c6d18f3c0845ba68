"""Reminders and digests in the admin: read-only logs, to answer "was this sent, and when"."""

from django.contrib import admin

from common.service_owned import WRITTEN_ELSEWHERE, ServiceOwnedFieldsMixin, declare_service_owned

from .models import Reminder, ReminderDigest


class ReadOnlyAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    """Every field is the reminder service's (common/service_owned.py): no add, change
    or delete."""


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "threshold",
        "recipient_email",
        "recipient_user",
        "due_on",
        "created_at",
        "sent_at",
    )
    list_filter = ("kind", "threshold", ("sent_at", admin.EmptyFieldListFilter), "due_on")
    search_fields = ("recipient_email",)
    date_hierarchy = "created_at"
    list_select_related = ("recipient_user",)
    raw_id_fields = ("recipient_user", "digest")


@admin.register(ReminderDigest)
class ReminderDigestAdmin(ReadOnlyAdmin):
    list_display = ("day", "recipient_email", "user", "item_count", "sent_at")
    list_filter = ("day", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("recipient_email",)
    date_hierarchy = "day"
    list_select_related = ("user",)


declare_service_owned(
    {
        # Recorded by the sweeps and sent by the digests.
        "notifications.reminder": WRITTEN_ELSEWHERE,
        "notifications.reminderdigest": WRITTEN_ELSEWHERE,
    }
)
