"""Read an uploaded spreadsheet into rows of cell values, and find the header row.

.xlsx/.xls/.xlsb/.ods go through calamine; an ".xls" that is really an HTML table, an XML
Spreadsheet 2003 file or tab/comma separated text (as many DMS systems export) is recognised
by its content. .csv/.txt may be UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text")
or GBK/GB18030, separated by commas, tabs or semicolons."""

from __future__ import annotations

import codecs
import csv
import io
import pickle
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import PurePath
from typing import Any

import lz4.block
from django.utils.translation import gettext as _

from autocrm.imports import markup
from autocrm.imports.columns import match_header
from autocrm.imports.errors import ImportFileError
from autocrm.imports.limits import (
    MAX_ROWS,
    check_archive,
    check_cells,
    check_dimension,
    check_table,
    check_worksheet,
)

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
HEADER_SCAN_ROWS = 20


#: From this many data rows on, a sheet's rows are kept in a `RowStore` (pickled and
#: compressed blocks) instead of as Python lists: a million rows of 20 cells take about 3 GB
#: as lists, about 150 MB stored.
STORE_MIN_ROWS = 20_000


class RowStore(Sequence[list[Any]]):
    """Rows kept as LZ4-compressed pickles of `BLOCK` rows each (LZ4: a fifth of zlib's time
    to compress, a tenth to decompress, for a fifth more bytes): appended once while the file
    is read, then read by index or in order (a block is unpacked on demand and the last one
    kept). Forked validation workers inherit the blocks without copying them."""

    BLOCK = 1000

    def __init__(self, rows: Iterable[list[Any]] = ()) -> None:
        self._blocks: list[bytes] = []
        self._pending: list[list[Any]] = []
        self._length = 0
        self._cached: tuple[int, list[list[Any]]] = (-1, [])
        for row in rows:
            self.append(row)

    def append(self, row: list[Any]) -> None:
        self._pending.append(row)
        self._length += 1
        if len(self._pending) == self.BLOCK:
            self._seal()

    def _seal(self) -> None:
        if self._pending:
            self._blocks.append(lz4.block.compress(pickle.dumps(self._pending, protocol=5)))
            self._pending = []

    def _block(self, number: int) -> list[list[Any]]:
        if self._cached[0] != number:
            self._seal()
            self._cached = (number, pickle.loads(lz4.block.decompress(self._blocks[number])))
        return self._cached[1]

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return self._block(index // self.BLOCK)[index % self.BLOCK]

    def __iter__(self) -> Iterator[list[Any]]:
        self._seal()
        for number in range(len(self._blocks)):
            yield from pickle.loads(lz4.block.decompress(self._blocks[number]))


@dataclass
class Sheet:
    """A table read from a file: the header row and the data rows below it."""

    header_row_number: int  # 1-based, as Excel shows it
    headers: list[str]
    #: data rows, each padded to len(headers): a list, or a `RowStore` for a large file
    rows: Sequence[list[Any]]
    first_row_number: int  # Excel row number of rows[0]

    def row_number(self, index: int) -> int:
        return self.first_row_number + index


def read_cells(content: bytes, filename: str) -> list[list[Any]]:
    """All rows of the sheet with the best header row (or of the CSV file); see `_cells`."""
    return list(_cells(content, filename))


def _cells(content: bytes, filename: str) -> Iterable[list[Any]]:
    """The rows of the sheet with the best header row (or of the CSV file): a list, or for a
    very large workbook an iterator that reads it piece by piece (`_xlsx_in_pieces`).

    A workbook's sheets (or the tables of an HTML/XML file saved as .xls) compete on the score
    `detect_header` uses, so an instructions or summary sheet in front of the data is passed
    over; on a tie the earlier sheet wins. Without any recognisable header the first sheet with
    data is returned, for `detect_header` to explain.
    """
    check_file_type(content, filename)
    if PurePath(filename).suffix.lower() in CSV_SUFFIXES:
        return _read_csv(_decode_text(content))
    return _read_workbook(content)


def check_file_type(content: bytes, filename: str) -> None:
    """What can be told without reading the file: it is not empty, and of a type imported."""
    suffix = PurePath(filename).suffix.lower()
    if not content:
        raise ImportFileError(_("The file is empty."))
    if suffix not in (*CSV_SUFFIXES, *SPREADSHEET_SUFFIXES):
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
    rows: Callable[[], Iterable[list[Any]]]
    has_data: Callable[[], bool]


def _choose(candidates: Iterable[_Candidate]) -> Iterable[list[Any]]:
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


def _read_workbook(content: bytes) -> Iterable[list[Any]]:
    from python_calamine import CalamineWorkbook

    pieces = _checked_archive(content)
    if pieces is not None:
        try:
            return _choose(pieces.candidates())
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise _unreadable(exc) from exc
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
        # held to the row limit as it is read: 50 MB of line breaks are 50 million rows
        rows = list(islice(csv.reader(io.StringIO(text), **_csv_format(text)), MAX_ROWS + 1))
        check_table(len(rows), 0)
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
    rows = iter(_cells(content, filename))
    head = list(islice(rows, HEADER_SCAN_ROWS + 1))  # the header rows and the row below
    header_index = detect_header(head)
    headers = [_cell_text(c) for c in head[header_index]]
    first_data = header_index + 1
    # a header written over two rows: the detected row with the one below or above it
    below = head[header_index + 1] if header_index + 1 < len(head) else None
    above = head[header_index - 1] if header_index > 0 else None
    if below is not None and _header_like(below):
        stacked = _stacked(head[header_index], below)
        if _known(stacked) > _known(headers):
            headers, header_index, first_data = stacked, header_index + 1, header_index + 2
    elif above is not None and _header_like(above):
        stacked = _stacked(above, head[header_index])
        if _known(stacked) > _known(headers):
            headers = stacked
    while headers and not headers[-1]:
        headers.pop()
    check_table(first_data, len(headers))  # a text file's columns, before its rows are cut
    data = _data_rows(chain(head[first_data:], rows), len(headers))
    check_table(first_data + len(data), len(headers))
    return Sheet(
        header_row_number=header_index + 1,
        headers=headers,
        rows=data,
        first_row_number=first_data + 1,
    )


def _data_rows(rows: Iterable[Sequence[Any]], width: int) -> Sequence[list[Any]]:
    """The data rows, each cut or padded to `width`, without the empty and footer rows at the
    end; a list, or a `RowStore` from `STORE_MIN_ROWS` rows on."""
    data: list[list[Any]] | RowStore = []
    trailing: list[list[Any]] = []  # empty or footer rows, kept until a data row follows
    for cells in rows:
        row = list(cells[:width])
        if len(row) < width:
            row.extend([""] * (width - len(row)))
        if all(_cell_text(c) == "" for c in row) or _is_footer(row):
            trailing.append(row)
            continue
        if trailing:
            for kept in trailing:
                data.append(kept)
            trailing = []
        data.append(row)
        if type(data) is list and len(data) >= STORE_MIN_ROWS:
            data = RowStore(data)
    return data


#: A worksheet's XML from this size on is read in pieces (`_xlsx_in_pieces`): calamine holds a
#: whole sheet in memory, about 1.1 GB for a million rows of 20 cells (2 GB while parsing).
PIECE_MIN_BYTES = 192 * 1024 * 1024
#: The size of the XML of one piece.
PIECE_BYTES = 48 * 1024 * 1024

_SHEET_DATA_RE = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?:\s[^>]*)?(/?)>")
_DIMENSION_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*/>")
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class _LargeXlsx:
    """An .xlsx with a very large worksheet, read by calamine one piece at a time: each piece
    is a workbook of its own holding the other parts of the file (shared strings, styles) and
    a slice of the worksheet's rows, cut between two rows. Cells keep their addresses, so the
    rows come out as calamine reads the whole sheet; only the pieces' parse is repeated for
    the shared strings."""

    def __init__(self, archive: zipfile.ZipFile, sheets: list[tuple[str, str]]) -> None:
        self.archive = archive
        self.sheets = sheets  # (name, member) in workbook order
        members = {m for _name, m in sheets}
        self.others = {
            info.filename: archive.read(info) if info.filename not in members else b""
            for info in archive.infolist()
        }

    def candidates(self) -> Iterator[_Candidate]:
        for name, member in self.sheets:
            head = list(islice(self.rows(name, member), HEADER_SCAN_ROWS))
            yield _Candidate(
                head,
                lambda name=name, member=member: self.rows(name, member),
                lambda name=name, member=member: _has_data(self.rows(name, member)),
            )

    def _piece(self, member: str, xml: bytes, name: str) -> Any:
        from python_calamine import CalamineWorkbook

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for filename, data in self.others.items():
                if filename == member:
                    out.writestr(filename, xml)
                elif filename in {m for _n, m in self.sheets}:
                    out.writestr(filename, _EMPTY_SHEET)
                else:
                    out.writestr(filename, data)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
        return workbook.get_sheet_by_name(name)

    def rows(self, name: str, member: str) -> Iterator[list[Any]]:
        """The sheet's rows from A1, as `to_python(skip_empty_area=False)` gives them (widths
        may differ from piece to piece: the reader cuts or pads rows to the header)."""
        next_row = 0
        for xml in self._slices(member, name):
            check_cells(xml, name)
            sheet = self._piece(member, xml, name)
            if not sheet.height or sheet.start is None:
                continue
            first_row, first_column = sheet.start
            while next_row < first_row:
                yield []
                next_row += 1
            pad = [""] * first_column
            # from the piece's first cell on (`iter_rows` would start at A1)
            for row in sheet.to_python(skip_empty_area=True):
                yield [*pad, *row] if pad else row
                next_row += 1

    def _slices(self, member: str, name: str) -> Iterator[bytes]:
        """Worksheets of at most about PIECE_BYTES of rows each: the sheet's own start (without
        its dimension, which would describe the whole sheet), whole rows, and the end tags."""
        with self.archive.open(member) as stream:
            data = b""
            while (match := _SHEET_DATA_RE.search(data)) is None:
                more = stream.read(1 << 20)
                if not more:
                    return
                data += more
            prefix_tag, empty = match.group(1), match.group(2)
            check_dimension(data[: match.start()], name)
            head = _DIMENSION_RE.sub(b"", data[: match.start()]) + data[match.start() : match.end()]
            if empty:  # <sheetData/>: no rows
                return
            end_row = b"</" + prefix_tag + b"row>"
            tail = b"</" + prefix_tag + b"sheetData></" + prefix_tag + b"worksheet>"
            data = data[match.end() :]
            done = False
            while not done:
                while len(data) < PIECE_BYTES:
                    more = stream.read(1 << 22)
                    if not more:
                        done = True
                        break
                    data += more
                cut = data.rfind(end_row) if not done else -1
                if done:
                    end = data.find(b"</" + prefix_tag + b"sheetData>")
                    body = data[:end] if end >= 0 else data
                    if body.strip():
                        yield head + body + tail
                    return
                if cut < 0:  # one row larger than a piece: read on
                    more = stream.read(1 << 22)
                    if not more:
                        done = True
                    data += more
                    continue
                cut += len(end_row)
                yield head + data[:cut] + tail
                data = data[cut:]


