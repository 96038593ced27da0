"""Spreadsheets the import hands out: the rejected rows and the rows imported with problems,
with an error column, and an empty template with the standard headers."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _

from autocrm.imports.columns import TARGETS

ERROR_HEADER = "错误"
RESULT_HEADER = "结果"


def _write(
    rows: list[list[Any]],
    *,
    header_row: list[str],
    error_col: int | None,
    warning_rows: frozenset[int] = frozenset(),
) -> bytes:
    """The sheet; the error column in red, or in amber on the rows of `warning_rows` (their
    index in `rows`)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7"})
    red = workbook.add_format({"font_color": "#B42318", "text_wrap": True})
    amber = workbook.add_format({"font_color": "#B54708", "bg_color": "#FEF0C7", "text_wrap": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, text in enumerate(header_row):
        sheet.write_string(0, col, text, bold)
        sheet.set_column(col, col, 16)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if error_col is not None and c >= error_col:
                sheet.write_string(r, c, str(value), amber if r - 1 in warning_rows else red)
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
        if len(header_row) > error_col + 1:
            sheet.set_column(error_col + 1, error_col + 1, 14)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


#: The 结果 column's values: the row was not imported, or imported without some values.
REJECTED_MARK = "未导入"
PROBLEM_MARK = "已导入（有问题）"


def rejected_rows_xlsx(analysis: Any) -> bytes:
    """The file's rejected rows and rows imported with problems, original columns and values,
    plus 错误 with every message of the row ("column: message") and 结果 telling the two
    apart (未导入 in red: not imported; 已导入（有问题） in amber: imported without the values
    named, which are kept as written on the record). Fix the values, delete the two columns or
    keep them (they are not mapped) and upload again."""
    messages: dict[int, list[str]] = defaultdict(list)
    for error in analysis.errors:
        messages[error.row].append(f"{error.column}：{error.message}")
    problems: dict[int, list[str]] = defaultdict(list)
    for problem in getattr(analysis, "problems", ()):
        if problem.row not in messages:
            problems[problem.row].append(f"{problem.column}：{problem.message}")
    sheet = analysis.sheet
    headers = [h for h in sheet.headers]
    error_col = len(headers)
    rows = []
    warning_rows: set[int] = set()
    for index, cells in enumerate(sheet.rows):
        number = sheet.row_number(index)
        cells = [*cells[: len(headers)], *[None] * (len(headers) - len(cells))]
        if number in messages:
            rows.append([*cells, "；".join(messages[number]), REJECTED_MARK])
        elif number in problems:
            warning_rows.add(len(rows))
            rows.append([*cells, "；".join(problems[number]), PROBLEM_MARK])
    return _write(
        rows,
        header_row=[*headers, ERROR_HEADER, RESULT_HEADER],
        error_col=error_col,
        warning_rows=frozenset(warning_rows),
    )


def keep_report(batch: Any, analysis: Any) -> None:
    """Keep the rows with errors and problems the last check found, as the workbook the
    import page hands out (`rejected_rows_xlsx`), beside the uploaded file: downloading it
    needs no second check of the file. None found: nothing kept. Sets `batch.report_path`."""
    path = Path(settings.VAR_DIR) / "imports" / "reports" / f"{batch.pk}.xlsx"
    if analysis.errors or getattr(analysis, "problems", None):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(rejected_rows_xlsx(analysis))
        partial.replace(path)
        batch.report_path = str(path)
    else:
        path.unlink(missing_ok=True)
        batch.report_path = ""


def kept_report(batch: Any) -> bytes | None:
    """The workbook `keep_report` kept for the batch; an empty one (the headers only) when
    its check found nothing to list; None when it was never kept (an import checked before
    reports were kept: the caller checks the file again)."""
    if batch.report_path:
        try:
            return Path(batch.report_path).read_bytes()
        except OSError:
            return None
    if not (batch.count_rejected or batch.count_problems) and batch.headers:
        return _write([], header_row=[*batch.headers, ERROR_HEADER, RESULT_HEADER], error_col=None)
    return None


def template_xlsx() -> bytes:
    """An empty import template with the standard Chinese headers."""
    headers = [str(t.aliases[0]) for t in TARGETS]
    return _write([], header_row=headers, error_col=None)


def template_filename() -> str:
    return _("customer-import-template") + ".xlsx"
