"""Spreadsheets the import hands out: the rejected rows with an error column, and an empty
template with the standard headers."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import xlsxwriter
from django.utils.translation import gettext as _

from autocrm.imports.columns import TARGETS

ERROR_HEADER = "错误"


def _write(rows: list[list[Any]], *, header_row: list[str], error_col: int | None) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7"})
    red = workbook.add_format({"font_color": "#B42318", "text_wrap": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, text in enumerate(header_row):
        sheet.write_string(0, col, text, bold)
        sheet.set_column(col, col, 16)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if c == error_col:
                sheet.write_string(r, c, str(value), red)
            elif isinstance(value, datetime | date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    if error_col is not None:
        sheet.set_column(error_col, error_col, 60)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def rejected_rows_xlsx(analysis: Any) -> bytes:
    """The file's rejected rows, original columns and values, plus 错误 with every message
    of the row ("column: message"). Fix the values, delete the 错误 column or keep it (it is
    not mapped) and upload again."""
    messages: dict[int, list[str]] = defaultdict(list)
    for error in analysis.errors:
        messages[error.row].append(f"{error.column}：{error.message}")
    sheet = analysis.sheet
    headers = [h for h in sheet.headers]
    error_col = len(headers)
    rows = []
    for index, cells in enumerate(sheet.rows):
        number = sheet.row_number(index)
        if number in messages:
            rows.append([*cells[: len(headers)], "；".join(messages[number])])
    return _write(rows, header_row=[*headers, ERROR_HEADER], error_col=error_col)


def template_xlsx() -> bytes:
    """An empty import template with the standard Chinese headers."""
    headers = [str(t.aliases[0]) for t in TARGETS]
    return _write([], header_row=headers, error_col=None)


def template_filename() -> str:
    return _("customer-import-template") + ".xlsx"
