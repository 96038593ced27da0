"""What an uploaded file may hold, checked before it is read (issue #13).

A spreadsheet reader allocates the sheet's whole rectangle, from A1 to its last cell: a
1.6 KB .xlsx holding only A1 and XFD1048576 asked for 512 GiB and aborted the process, and a
sheet whose cells reach ZZ200000 took 5.5 GB. So before calamine parses a worksheet, its
declared dimension, its real extent (the last row and the widest column its cells name) and
its cell count are checked against limits a real export never reaches, and so is each part
of the archive's size against its compressed size. A text file is held to the same rows and
columns as it is read.
"""

from __future__ import annotations

import re
import zipfile

from django.utils.translation import gettext as _

from autocrm.imports.errors import ImportFileError

#: Excel's own sheet limit; the import handles a million rows.
MAX_ROWS = 1_048_576
#: A customer export has a few dozen columns; 256 is the old .xls limit (column IV).
MAX_COLUMNS = 256
#: The rectangle of one sheet, rows × columns: a million rows of 40 columns.
MAX_CELLS = 40_000_000
#: How much larger than the cells present the rectangle may be (blank cells are left out of
#: the file, so a real sheet's rectangle is up to a few times its cells).
MAX_SPARSENESS = 8
#: A rectangle this small (about 130 MB to read) is allowed however few cells it holds.
SMALL_AREA = 4_000_000
#: The whole archive uncompressed, and the ratio of a part to its compressed size (a real
#: worksheet compresses 5 to 20 times; a zip bomb thousands of times).
MAX_UNCOMPRESSED = 4 * 1024**3
MAX_RATIO = 250
#: Parts smaller than this are not held to the ratio (tiny parts compress very well).
RATIO_MIN_BYTES = 1024 * 1024


class FileLimitError(ImportFileError):
    """The file is beyond a limit; the message says which, in words staff understand."""


