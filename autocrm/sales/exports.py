"""The Excel workbooks of the analysis pages: the tables a page shows, one sheet each, with the
page's headers (translated) and its figures as numbers (shares as percentages), then a sheet
saying what was analysed. The page and the workbook render the same `Table` objects, so what
the director reads on screen is what the file holds."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DASH = "—"


@dataclass(frozen=True)
class Column:
    label: str
    #: "text", "int", "num" (one decimal), "pct" (a share 0–1, shown as a percentage), "date"
    kind: str = "int"

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "num", "pct")


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    foot: list[Any] | None = None  # a total row
    collapsed: bool = False  # shown folded on the page (a long daily list)
    testid: str = field(default="")

    @property
    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def shown(self, row: list[Any]) -> list[tuple[str, bool]]:
        """A row as the page shows it: (text, right-aligned) per cell."""
        return [(shown(v, c.kind), c.numeric) for v, c in zip(row, self.columns, strict=True)]

    @property
    def shown_rows(self) -> list[list[tuple[str, bool]]]:
        return [self.shown(row) for row in self.rows]

    @property
    def shown_foot(self) -> list[tuple[str, bool]] | None:
        return self.shown(self.foot) if self.foot is not None else None


def shown(value: Any, kind: str) -> str:
    if value is None or value == "":
        return DASH if kind != "text" else ""
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "num":
        return f"{value:.1f}"
    if kind == "date" and isinstance(value, date):
        return value.isoformat()
    return str(value)


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name.lower())
    return name


def workbook(tables: list[Table], about: list[tuple[str, str]], about_title: str) -> bytes:
    """Each table on its own sheet (header row, the rows, the total row), then `about`
    (label, value) pairs on a last sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    numbers = {"num": "0.0", "pct": "0.0%", "date": "yyyy-mm-dd", "int": "0", "text": "@"}
    formats = {k: book.add_format({"num_format": v}) for k, v in numbers.items()}
    foot = {
        k: book.add_format({"num_format": v, "bold": True, "top": 1}) for k, v in numbers.items()
    }
    taken: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title, taken))
        for col, column in enumerate(table.columns):
            sheet.write_string(0, col, str(column.label), bold)
            sheet.set_column(col, col, 22 if column.kind == "text" else 14)
        rows = [*table.rows, *([table.foot] if table.foot is not None else [])]
        for r, row in enumerate(rows, start=1):
            is_foot = table.foot is not None and r == len(rows)
            for c, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                fmt = (foot if is_foot else formats).get(column.kind)
                _write(sheet, r, c, value, column.kind, fmt)
        sheet.freeze_panes(1, 0)
    sheet = book.add_worksheet(_sheet_name(about_title, taken))
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 48)
    for r, (label, value) in enumerate(about):
        sheet.write_string(r, 0, label, bold)
        sheet.write_string(r, 1, value)
    book.close()
    return buffer.getvalue()


def _write(sheet: Any, r: int, c: int, value: Any, kind: str, fmt: Any) -> None:
    if value is None or value == "":
        if kind != "text":
            sheet.write_string(r, c, DASH, fmt)
    elif kind == "date" and isinstance(value, date):
        sheet.write_datetime(r, c, value, fmt)
    elif kind in ("int", "num", "pct") and isinstance(value, int | float):
        sheet.write_number(r, c, value, fmt)
    else:
        sheet.write_string(r, c, str(value), fmt)


def xlsx_response(content: bytes, filename: str, fallback: str) -> HttpResponse:
    """The workbook as a download: `filename` (Chinese) by RFC 5987, `fallback` (ASCII) for
    the clients that read only the plain parameter."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
