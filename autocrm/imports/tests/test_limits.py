"""Crafted uploads are refused before they are read (issue #13: a 1.6 KB .xlsx made the reader
allocate 512 GiB). Each file here would take gigabytes, or abort the process, if it reached
calamine; each is refused with a message that names what is wrong."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable

import openpyxl
import pytest

from autocrm.imports import limits, reader
from autocrm.imports.reader import ImportFileError, read_sheet

HEADER = ["客户姓名", "手机号码", "车架号"]


def _xlsx(cells: dict[str, object], *, rows: list[list[object]] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "客户"
    for row in rows or [HEADER, ["张伟", "13812345678", ""]]:
        sheet.append(row)
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _refused(content: bytes, filename: str = "bomb.xlsx") -> str:
    started = time.perf_counter()
    with pytest.raises(ImportFileError) as caught:
        read_sheet(content, filename)
    assert time.perf_counter() - started < 5  # refused before any large allocation
    return str(caught.value)


def test_a_cell_in_the_last_column_of_the_last_row() -> None:
    """The issue's file: A1 and XFD1048576, 512 GiB to read."""
    content = _xlsx({"XFD1048576": "x"})
    assert len(content) < 10_000
    message = _refused(content)
    assert "XFD" in message and "16,384" in message and "256" in message


def test_a_sheet_reaching_zz200000() -> None:
    assert "ZZ" in _refused(_xlsx({"ZZ200000": 1}))


def test_a_stray_cell_far_below_the_data() -> None:
    """Within the columns, but a million rows for three cells."""
    message = _refused(_xlsx({"C1000000": "x"}))
    assert "1,000,000" in message


def _rewrite(content: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == member:
                changed = change(data)
                assert changed != data
                data = changed
            target.writestr(info.filename, data)
    return out.getvalue()


def test_a_declared_dimension_beyond_the_limits() -> None:
    content = _rewrite(
        _xlsx({}),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'<dimension ref="A1:C2" />', b'<dimension ref="A1:XFD1048576" />'),
    )
    assert "XFD" in _refused(content)


def test_cells_beyond_a_small_declared_dimension() -> None:
    """The dimension may lie: the cells' own addresses are checked too."""
    content = _rewrite(
        _xlsx({"AAA1": "x"}),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b'ref="A1:AAA2"', b'ref="A1:C2"'),
    )
    assert "AAA" in _refused(content)


def test_a_part_that_unpacks_a_thousand_times_larger() -> None:
    content = _rewrite(
        _xlsx({}),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (20 * 1024 * 1024)),
    )
    assert len(content) < 200_000
    assert "xl/worksheets/sheet1.xml" in _refused(content)


def test_an_archive_too_large_unpacked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED", 1024)
    assert "GB" in _refused(_xlsx({}))


def test_pieces_of_a_large_sheet_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet read piece by piece (`_LargeXlsx`) is checked piece by piece."""
    monkeypatch.setattr(reader, "PIECE_MIN_BYTES", 1)
    monkeypatch.setattr(reader, "PIECE_BYTES", 2000)
    rows = [HEADER] + [[f"客户{i}", f"138{i:08d}", ""] for i in range(200)]
    assert len(read_sheet(_xlsx({}, rows=rows), "ok.xlsx").rows) == 200
    assert "ZZ" in _refused(_xlsx({"ZZ150": 1}, rows=rows))
    assert "1,000,000" in _refused(_xlsx({"C1000000": "x"}, rows=rows))


def test_a_real_export_passes() -> None:
    rows = [HEADER + [f"备注{i}" for i in range(30)]]
    rows += [[f"客户{i}", f"138{i:08d}", "", *["x"] * 30] for i in range(3000)]
    sheet = read_sheet(_xlsx({}, rows=rows), "export.xlsx")
    assert len(sheet.rows) == 3000 and len(sheet.headers) == 33


def test_a_csv_with_too_many_columns() -> None:
    header = ",".join(["姓名", "手机", *(f"列{i}" for i in range(9_998))])
    content = (header + "\n" + ",".join("x" * 10_000) + "\n").encode()
    assert "10,000" in _refused(content, "wide.csv")


def test_a_csv_whose_rows_end_in_empty_cells_passes() -> None:
    """Trailing empty cells are cut to the header's width: not a wide file."""
    content = ("姓名,手机\n" + "张伟,13812345678" + "," * 10_000 + "\n").encode()
    sheet = read_sheet(content, "trailing.csv")
    assert sheet.headers == ["姓名", "手机"] and len(sheet.rows) == 1


def test_a_csv_of_line_breaks() -> None:
    """50 MB of line breaks would be 50 million rows: reading stops past the limit."""
    content = ("姓名,手机\n" + "张伟,1\n" * (limits.MAX_ROWS + 1)).encode()
    assert "1,048,576" in _refused(content, "long.csv")


@pytest.mark.parametrize(
    ("letters", "index"), [("A", 1), ("Z", 26), ("AA", 27), ("IV", 256), ("XFD", 16384)]
)
def test_column_index(letters: str, index: int) -> None:
    assert limits.column_index(letters) == index
