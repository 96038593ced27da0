"""Read an uploaded spreadsheet (.xlsx/.xls/.xlsb via calamine, .csv in UTF-8 or GBK) into
rows of cell values, and find the header row."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from autocrm.imports.columns import match_header

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
HEADER_SCAN_ROWS = 20


class ImportFileError(Exception):
    """The file cannot be imported; the message says why, in words staff understand."""


@dataclass
class Sheet:
    """A table read from a file: the header row and the data rows below it."""

    header_row_number: int  # 1-based, as Excel shows it
    headers: list[str]
    rows: list[list[Any]]  # data rows, each padded to len(headers)
    first_row_number: int  # Excel row number of rows[0]

    def row_number(self, index: int) -> int:
        return self.first_row_number + index


def read_cells(content: bytes, filename: str) -> list[list[Any]]:
    """All rows of the first non-empty sheet (or of the CSV file)."""
    suffix = PurePath(filename).suffix.lower()
    if not content:
        raise ImportFileError(_("The file is empty."))
    if suffix in CSV_SUFFIXES:
        return _read_csv(content)
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_workbook(content)
    raise ImportFileError(
        _("Unsupported file type %(suffix)s: upload an .xlsx, .xls or .csv file.")
        % {"suffix": suffix or _("(none)")}
    )


def _read_workbook(content: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if any(any(cell not in ("", None) for cell in row) for row in rows):
                return rows
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types
        raise ImportFileError(
            _("The file could not be read as a spreadsheet (%(error)s).") % {"error": exc}
        ) from exc
    raise ImportFileError(_("The file contains no data."))


def _read_csv(content: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK encoded."))
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text CSV file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect)]
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise ImportFileError(_("The file contains no data."))
    return rows


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def detect_header(rows: list[list[Any]]) -> int:
    """Index of the header row: of the first rows, the one with most known column names
    (a title row or merged cells above the header score low)."""
    best_index, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        texts = [_cell_text(c) for c in row]
        score = sum(1 for t in texts if t and match_header(t))
        if score > best_score:
            best_index, best_score = index, score
    if best_index < 0:
        raise ImportFileError(
            _(
                "No header row found: none of the first %(n)d rows names a known column "
                "such as 姓名, 手机 or 车架号."
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    return best_index


def read_sheet(content: bytes, filename: str) -> Sheet:
    rows = read_cells(content, filename)
    header_index = detect_header(rows)
    headers = [_cell_text(c) for c in rows[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    data: list[list[Any]] = []
    for row in rows[header_index + 1 :]:
        row = list(row[:width])
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        data.append(row)
    while data and all(_cell_text(c) == "" for c in data[-1]):
        data.pop()
    return Sheet(
        header_row_number=header_index + 1,
        headers=headers,
        rows=data,
        first_row_number=header_index + 2,
    )
