from django.contrib import admin

from .models import CommanderDigest, ReportRequest


@admin.register(ReportRequest)
class ReportRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are made from the pages and built by the worker."""

    list_display = ("title", "kind", "format", "requested_by", "status", "progress", "created_at")
    list_filter = ("kind", "status", "format")
    search_fields = ("title", "requested_by__username")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in ReportRequest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CommanderDigest)
class CommanderDigestAdmin(admin.ModelAdmin):
    list_display = ("commander", "week", "sent_at", "attempts", "last_error")
    list_filter = ("week",)
    list_select_related = ("commander",)
    readonly_fields = [field.name for field in CommanderDigest._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