def _columns_letters(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: bytes | str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    value = 0
    for char in letters.decode() if isinstance(letters, bytes) else letters:
        value = value * 26 + ord(char) - 64
    return value


def _too_many(rows: int, columns: int, where: str) -> None:
    if columns > MAX_COLUMNS:
        raise FileLimitError(
            _(
                "%(where)s reaches column %(column)s (%(columns)s columns); at most "
                "%(max)s columns can be imported. Delete the empty columns on the right, "
                "or copy the data to a new sheet."
            )
            % {
                "where": where,
                "column": _columns_letters(columns),
                "columns": f"{columns:,}",
                "max": MAX_COLUMNS,
            }
        )
    if rows > MAX_ROWS:
        raise FileLimitError(
            _("%(where)s has %(rows)s rows; at most %(max)s rows can be imported at once.")
            % {"where": where, "rows": f"{rows:,}", "max": f"{MAX_ROWS:,}"}
        )
    if rows * columns > MAX_CELLS:
        raise FileLimitError(
            _(
                "%(where)s spans %(rows)s rows by %(columns)s columns; at most %(max)s cells "
                "can be imported at once. Split the file."
            )
            % {
                "where": where,
                "rows": f"{rows:,}",
                "columns": columns,
                "max": f"{MAX_CELLS:,}",
            }
        )


def check_table(rows: int, columns: int) -> None:
    """A text file's (or a sheet's) rows and widest row against the limits."""
    _too_many(rows, columns, _("The file"))


def check_archive(archive: zipfile.ZipFile) -> None:
    """The parts of an .xlsx/.ods archive: their total size uncompressed, and each part's
    ratio to its compressed size, from the archive's directory (nothing is decompressed)."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size >= RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise FileLimitError(
                _(
                    "The file is not a normal spreadsheet: its part %(part)s would grow "
                    "%(ratio)s times when unpacked."
                )
                % {
                    "part": info.filename,
                    "ratio": f"{info.file_size // max(info.compress_size, 1):,}",
                }
            )
    if total > MAX_UNCOMPRESSED:
        raise FileLimitError(
            _("The file unpacks to %(size)s GB; at most %(max)s GB can be imported.")
            % {"size": f"{total / 1024**3:.1f}", "max": MAX_UNCOMPRESSED // 1024**3}
        )


_DIMENSION_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*\bref="([^"]*)"')
_REF_RE = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")
# The searches below start with a literal (`r="`, `<row r="`), which the regex engine finds
# quickly: the checks of a 100 MB worksheet take about a quarter of a second, besides its
# decompression, and never loop over its cells in Python.
#: A cell in a column beyond MAX_COLUMNS (IV): three letters, or IW-IZ, JA-ZZ.
_WIDE_REF_RE = re.compile(rb'r="([A-Z]{3,}|I[W-Z]|[J-Z][A-Z])[0-9]')
#: The widest column the cells name, bounded by one search per step
_WIDTH_STEPS = (
    (26, re.compile(rb'r="[A-Z]{2}[0-9]')),  # nothing beyond Z
    (52, re.compile(rb'r="[B-Z][A-Z][0-9]')),  # nothing beyond AZ
    (104, re.compile(rb'r="[D-Z][A-Z][0-9]')),  # nothing beyond CZ
)
_ROW_NUMBER_RE = re.compile(rb'<row r="([0-9]+)"')
#: Rows written otherwise (another attribute first, a namespace prefix): read the slow way
_OTHER_ROW_RE = re.compile(rb"<row (?!r=)")
_PREFIXED_ROW_RE = re.compile(rb":row[ >]")
_ANY_ROW_NUMBER_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\br="([0-9]+)"')


def _width_bound(xml: bytes) -> int:
    """An upper bound of the widest column the cells name: 26, 52, 104 or MAX_COLUMNS."""
    for bound, beyond in _WIDTH_STEPS:
        if not beyond.search(xml):
            return bound
    return MAX_COLUMNS


def _row_span(xml: bytes) -> tuple[int, int]:
    """The first and last row numbers of a worksheet (or a piece of one): those its rows
    name, and no fewer than its cells name (a cell may name a row of its own: when a cell's
    row number has more digits than the last row's, the largest number of that many digits
    is taken)."""
    other = _OTHER_ROW_RE.search(xml) or _PREFIXED_ROW_RE.search(xml)
    pattern = _ANY_ROW_NUMBER_RE if other else _ROW_NUMBER_RE
    numbers = [int(n) for n in pattern.findall(xml)]
    first, last = (min(numbers), max(numbers)) if numbers else (1, xml.count(b"row>"))
    beyond = re.search(rb'r="[A-Z]{1,3}([0-9]{%d,})' % (len(str(last)) + 1), xml)
    if beyond:
        last = 10 ** len(beyond.group(1)) - 1
    return first, last


def _cell_count(xml: bytes) -> int:
    """The cells present: `<c ` (or `<x:c ` with a namespace prefix) is only ever a cell."""
    return xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b":c ") + xml.count(b":c>")


def _where(name: str) -> str:
    return _("Sheet “%(name)s”") % {"name": name}


def check_dimension(head: bytes, name: str) -> None:
    """The rectangle a worksheet declares (`<dimension ref="A1:T5000"/>`, near its start)."""
    declared = _DIMENSION_RE.search(head[:16384])
    corners = _REF_RE.findall(declared.group(1)) if declared else []
    if corners:
        letters, number = corners[-1]
        _too_many(int(number), column_index(letters), _where(name))


def check_cells(xml: bytes, name: str) -> None:
    """The rectangle a worksheet's cells (or those of a piece of it) reach, from its first
    row to its last and from A to its widest column: what calamine allocates to read it."""
    where = _where(name)
    width = _width_bound(xml)
    wide = _WIDE_REF_RE.search(xml) if width > 26 else None  # beyond Z, IV: two letters
    if wide:
        _too_many(1, max(column_index(wide.group(1)), MAX_COLUMNS + 1), where)
    first, last = _row_span(xml)
    _too_many(last, width, where)
    area = (last - first + 1) * width
    if area <= SMALL_AREA:
        return
    cells = _cell_count(xml)
    if area > MAX_SPARSENESS * max(cells, 1):
        raise FileLimitError(
            _(
                "%(where)s holds %(cells)s cells spread over %(rows)s rows: a cell far below "
                "or to the right of the data (perhaps a stray value or format) makes it too "
                "large to read. Delete the rows and columns after the data, or copy the data "
                "to a new sheet."
            )
            % {"where": where, "cells": f"{cells:,}", "rows": f"{last:,}"}
        )


def check_worksheet(xml: bytes, name: str) -> None:
    """A whole worksheet's XML before calamine parses it."""
    check_dimension(xml, name)
    check_cells(xml, name)
