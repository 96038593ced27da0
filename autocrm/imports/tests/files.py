"""Real import files written by the tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter


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
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if hasattr(value, "year"):
                sheet.write_datetime(r + offset, c, value, date_fmt)
            elif isinstance(value, (int, float)):
                sheet.write_number(r + offset, c, value)
            else:
                sheet.write_string(r + offset, c, str(value))
    book.close()
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8-sig") -> bytes:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(encoding)
