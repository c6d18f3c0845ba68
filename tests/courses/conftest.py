"""Fixtures shared by the courses tests: the two instructors of the gradebook's cohorts and
the cohort and grid its service and page tests share, the scheduling tests' course, the
reference data of the certification imports, and the race helper of the concurrency tests."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from tests import factories
from tests.courses.gradebook_support import (
    components,
    enrolments,
    make_instructor,
    running_cohort,
)


@pytest.fixture
def teacher():
    return make_instructor("aliya", first_name="Aliya", last_name="Seitkali")


@pytest.fixture
def colleague(teacher):
    return make_instructor("marat", first_name="Marat", last_name="Ospanov")


@pytest.fixture
def course(db):
    """A 19-day course that seats 24 (the scheduling tests)."""
    return factories.CourseFactory(code="UNSOC", duration_days=19, default_capacity=24)


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


def _race(*calls: Callable) -> list:
    """Run each call in its own thread and connection, all released at once; return what
    each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the test looks at what each user got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer never finished"
    return results


@pytest.fixture
def race() -> Callable[..., list]:
    """race(*calls): the calls at the same moment, each on its own database connection
    (the concurrency tests, PostgreSQL only: SQLite serialises every write)."""
    return _race


@pytest.fixture
def cohort(teacher, colleague):
    """The gradebook's cohort: two trainees and Abenov, taught by both instructors. A module
    with a cohort of its own overrides it."""
    cohort = running_cohort(trainees=2, instructors=[teacher, colleague], code="UNSOC-2026-03")
    factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(
            last_name="Abenov", first_name="Arman", service_number="KZ-1234"
        ),
    )
    return cohort


@pytest.fixture
def grid(cohort):
    """(Abenov, Trainee000, Trainee001), (written exam, field exercise)."""
    return enrolments(cohort), components(cohort)
