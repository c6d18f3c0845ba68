"""Helpers of the certification history import's tests: files, rows and reference data."""

from __future__ import annotations

import datetime as dt

from courses.views.certification_imports import CERTIFICATION_PAGES
from tests import factories
from tests.imports.import_support import ImportBuilder


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


CERTIFICATIONS = ImportBuilder(CERTIFICATION_PAGES, file_name="certifications.csv")
certs_csv = CERTIFICATIONS.csv
certs_xlsx = CERTIFICATIONS.xlsx
upload = CERTIFICATIONS.upload
preview_of = CERTIFICATIONS.preview_of
apply = CERTIFICATIONS.apply


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
