"""Read an uploaded spreadsheet into rows of cell values, and find the header row.

.xlsx/.xls/.xlsb/.ods go through calamine; an ".xls" that is really an HTML table, an XML
Spreadsheet 2003 file or tab/comma separated text (as many DMS systems export) is recognised
by its content. .csv/.txt may be UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text")
or GBK/GB18030, separated by commas, tabs or semicolons."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePath
from typing import Any

from django.utils.translation import gettext as _

from autocrm.imports import markup
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
    """All rows of the sheet with the best header row (or of the CSV file).

    A workbook's sheets (or the tables of an HTML/XML file saved as .xls) compete on the score
    `detect_header` uses, so an instructions or summary sheet in front of the data is passed
    over; on a tie the earlier sheet wins. Without any recognisable header the first sheet with
    data is returned, for `detect_header` to explain.
    """
    suffix = PurePath(filename).suffix.lower()
    if not content:
        raise ImportFileError(_("The file is empty."))
    if suffix in CSV_SUFFIXES:
        return _read_csv(_decode_text(content))
    if suffix in SPREADSHEET_SUFFIXES:
        return _read_workbook(content)
    raise ImportFileError(
        _("Unsupported file type %(suffix)s: upload an .xlsx, .xls or .csv file.")
        % {"suffix": suffix or _("(none)")}
    )


def _has_data(rows: Iterable[Sequence[Any]]) -> bool:
    return any(any(cell not in ("", None) for cell in row) for row in rows)


@dataclass
class _Candidate:
    """A sheet competing to be read: its first rows, and how to get all of them."""

    head: list[list[Any]]  # the first HEADER_SCAN_ROWS rows
    rows: Callable[[], list[list[Any]]]
    has_data: Callable[[], bool]


def _choose(candidates: Iterable[_Candidate]) -> list[list[Any]]:
    """The rows of the candidate whose best header row scores highest (earliest on a tie);
    failing that, of the first candidate with any data."""
    best: _Candidate | None = None
    best_score = 0
    fallback: _Candidate | None = None
    for candidate in candidates:
        score = _best_header_row(candidate.head)[1]
        if score > best_score:
            best, best_score = candidate, score
        elif best is None and fallback is None and candidate.has_data():
            fallback = candidate
    chosen = best or fallback
    if chosen is None:
        raise ImportFileError(_("The file contains no data."))
    return chosen.rows()


def _rows_candidate(rows: list[list[Any]]) -> _Candidate:
    return _Candidate(rows[:HEADER_SCAN_ROWS], lambda: rows, lambda: _has_data(rows))


def _calamine_candidates(workbook: Any) -> Iterator[_Candidate]:
    """Each sheet is parsed once; only its first rows become Python objects until chosen."""
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        head = sheet.to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        yield _Candidate(
            head,
            lambda sheet=sheet: sheet.to_python(skip_empty_area=False),
            lambda sheet=sheet, head=head: _has_data(head) or _has_data(sheet.iter_rows()),
        )


def _read_workbook(content: bytes) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # noqa: BLE001 - calamine raises several error types
        workbook, error = None, exc
    if workbook is None:  # not a workbook: perhaps an HTML, XML or text file named .xls
        rows = _read_disguised(content)
        if rows is None:
            raise _unreadable(error) from error
        return rows
    try:
        return _choose(_calamine_candidates(workbook))
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _unreadable(exc) from exc


def _unreadable(error: object) -> ImportFileError:
    return ImportFileError(
        _("The file could not be read as a spreadsheet (%(error)s).") % {"error": error}
    )


def _read_disguised(content: bytes) -> list[list[Any]] | None:
    """Rows of a file that only pretends to be a workbook: an HTML table or an XML Spreadsheet
    2003 file (what many DMS systems export as .xls), or tab/comma separated text. None when
    it is none of these."""
    try:
        text = _decode_text(content)
    except ImportFileError:
        return None
    try:
        if markup.looks_like_spreadsheet_xml(text):
            tables = markup.spreadsheet_xml_tables(text)
        elif markup.looks_like_html(text):
            tables = markup.html_tables(text)
        elif _looks_like_delimited_text(text):
            return _read_csv(text)
        else:
            return None
    except markup.MarkupError as exc:
        raise _unreadable(exc) from exc
    return _choose(_rows_candidate(rows) for rows in tables)


_TEXT_SAMPLE = 4096
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")  # not \x1a (DOS end of file)


def _looks_like_delimited_text(text: str) -> bool:
    sample = text[:_TEXT_SAMPLE]
    return (
        bool(sample.strip())
        and _CONTROL_RE.search(sample) is None
        and ("\t" in sample or "," in sample)
    )


_CHARSET_RE = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)
_GB_CODECS = frozenset({"gb2312", "gbk", "gb18030", "hz"})


def _utf16_without_bom(content: bytes) -> str | None:
    """UTF-16 text without a BOM, told by its zero bytes: ASCII characters (digits, tabs,
    line breaks) have a zero high byte, all on odd offsets (LE) or all on even ones (BE)."""
    sample = content[:_TEXT_SAMPLE]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    enough = max(2, len(sample) // 10)
    for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= enough and others * 10 <= zeros:
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _declared_encoding(content: bytes) -> str | None:
    """The charset an HTML/XML file declares (<meta charset=...>, <?xml encoding=...?>)."""
    if not content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return None
    match = _CHARSET_RE.search(content[:_TEXT_SAMPLE])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_CODECS else name


def _decode_text(content: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 (by BOM, or by its zero bytes), the
    charset an HTML/XML file declares, or GBK/GB18030."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export; the BOM is proof enough to replace a stray byte
        return content.decode("utf-16", errors="replace")
    text = _utf16_without_bom(content)
    if text is not None:
        return text
    encodings = ["utf-8", _declared_encoding(content), "gb18030"]
    for encoding in dict.fromkeys(e for e in encodings if e):
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK encoded."))


CSV_DELIMITERS = (",", "\t", ";")


def _csv_format(text: str) -> dict[str, Any]:
    """csv.reader arguments: Excel's quoting ("" inside quotes; a space after the delimiter
    is skipped, so `a, "b,c"` is two cells), and the delimiter that splits the header into
    most known column names; on a tie, the one that splits the header into more cells, then
    csv.Sniffer's choice, then the rarest one (so a one-column file is not split at commas
    inside its values)."""
    sample = text[: _TEXT_SAMPLE * 16]
    try:
        sniffed = csv.Sniffer().sniff(sample[:_TEXT_SAMPLE], delimiters="".join(CSV_DELIMITERS))
        preferred = sniffed.delimiter
    except csv.Error:
        preferred = ","

    def key(delimiter: str) -> tuple[int, int, bool, int]:
        reader = csv.reader(io.StringIO(sample), delimiter=delimiter, skipinitialspace=True)
        try:
            head = list(islice(reader, HEADER_SCAN_ROWS))
        except csv.Error:
            return (-1, 0, False, 0)
        index, score = _best_header_row(head)
        cells = sum(1 for cell in head[index] if cell.strip()) if index >= 0 else 0
        return (score, cells, cells > 1 and delimiter == preferred, -sample.count(delimiter))

    return {"delimiter": max(CSV_DELIMITERS, key=key), "skipinitialspace": True}


def _read_csv(text: str) -> list[list[Any]]:
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise ImportFileError(_("The file is not a text CSV file."))
    try:
        rows = list(csv.reader(io.StringIO(text), **_csv_format(text)))
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file could not be read (%(error)s).") % {"error": exc}
        ) from exc
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise ImportFileError(_("The file contains no data."))
    return rows


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _best_header_row(rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """(index, score) of the first rows' best header row: the one with most cells that name a
    known column; (-1, 0) when none does."""
    best_index, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = sum(1 for c in row if (t := _cell_text(c)) and match_header(t))
        if score > best_score:
            best_index, best_score = index, score
    return best_index, best_score


def detect_header(rows: list[list[Any]]) -> int:
    """Index of the header row: of the first rows, the one with most known column names
    (a title row or merged cells above the header score low)."""
    best_index = _best_header_row(rows)[0]
    if best_index < 0:
        raise ImportFileError(
            _(
                "No header row found: none of the first %(n)d rows names a known column "
                "such as 姓名, 手机 or 车架号."
            )
            % {"n": HEADER_SCAN_ROWS}
        )
    return best_index


_DATA_LIKE_RE = re.compile(r"[\d\s+\-./:年月日]+")


def _header_like(row: Sequence[Any]) -> bool:
    """A row that can be part of a header: text only, nothing shaped like a value (a number,
    a date, a phone number), and at least one known column name."""
    texts = []
    for cell in row:
        if cell is None or cell == "":
            continue
        if not isinstance(cell, str):  # a number or a date: a data row
            return False
        text = cell.strip()
        if text:
            if _DATA_LIKE_RE.fullmatch(text):
                return False
            texts.append(text)
    return any(match_header(t) for t in texts)


def _stacked(top: Sequence[Any], sub: Sequence[Any]) -> list[str]:
    """The header of a table whose header is written over two rows: group labels above,
    merged over their columns (联系方式 over 手机 | 固话), and the columns without a group
    merged down. Each column is named by its lower cell, else by its upper one."""
    width = max(len(top), len(sub))
    top_texts = [_cell_text(c) for c in top] + [""] * (width - len(top))
    sub_texts = [_cell_text(c) for c in sub] + [""] * (width - len(sub))
    return [s or t for t, s in zip(top_texts, sub_texts, strict=True)]


def _known(headers: Sequence[str]) -> int:
    return sum(1 for h in headers if h and match_header(h))


#: Rows after the data that are not records: totals and signatures (合计：120 台, 制表人：…).
_FOOTER_RE = re.compile(r"^(?:合计|总计|小计|共计|总数|制表|打印|审核|导出时间|导出日期)")


def _is_footer(row: Sequence[Any]) -> bool:
    first = next((t for c in row if (t := _cell_text(c))), "")
    return bool(_FOOTER_RE.match(first))


def read_sheet(content: bytes, filename: str) -> Sheet:
    rows = read_cells(content, filename)
    header_index = detect_header(rows)
    headers = [_cell_text(c) for c in rows[header_index]]
    first_data = header_index + 1
    # a header written over two rows: the detected row with the one below or above it
    below = rows[header_index + 1] if header_index + 1 < len(rows) else None
    above = rows[header_index - 1] if header_index > 0 else None
    if below is not None and _header_like(below):
        stacked = _stacked(rows[header_index], below)
        if _known(stacked) > _known(headers):
            headers, header_index, first_data = stacked, header_index + 1, header_index + 2
    elif above is not None and _header_like(above):
        stacked = _stacked(above, rows[header_index])
        if _known(stacked) > _known(headers):
            headers = stacked
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    data: list[list[Any]] = []
    for row in rows[first_data:]:
        row = list(row[:width])
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        data.append(row)
    while data and (all(_cell_text(c) == "" for c in data[-1]) or _is_footer(data[-1])):
        data.pop()
    return Sheet(
        header_row_number=header_index + 1,
        headers=headers,
        rows=data,
        first_row_number=first_data + 1,
    )
