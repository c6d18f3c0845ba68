"""A small world for the report tests: the matrix tests' unit tree (MOD > KAZBAT, commanded by
the `commander` fixture, > KAZBAT-1; MIA > MIA-FPU beside it), one active profile, and people
ready, lapsing or not ready; helpers to request, build and read a readiness report."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from readiness.selectors import matrix as selectors
from reports.models import ReportRequest
from reports.services import report_build, report_request
from tests.readiness.matrix_support import (
    build_tree,
    contingent_profile,
    make_person,
    only_active,
)

__all__ = ["build_world", "built", "command", "page_rows", "request_matrix", "xlsx_rows"]


def build_world(commander) -> dict:
    tree = build_tree(commander)
    profile = contingent_profile()
    only_active(profile)
    people = {
        "KZ-1": make_person(
            "ready", unit=tree["KAZBAT"], service_number="KZ-1", last_name="Abenov"
        ),
        "KZ-2": make_person(
            "lapsing", unit=tree["KAZBAT-1"], service_number="KZ-2", last_name="Bekov"
        ),
        "KZ-3": make_person(
            "not_ready", unit=tree["KAZBAT-1"], service_number="KZ-3", last_name="Seitkali"
        ),
        "KZ-4": make_person("ready", unit=tree["MOD"], service_number="KZ-4", last_name="Dosov"),
        "KZ-5": make_person(
            "not_ready", unit=tree["MIA-FPU"], service_number="KZ-5", last_name="Ermekov"
        ),
    }
    return {"units": tree, "profile": profile, "people": people}


def command(unit, user) -> None:
    """Make `user` the commander of `unit` (an UPDATE: a treebeard node saved from a stale
    instance would write back its old path)."""
    type(unit).objects.filter(pk=unit.pk).update(commander=user)


def request_matrix(user, **filters) -> ReportRequest:
    data = {"kind": "readiness_matrix", "format": "xlsx"}
    data.update(
        {key: str(value.pk if hasattr(value, "pk") else value) for key, value in filters.items()}
    )
    return report_request(user=user, data=data)


def built(report: ReportRequest) -> ReportRequest:
    return report_build(request_id=report.pk)


def xlsx_rows(content: bytes) -> dict[str, list[list]]:
    """Each sheet's rows (header first) as lists of values, "" for empty cells."""
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    sheets = {
        sheet.title: [
            ["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in workbook.worksheets
    }
    workbook.close()
    return sheets


def page_rows(user, profile, **filters) -> list[list]:
    """What the matrix page's selectors give for the same filters: header and rows."""
    matrix = selectors.readiness_matrix(user=user, profile=profile, **filters)
    header, rows = selectors.matrix_export_rows(matrix)
    return [header, *[["" if v is None else v for v in row] for row in rows]]
