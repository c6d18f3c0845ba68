"""The readiness matrix exports (CSV, XLSX): all rows, the page's filters and scope, a verdict
and a reason per requirement, formulas escaped."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from tests import factories
from tests.readiness.matrix_support import (
    contingent_profile,
    make_person,
    only_active,
    people_in,
)

pytestmark = pytest.mark.django_db


def url(file_format: str) -> str:
    return reverse("readiness:readiness_matrix_export", args=[file_format])


@pytest.fixture
def world(tree):
    profile = contingent_profile()
    only_active(profile)
    make_person("ready", unit=tree["KAZBAT"], service_number="KZ-1", last_name="Abenov")
    make_person("not_ready", unit=tree["KAZBAT-1"], service_number="KZ-2", last_name="=HYPERLINK()")
    make_person("ready", unit=tree["MIA-FPU"], service_number="KZ-9", last_name="Outside")
    return profile


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_anonymous_is_sent_to_login(client):
    response = client.get(url("csv"))
    assert response.status_code == 302


def test_instructor_is_refused(client, instructor):
    client.force_login(instructor)
    assert client.get(url("csv")).status_code == 403
    assert client.get(url("xlsx")).status_code == 403


def test_unknown_format_is_not_found(client, registrar, world):
    client.force_login(registrar)
    assert client.get(url("pdf")).status_code == 404


def test_csv_has_a_verdict_and_a_reason_per_requirement(client, registrar, world):
    client.force_login(registrar)
    response = client.get(url("csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"readiness-{world.code}-" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:3] == ["Service number", "Rank", "Last name"]
    assert "Medical clearance" in header
    assert "Medical clearance: reason" in header
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_number) == {"KZ-1", "KZ-2", "KZ-9"}
    assert by_number["KZ-2"]["Medical clearance"] == "not met"
    assert "medical clearance" in by_number["KZ-2"]["Medical clearance: reason"].lower()
    assert by_number["KZ-2"]["Readiness"] == "Not ready"
    assert by_number["KZ-1"]["Medical clearance"] == "met"
    # A name that looks like a formula is written as text.
    assert by_number["KZ-2"]["Last name"] == "'=HYPERLINK()"


def test_xlsx_holds_the_same_rows(client, registrar, world):
    client.force_login(registrar)
    response = client.get(url("xlsx"), {"readiness": "not_ready"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert [row[0] for row in rows] == ["KZ-2"]
    medical = header.index("Medical clearance")
    assert rows[0][medical] == "not met"
    assert "medical clearance" in rows[0][medical + 1].lower()
    # A name that looks like a formula is stored as text, never as a formula.
    name = sheet.cell(row=2, column=header.index("Last name") + 1)
    assert name.value == "=HYPERLINK()"
    assert name.data_type == "s"
    assert name.quotePrefix  # Excel keeps it text when the cell is edited


def test_exports_are_not_paginated(client, registrar, tree, world):
    people_in(tree["KAZBAT-1"], 60, prefix="KZ-P")
    client.force_login(registrar)
    _header, *rows = csv_rows(client.get(url("csv"), {"unit": tree["KAZBAT-1"].pk}))
    assert len(rows) == 61


def test_commander_exports_only_their_subtree(client, commander, world):
    client.force_login(commander)
    _header, *rows = csv_rows(client.get(url("csv")))
    assert sorted(row[0] for row in rows) == ["KZ-1", "KZ-2"]
    sheet = load_workbook(io.BytesIO(client.get(url("xlsx")).content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == ["KZ-1", "KZ-2"]


def test_commander_asking_for_a_unit_outside_their_scope_is_refused(client, commander, tree, world):
    client.force_login(commander)
    response = client.get(url("csv"), {"unit": tree["MIA-FPU"].pk})
    assert response.status_code == 400
    assert "Choose one of your units" in response.content.decode()
    assert "KZ-9" not in response.content.decode()


def test_commander_without_units_exports_no_one(client, world):
    client.force_login(factories.UserFactory(roles=[Role.COMMANDER]))
    _header, *rows = csv_rows(client.get(url("csv")))
    assert rows == []


def test_export_queries_do_not_grow(client, registrar, tree, world, django_assert_num_queries):
    client.force_login(registrar)
    client.get(url("csv"))
    with django_assert_num_queries(10):
        client.get(url("csv"))
    people_in(tree["KAZBAT-1"], 30, prefix="KZ-Q")
    with django_assert_num_queries(10):
        client.get(url("csv"))
