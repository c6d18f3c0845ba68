"""Tables as report files: CSV and XLSX bytes written by common.spreadsheets (UTF-8 BOM,
formula-like text escaped or stored as text), so a report reads like the page's own exports."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from common.spreadsheets import XLSX_CONTENT_TYPE, csv_response, xlsx_workbook

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return csv_response("report.csv", header, rows).content


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The workbook's bytes. A header can hold names people typed (a component's): xlsx_workbook
    stores formula-like ones as quote-prefixed text, as it does every cell."""
    buffer = io.BytesIO()
    title = re.sub(r"[\[\]:*?/\\]", "-", title).strip("'") or "Report"  # Excel refuses these
    xlsx_workbook(title, header, rows).save(buffer)
    return buffer.getvalue()


__all__ = ["CSV_CONTENT_TYPE", "XLSX_CONTENT_TYPE", "csv_bytes", "xlsx_bytes"]
