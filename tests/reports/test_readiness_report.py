"""The readiness matrix report kind and its build: the file holds what the page's selectors
give, for the requester's scope; who may request it; a fixed number of queries."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from reports.kinds import kind_for
from reports.models import ReportRequest
from tests import factories
from tests.readiness.matrix_support import people_in
from tests.reports.support import (
    built,
    command,
    page_rows,
    request_matrix,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

KIND = kind_for("readiness_matrix")


def test_a_commanders_report_is_built_and_matches_the_page(commander, world):
    report = built(request_matrix(commander, profile=world["profile"], sort="-name"))
    assert report.status == ReportRequest.Status.DONE
    assert report.progress == 100
    assert report.filename.endswith(".xlsx")
    assert report.size == report.file.size
    [(title, rows)] = xlsx_rows(report.file.read()).items()
    assert title == world["profile"].name
    assert rows == page_rows(commander, world["profile"], sort="-name")
    # Only the commander's subtree, sorted as asked.
    assert [row[0] for row in rows[1:]] == ["KZ-3", "KZ-2", "KZ-1"]
    assert {row[7] for row in rows[1:]} == {"Ready", "Ready, lapsing soon", "Not ready"}


def test_the_filters_of_the_page_are_kept(commander, world):
    company = world["units"]["KAZBAT-1"]
    report = built(
        request_matrix(commander, profile=world["profile"], unit=company, readiness="not_ready")
    )
    rows = xlsx_rows(report.file.read())[world["profile"].name]
    assert [row[0] for row in rows[1:]] == ["KZ-3"]
    assert report.parameters["unit"] == company.pk
    assert "KAZBAT-1" in report.title
    assert ("Unit", "KAZBAT-1 and the units under it") in KIND.describe(report.parameters)
    assert KIND.source_url(report.parameters).startswith("/personnel/readiness/?")
    assert f"unit={company.pk}" in KIND.source_url(report.parameters)


def test_a_registrar_reports_on_the_whole_register(registrar, world):
    report = built(request_matrix(registrar, profile=world["profile"]))
    rows = xlsx_rows(report.file.read())[world["profile"].name]
    assert sorted(row[0] for row in rows[1:]) == ["KZ-1", "KZ-2", "KZ-3", "KZ-4", "KZ-5"]
    assert report.parameters["units"] is None


def test_a_formula_like_text_is_stored_as_text(registrar, world):
    factories.PersonFactory(
        unit=world["units"]["MOD"], service_number="KZ-9", last_name="=HYPERLINK(1)"
    )
    report = built(request_matrix(registrar, profile=world["profile"]))
    rows = xlsx_rows(report.file.read())[world["profile"].name]
    assert ["KZ-9", "=HYPERLINK(1)"] in [[row[0], row[2]] for row in rows[1:]]
    from openpyxl import load_workbook

    sheet = load_workbook(report.file.path).active
    cells = [c for c in sheet["C"] if c.value == "=HYPERLINK(1)"]
    assert cells
    assert cells[0].data_type == "s"
    assert cells[0].quotePrefix  # Excel keeps it text when the cell is edited


# --- who may request ---------------------------------------------------------------------


def test_another_commanders_unit_is_refused(world):
    other = factories.UserFactory(username="other-cmdr", roles=[Role.COMMANDER])
    command(world["units"]["MIA"], other)
    with pytest.raises(PermissionDenied):
        request_matrix(other, profile=world["profile"], unit=world["units"]["KAZBAT"])
    assert not ReportRequest.objects.exists()


def test_an_instructor_cannot_request_it(instructor, world):
    with pytest.raises(PermissionDenied):
        request_matrix(instructor, profile=world["profile"])
    with pytest.raises(PermissionDenied):
        request_matrix(instructor, profile=world["profile"], unit=world["units"]["MOD"])


def test_a_commander_without_units_cannot_request_it(world):
    lost = factories.UserFactory(username="no-units", roles=[Role.COMMANDER])
    with pytest.raises(PermissionDenied):
        request_matrix(lost, profile=world["profile"])


def test_bad_filters_are_named(commander, world):
    with pytest.raises(ValidationError) as caught:
        request_matrix(commander, profile=world["profile"], tour_months="99")
    assert any(message.startswith("Tour (months):") for message in caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        request_matrix(commander, profile=world["profile"], unit="999999")
    assert any(message.startswith("Unit:") for message in caught.value.messages)
    with pytest.raises(ValidationError) as caught:
        request_matrix(commander, profile="999999")
    assert any("Requirement profile" in message for message in caught.value.messages)


def test_covers_follows_the_scope(commander, registrar, instructor, world):
    report = request_matrix(commander, profile=world["profile"], unit=world["units"]["KAZBAT-1"])
    assert KIND.covers(commander, report.parameters)
    assert KIND.covers(registrar, report.parameters)
    assert not KIND.covers(instructor, report.parameters)
    # The commander of MOD (above KAZBAT) covers it too; MIA's commander does not.
    above = factories.UserFactory(username="mod-cmdr", roles=[Role.COMMANDER])
    beside = factories.UserFactory(username="mia-cmdr", roles=[Role.COMMANDER])
    command(world["units"]["MOD"], above)
    command(world["units"]["MIA"], beside)
    assert KIND.covers(above, report.parameters)
    assert not KIND.covers(beside, report.parameters)
    # A report over the whole register is for those who see everything.
    whole = request_matrix(registrar, profile=world["profile"])
    assert not KIND.covers(commander, whole.parameters)


# --- a fixed number of queries -----------------------------------------------------------


def _build_queries(commander, world) -> tuple[int, int]:
    """(queries of the build apart from its progress writes, progress writes)."""
    report = request_matrix(commander, profile=world["profile"])
    with CaptureQueriesContext(connection) as queries:
        built(report)
    assert ReportRequest.objects.get(pk=report.pk).status == "done"
    progress = [q for q in queries if 'SET "progress"' in q["sql"] and "UPDATE" in q["sql"]]
    return len(queries) - len(progress), len(progress)


def test_the_build_does_not_grow_in_queries_with_rows(commander, world):
    small, _ = _build_queries(commander, world)
    people_in(world["units"]["KAZBAT-1"], 60, prefix="MANY", state="ready")
    large, progress_writes = _build_queries(commander, world)
    assert large == small
    assert large <= 20
    # Progress is written every 5 % at most (or every 0.5 s): about 20 writes, not 63.
    assert 1 <= progress_writes <= 20
