"""The builder every import's tests share (imports/services.py runs every import): files made
from rows, CSV or XLSX, and the import driven through its service or through its pages."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from imports.models import ImportFile
from imports.services import Importer
from imports.views import ImportPages


def read_csv(content: bytes) -> list[list[str]]:
    """A downloaded CSV's rows (its byte order mark left out)."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class ImportBuilder:
    """One import's files and steps. `file_name` names an uploaded file unless told."""

    def __init__(self, pages: ImportPages, *, file_name: str) -> None:
        self.pages = pages
        self.importer: Importer = pages.importer
        self.file_name = file_name

    # --- files -------------------------------------------------------------------------

    def csv(
        self,
        rows: Sequence[dict[str, str]],
        *,
        columns: Sequence[str] | None = None,
        delimiter: str = ",",
        bom: bool = False,
    ) -> bytes:
        """A CSV of `rows` (each a dict by column) under a header of `columns` (the import's
        by default, written as given: a column's cell is looked up by its name stripped and
        in lower case)."""
        columns = self.importer.columns if columns is None else columns
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column.strip().lower(), "") for column in columns])
        return (("\ufeff" if bom else "") + buffer.getvalue()).encode()

    def xlsx(self, rows: Sequence[Sequence], *, columns: Sequence[str] | None = None) -> bytes:
        """An Excel workbook of `rows` (each a list of cells, any type) under `columns`."""
        workbook = Workbook()
        workbook.active.append(list(self.importer.columns if columns is None else columns))
        for row in rows:
            workbook.active.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    # --- through the service -----------------------------------------------------------

    def upload(self, content: bytes, by, name: str | None = None) -> ImportFile:
        upload = SimpleUploadedFile(name or self.file_name, content)
        return self.importer.upload(upload=upload, by=by)

    def preview_of(self, content: bytes, by, name: str | None = None):
        import_file = self.upload(content, by, name)
        return import_file, self.importer.preview(import_file=import_file)

    def apply(self, import_file: ImportFile, by, *, valid_only: bool = False) -> dict:
        """Apply `import_file` as its preview is now."""
        digest = self.importer.preview(import_file=import_file).digest
        return self.importer.apply(
            import_file=import_file, by=by, expected_digest=digest, valid_only=valid_only
        )

    # --- through the pages -------------------------------------------------------------

    def url(self, page: str = "", *args) -> str:
        """The URL of one of the import's pages: "" (the upload page), "template", "preview",
        "apply", "errors", "refused"."""
        return reverse(self.pages.url_name(page), args=args)

    def page_urls(self, import_file: ImportFile) -> list[tuple[str, str]]:
        """(method, url) of every page of the import."""
        pk = import_file.pk
        return [
            ("get", self.url()),
            ("get", self.url("template", "csv")),
            ("get", self.url("template", "xlsx")),
            ("get", self.url("preview", pk)),
            ("post", self.url("apply", pk)),
            ("get", self.url("errors", pk)),
            ("get", self.url("refused", pk)),
        ]

    def post_file(self, client, content: bytes, name: str | None = None):
        """Upload `content` on the upload page."""
        return client.post(
            self.url(), {"file": SimpleUploadedFile(name or self.file_name, content)}
        )

    def post_apply(
        self,
        client,
        import_file: ImportFile,
        *,
        digest: str | None = None,
        valid_only: bool = False,
        **options,
    ):
        """Confirm `import_file` on its page: the preview of `digest`, by default the preview
        as it is now; with `valid_only`, its valid rows only. `options` go to client.post
        (follow=True)."""
        if digest is None:
            digest = self.importer.preview(import_file=import_file).digest
        data = {"digest": digest}
        if valid_only:
            data["valid_only"] = "1"
        return client.post(self.url("apply", import_file.pk), data, **options)