_EMPTY_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)


def _checked_archive(content: bytes) -> _LargeXlsx | None:
    """Check a zipped workbook (.xlsx, .xlsm, .xlsb, .ods) against the upload limits before
    anything parses it (`limits`): the archive's sizes, and each .xlsx worksheet's declared
    dimension, rectangle and cells. Returns the workbook as a `_LargeXlsx` when a worksheet
    has PIECE_MIN_BYTES of XML or more (its pieces are checked as they are cut); None
    otherwise (read by calamine at once)."""
    if not content.startswith(b"PK"):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        return None
    check_archive(archive)
    sheets = _worksheets(archive)
    if not sheets:
        return None
    if any(archive.getinfo(member).file_size >= PIECE_MIN_BYTES for _name, member in sheets):
        return _LargeXlsx(archive, sheets)
    for name, member in sheets:
        if member.endswith(".xml"):
            check_worksheet(archive.read(member), name)
    return None


def _worksheets(archive: zipfile.ZipFile) -> list[tuple[str, str]] | None:
    """An .xlsx's worksheets as (name, member) in workbook order; None for another archive
    (or one whose workbook part cannot be read: calamine says why)."""
    import posixpath
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (zipfile.BadZipFile, KeyError, ET.ParseError):
        return None
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    sheets = []
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        target = targets.get(element.get(f"{{{_REL_NS}}}id"), "")
        member = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join("xl", target))
        )
        if member not in archive.namelist():
            return None
        sheets.append((element.get("name", ""), member))
    return sheets
