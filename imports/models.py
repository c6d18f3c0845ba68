"""The base's one model: an uploaded import file, kept between its preview and its
application."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def import_file_path(instance: "ImportFile", filename: str) -> str:
    """Where an upload is kept: a random name, never the name the user chose (no paths, no
    clashes); only the extension is kept, and only a known one."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = f".{extension}" if extension in ImportFile.EXTENSIONS else ""
    return f"imports/{instance.kind}/{uuid.uuid4().hex}{suffix}"


class ImportKind(models.TextChoices):
    PEOPLE = "people", _("personnel register")
    CERTIFICATIONS = "certifications", _("certification history")


class ImportFile(models.Model):
    """An uploaded CSV/XLSX file kept between its preview and its confirmation, so that what
    is applied is exactly what was previewed. Applied at most once (`applied_at`)."""

    Kind = ImportKind
    EXTENSIONS = ("csv", "xlsx")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="import_files",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.JSONField(
        _("summary"), default=dict, blank=True, help_text=_("What applying it did (counts).")
    )

    class Meta:
        verbose_name = _("import file")
        verbose_name_plural = _("import files")
        # Kept under the table name the model was released with (before the common app).
        db_table = "peacecentre_importfile"
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["uploaded_by", "kind"], name="import_file_uploader")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ImportKind.values), name="import_file_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(applied_at__isnull=True, applied_by__isnull=True)
                | models.Q(applied_at__isnull=False, applied_by__isnull=False),
                name="import_file_applied_with_who",
                violation_error_message=_("An applied import records who applied it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()}, {self.uploaded_at:%Y-%m-%d})"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None
