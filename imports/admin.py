"""Admin for the files uploaded to the import pages."""

from django.contrib import admin

from common.service_owned import WRITTEN_ELSEWHERE, ServiceOwnedFieldsMixin, declare_service_owned

from .models import ImportFile


@admin.register(ImportFile)
class ImportFileAdmin(ServiceOwnedFieldsMixin, admin.ModelAdmin):
    """Uploaded import files: read-only here, they are created and applied by the import pages."""

    list_display = ("original_name", "kind", "uploaded_by", "uploaded_at", "applied_at", "size")
    list_filter = ("kind", ("applied_at", admin.EmptyFieldListFilter))
    list_select_related = ("uploaded_by",)
    search_fields = ("original_name", "uploaded_by__username", "sha256")
    date_hierarchy = "uploaded_at"


declare_service_owned(
    {
        # Uploads are made and applied by the import pages.
        "imports.importfile": WRITTEN_ELSEWHERE,
    }
)
