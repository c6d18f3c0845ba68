"""Helpers of the certification history import's tests: files, rows and reference data."""

from __future__ import annotations

import datetime as dt

import pytest

from courses.views.certification_imports import CERTIFICATION_PAGES
from tests import factories
from tests.peacecentre.import_support import ImportBuilder


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


@pytest.fixture
def catalogue(db):
    """Two people and three courses: UNSOC (48 months), POC (24 months, the same
    certification type as nothing else) and a language course that grants nothing."""
    unsoc_type = factories.CertificationTypeFactory(code="UNSOC", name="UN Staff Officer")
    poc_type = factories.CertificationTypeFactory(code="POC", name="Protection of Civilians")
    return {
        "abenov": factories.PersonFactory(
            service_number="KZ-200002", last_name="Abenov", first_name="Yerlan"
        ),
        "ospanova": factories.PersonFactory(
            service_number="KZ-200003", last_name="Ospanova", first_name="Gulnara"
        ),
        "unsoc": factories.CourseFactory(
            code="UNSOC", certification_type=unsoc_type, validity_months=48
        ),
        "poc": factories.CourseFactory(code="POC", certification_type=poc_type, validity_months=24),
        "eng": factories.CourseFactory(
            code="ENG-B1", kind="language", certification_type=None, validity_months=None
        ),
    }


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
