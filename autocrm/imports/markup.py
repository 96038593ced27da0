"""Tables from the markup files that systems save with an .xls suffix: HTML tables (most
Chinese DMS "Excel" exports) and Excel's XML Spreadsheet 2003 format.

Both parsers take already decoded text and return every table of the file as rows of cell
values, top to bottom, so that list index + 1 is the row number Excel shows when it opens the
file. Choosing the table with the header is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
MAX_ROWS = 1_048_576  # Excel's own limits, so a bad index cannot blow up memory
MAX_COLUMNS = 16_384
MAX_SPAN = 1_000  # the HTML limit for colspan; rowspan is capped the same way

Rows = list[list[Any]]

_LEADING = "\ufeff \t\r\n"
_TABLE_TAG_RE = re.compile(r"<t(?:able|r)\b", re.I)
_WORKBOOK_RE = re.compile(r"<(?:[\w.-]+:)?Workbook\b")
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_DTD_RE = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.I)
_INTEGER_RE = re.compile(r"^[+-]?\d+$")


class MarkupError(ValueError):
    """The markup cannot be parsed; the message is technical and goes in parentheses."""


def looks_like_html(text: str) -> bool:
    """HTML with a table: starts (after a BOM and white space) with "<" and has <table or <tr."""
    return text.lstrip(_LEADING).startswith("<") and _TABLE_TAG_RE.search(text) is not None


def looks_like_spreadsheet_xml(text: str) -> bool:
    """An XML Spreadsheet 2003 file: a <Workbook> in Excel's spreadsheet namespace."""
    head = text[:8192]
    return (
        text.lstrip(_LEADING).startswith("<")
        and SPREADSHEET_NS in head
        and _WORKBOOK_RE.search(head) is not None
    )


# --- HTML ------------------------------------------------------------------------------------


@dataclass
class _Table:
    rows: Rows = field(default_factory=list)
    row: list[str] | None = None
    cell: list[str] | None = None  # text pieces of the open cell
    colspan: int = 1
    rowspan: int = 1
    covered: set[int] = field(default_factory=set)  # columns of this row taken by rowspans
    spans: dict[int, int] = field(default_factory=dict)  # column -> rows below still taken
    new_spans: dict[int, int] = field(default_factory=dict)  # rowspans started in this row


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    for key, value in attrs:
        if key == name and value:
            match = re.match(r"\s*(\d+)", value)
            if match:
                return min(max(int(match.group(1)), 1), MAX_SPAN)
    return 1


