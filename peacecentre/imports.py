"""Uploaded files kept between an import's preview and its confirmation (ImportFile).

Any import (the personnel register now, certification history later) stores the upload here,
previews it, and applies exactly the stored bytes once the user confirms.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import ImportFile, User
from .roles import Role, has_role


@transaction.atomic
def import_file_create(*, kind: str, upload: UploadedFile, content: bytes, by: User) -> ImportFile:
    """Keep `content` (the bytes of `upload`, already read and checked by the caller) under a
    random name in the media storage, with its original name, size and SHA-256."""
    import_file = ImportFile(
        kind=kind,
        original_name=(upload.name or "upload")[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    # The storage name comes from import_file_path (a uuid); the original name only lends its
    # extension.
    import_file.file.save(import_file.original_name, ContentFile(content), save=False)
    import_file.save()
    return import_file


def import_file_upload(import_file: ImportFile) -> UploadedFile:
    """The stored file as an upload again, under its original name, for read_table().
    Raises ValidationError when the stored file is gone."""
    try:
        with import_file.file.open("rb") as stored:
            content = stored.read()
    except FileNotFoundError as exc:
        raise ValidationError(
            _("The file %(name)s is no longer stored; upload it again.")
            % {"name": import_file.original_name},
            code="file_missing",
        ) from exc
    return SimpleUploadedFile(import_file.original_name, content)


def import_files_for(user: User, *, kind: str) -> QuerySet[ImportFile]:
    """Imports of `kind` that `user` may open: their own; an administrator's, everyone's."""
    files = ImportFile.objects.filter(kind=kind).select_related("uploaded_by", "applied_by")
    if has_role(user, Role.ADMINISTRATOR):
        return files
    if not user.is_authenticated:
        return files.none()
    return files.filter(uploaded_by=user)
