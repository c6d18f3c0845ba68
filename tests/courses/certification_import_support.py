"""Helpers of the certification history import's tests: files, rows and reference data."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from courses.services.certification_imports import (
    CERTIFICATION_COLUMNS,
    certification_import_apply,
    certification_import_preview,
    certification_import_upload,
)
from peacecentre.models import ImportFile
from tests import factories


def cert_row(**overrides) -> dict[str, str]:
    """A valid row: KZ-200002's UNSOC certificate of 2019, valid until 2023-03-31."""
    row = {
        "service_number": "KZ-200002",
        "course_code": "UNSOC",
        "number": "UNSOC-2019-0042",
        "issued_on": "2019-03-31",
        "valid_until": "2023-03-31",
    }
    return row | overrides


def certs_csv(
    rows: list[dict[str, str]],
    *,
    columns=CERTIFICATION_COLUMNS,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column.strip().lower(), "") for column in columns])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def certs_xlsx(rows: list[list], *, columns=CERTIFICATION_COLUMNS) -> bytes:
    workbook = Workbook()
    workbook.active.append(list(columns))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, by, name: str = "certifications.csv") -> ImportFile:
    return certification_import_upload(upload=SimpleUploadedFile(name, content), by=by)


def preview_of(content: bytes, by, name: str = "certifications.csv"):
    import_file = upload(content, by, name)
    return import_file, certification_import_preview(import_file=import_file)


def apply(import_file: ImportFile, by) -> dict:
    digest = certification_import_preview(import_file=import_file).digest
    return certification_import_apply(import_file=import_file, by=by, expected_digest=digest)


def recorded(person, course, number: str, issued_on: dt.date, **extra):
    """A certification already in the records (as a cohort or an earlier import left it)."""
    values = {
        "person": person,
        "certification_type": course.certification_type,
        "course": course,
        "number": number,
        "issued_on": issued_on,
        "valid_until": issued_on.replace(year=issued_on.year + 4),
    }
    return factories.CertificationFactory(**(values | extra))