class _TableParser(HTMLParser):
    """Collects the cell texts of every <table>; a nested table is a table of its own."""

    _BREAKS = frozenset({"br", "p", "div", "li", "hr"})
    _IGNORED = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Rows] = []  # in the order the tables open
        self._stack: list[_Table] = []
        self._ignored = 0

    # tables, rows and cells; omitted end tags (<td>a<td>b) are closed implicitly

    def _open_table(self) -> _Table:
        self._add_text(" ")  # a table nested in a cell separates the cell's texts
        table = _Table()
        self._stack.append(table)
        self.tables.append(table.rows)
        return table

    def _open_row(self, table: _Table) -> None:
        self._close_row(table)
        table.row = []
        table.covered = {c for c, left in table.spans.items() if left > 0}

    def _close_cell(self, table: _Table) -> None:
        if table.cell is None or table.row is None:
            return
        text = " ".join("".join(table.cell).split())
        start = len(table.row)
        table.row.append(text)
        table.row.extend([""] * min(table.colspan - 1, MAX_COLUMNS - len(table.row)))
        if table.rowspan > 1:
            for column in range(start, start + table.colspan):
                table.new_spans[column] = table.rowspan - 1
        table.cell = None

    def _skip_covered(self, table: _Table) -> None:
        while table.row is not None and len(table.row) in table.covered:
            table.row.append("")

    def _close_row(self, table: _Table) -> None:
        self._close_cell(table)
        if table.row is None:
            return
        self._skip_covered(table)
        table.rows.append(table.row)
        table.spans = {c: left - 1 for c, left in table.spans.items() if left > 1}
        table.spans.update(table.new_spans)
        table.new_spans = {}
        table.row = None

    def _close_table(self) -> None:
        table = self._stack.pop()
        self._close_row(table)
        self._add_text(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._IGNORED:
            self._ignored += 1
            return
        if tag == "table":
            self._open_table()
            return
        if tag in ("tr", "td", "th"):
            table = self._stack[-1] if self._stack else self._open_table()
            if tag == "tr":
                self._open_row(table)
                return
            self._close_cell(table)
            if table.row is None:
                self._open_row(table)
            self._skip_covered(table)
            table.cell = []
            table.colspan = _span(attrs, "colspan")
            table.rowspan = _span(attrs, "rowspan")
            return
        if tag in self._BREAKS:
            self._add_text(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._IGNORED:
            self._ignored = max(self._ignored - 1, 0)
        elif tag == "table":
            if self._stack:
                self._close_table()
        elif not self._stack:
            return
        elif tag in ("td", "th"):
            self._close_cell(self._stack[-1])
        elif tag == "tr":
            self._close_row(self._stack[-1])
        elif tag in self._BREAKS:
            self._add_text(" ")

    def handle_data(self, data: str) -> None:
        if not self._ignored:
            self._add_text(data)

    def _add_text(self, text: str) -> None:
        if self._stack and self._stack[-1].cell is not None:
            self._stack[-1].cell.append(text)

    def close(self) -> None:
        super().close()
        while self._stack:
            self._close_table()


def html_tables(text: str) -> list[Rows]:
    """Every table of an HTML document as rows of cell texts, in document order.

    <td> and <th> are cells; a colspan cell is followed by empty cells and a rowspan cell leaves
    its columns empty in the rows below, so columns stay aligned. Entities are decoded, <br>
    and block tags inside a cell become a space, tags nested in a cell keep their text, and
    runs of white space (including &nbsp;) become one space. Tables without rows are left out.
    """
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # malformed declarations in old parsers
        raise MarkupError(str(exc)) from exc
    return [rows for rows in parser.tables if rows]


# --- XML Spreadsheet 2003 --------------------------------------------------------------------


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr(element: ET.Element, name: str) -> str | None:
    value = element.get(f"{{{SPREADSHEET_NS}}}{name}")
    return element.get(name) if value is None else value


def _index(element: ET.Element, limit: int) -> int | None:
    """The 1-based ss:Index of a row or cell, or None when absent or unusable."""
    value = _attr(element, "Index")
    if value is None or not value.strip().isdigit():
        return None
    return min(int(value), limit)


def _value(data: ET.Element) -> Any:
    text = "".join(data.itertext())
    kind = _attr(data, "Type")
    try:
        if kind == "Number":
            stripped = text.strip()
            return int(stripped) if _INTEGER_RE.match(stripped) else float(stripped)
        if kind == "DateTime":
            moment = dt.datetime.fromisoformat(text.strip())
            return moment.date() if moment.time() == dt.time() else moment
        if kind == "Boolean":
            return text.strip() in ("1", "true", "TRUE", "True")
    except ValueError:
        pass
    return text


def _sheet_rows(table: ET.Element) -> Rows:
    rows: Rows = []
    for row in table:
        if _local(row.tag) != "Row":
            continue
        index = _index(row, MAX_ROWS)
        if index is not None and index > len(rows) + 1:
            rows.extend([] for _ in range(index - 1 - len(rows)))
        cells: list[Any] = []
        for cell in row:
            if _local(cell.tag) != "Cell":
                continue
            column = _index(cell, MAX_COLUMNS)
            if column is not None and column > len(cells) + 1:
                cells.extend([""] * (column - 1 - len(cells)))
            data = next((child for child in cell if _local(child.tag) == "Data"), None)
            cells.append("" if data is None else _value(data))
            across = (_attr(cell, "MergeAcross") or "").strip()
            if across.isdigit():
                cells.extend([""] * min(int(across), MAX_COLUMNS - len(cells)))
        rows.append(cells)
    return rows


def spreadsheet_xml_tables(text: str) -> list[Rows]:
    """Every worksheet of an XML Spreadsheet 2003 file as rows of cell values.

    ss:Index on rows and cells (where Excel skipped empty ones) and ss:MergeAcross are honoured
    so that row and column positions match Excel. Number cells become int or float, DateTime
    cells date (at midnight) or datetime, Boolean cells bool; the rest stay text. A document
    type declaration is refused: spreadsheets never have one, and entities could expand
    without bound.
    """
    if _DTD_RE.search(text):
        raise MarkupError("document type declarations are not allowed")
    # The text is decoded already; a leftover encoding="gb2312" would make the parser fail.
    text = _XML_DECLARATION_RE.sub("", text.lstrip("\ufeff"), count=1)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise MarkupError(str(exc)) from exc
    tables: list[Rows] = []
    for worksheet in root:
        if _local(worksheet.tag) != "Worksheet":
            continue
        table = next((child for child in worksheet if _local(child.tag) == "Table"), None)
        tables.append([] if table is None else _sheet_rows(table))
    return tables
