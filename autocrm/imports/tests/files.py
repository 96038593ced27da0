"""Real import files written by the tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

import xlsxwriter
import xlwt


def _cells(rows: Sequence[Sequence[Any]], offset: int) -> Iterator[tuple[int, int, Any]]:
    """(sheet row, column, value) of every non-empty cell, the rows starting at `offset`."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                yield r + offset, c, value


def xlsx(rows: Sequence[Sequence[Any]], *, title: str | None = None) -> bytes:
    """An .xlsx; with `title`, a merged title cell and an empty row sit above the header."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("客户")
    offset = 0
    if title:
        sheet.merge_range(0, 0, 0, max(len(rows[0]) - 1, 1), title)
        sheet.write_string(1, 0, "导出时间：2024-03-01")
        offset = 3
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, c, value in _cells(rows, offset):
        if hasattr(value, "year"):
            sheet.write_datetime(r, c, value, date_fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(r, c, value)
        else:
            sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def xls(rows: Sequence[Sequence[Any]], *, title: str | None = None) -> bytes:
    """A genuine BIFF8 .xls (Excel 97-2003), laid out like `xlsx`."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("客户")
    offset = 0
    if title:
        sheet.write_merge(0, 0, 0, max(len(rows[0]) - 1, 1), title)
        sheet.write(1, 0, "导出时间：2024-03-01")
        offset = 3
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, c, value in _cells(rows, offset):
        if hasattr(value, "year"):
            sheet.write(r, c, value, date_style)
        else:
            sheet.write(r, c, value if isinstance(value, (int, float)) else str(value))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)


def ids_in_clear_for(role: str, monkeypatch: Any) -> None:
    """Let `role` see ID numbers in clear for the test (the role table lets no importing role
    see them): an import then matches stored customers by their ID numbers too, which it does
    only for an importer who sees them (`imports.matching._seen_facts`)."""
    from autocrm.tenancy.policies import ROLE_VISIBILITY, Visibility

    monkeypatch.setitem(
        ROLE_VISIBILITY, role, {**ROLE_VISIBILITY[role], "id_number": Visibility.ALL}
    )
