from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.service_owned import WRITTEN_ELSEWHERE, ServiceOwnedFieldsMixin, declare_service_owned

from .models import OutboxTask


class PendingFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", _("waiting for the broker")), ("sent", _("handed to the broker"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(sent_at__isnull=True)
        if self.value() == "sent":
            return queryset.filter(sent_at__isnull=False)
        return queryset


@admin.register(OutboxTask)
class OutboxTaskAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    """Read-only: rows are written by the pages and published by the relay."""

    list_display = ("task_name", "args", "created_at", "attempts", "next_attempt_at", "sent_at")
    list_filter = (PendingFilter, "task_name")
    search_fields = ("task_name", "task_id")
    date_hierarchy = "created_at"


declare_service_owned(
    {
        # Recorded by task_enqueue in the write's transaction, handed over by the relay.
        "outbox.outboxtask": WRITTEN_ELSEWHERE,
    }
)
