from django.contrib import admin

from common.service_owned import WRITTEN_ELSEWHERE, ServiceOwnedFieldsMixin, declare_service_owned

from .models import CommanderDigest, ReportRequest


@admin.register(ReportRequest)
class ReportRequestAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    """Read-only: requests are made from the pages and built by the worker."""

    list_display = ("title", "kind", "format", "requested_by", "status", "progress", "created_at")
    list_filter = ("kind", "status", "format")
    search_fields = ("title", "requested_by__username")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"


@admin.register(CommanderDigest)
class CommanderDigestAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    list_display = ("commander", "week", "sent_at", "attempts", "last_error")
    list_filter = ("week",)
    list_select_related = ("commander",)


declare_service_owned(
    {
        # Built, sent and written by their services and the worker.
        "reports.reportrequest": WRITTEN_ELSEWHERE,
        "reports.commanderdigest": WRITTEN_ELSEWHERE,
    }
)
