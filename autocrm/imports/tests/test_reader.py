"""The reader on real dirty exports: workbooks with an instructions sheet first, Excel's
"Unicode text", UTF-16 CSV, and the HTML / XML Spreadsheet 2003 / plain text files that DMS
systems save as .xls."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import random

import pytest
import python_calamine
import xlsxwriter
from django.utils import translation

from autocrm.imports import reader
from autocrm.imports.columns import auto_mapping
from autocrm.imports.reader import ImportFileError, read_sheet
from autocrm.imports.tests.files import csv_bytes, xls

HEADER = ["客户姓名", "手机号码", "联系地址", "车架号", "购车日期", "行驶里程"]
VIN1, VIN2 = "LSVAM4187C2184847", "LFV2A21K9F3000001"


@pytest.fixture(autouse=True)
def _english() -> None:
    with translation.override("en"):
        yield


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx with one worksheet per entry, in order."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                elif value is not None:
                    sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


INSTRUCTIONS = [
    ["填写说明"],
    ["1. 带*的列必须填写"],
    ["字段", "要求"],
    ["姓名", "必填"],  # one known column name: scores 1, less than the data sheet
    ["手机", "11位手机号"],
]
DATA = [
    ["客户档案（2024年3月）"],
    HEADER,
    ["张伟", "13912345678", "广东省深圳市南山区科技园路8号", VIN1, "2021-05-01", 12000],
    ["李娜", "13912345679", "", VIN2, "", ""],
]


def test_instructions_sheet_in_front_is_passed_over() -> None:
    content = workbook({"填写说明": INSTRUCTIONS, "客户": DATA, "汇总": [["合计", 2]]})
    sheet = read_sheet(content, "客户.xlsx")
    assert sheet.header_row_number == 2
    assert sheet.headers == HEADER
    assert sheet.first_row_number == 3
    assert sheet.rows == [
        ["张伟", "13912345678", "广东省深圳市南山区科技园路8号", VIN1, "2021-05-01", 12000.0],
        ["李娜", "13912345679", "", VIN2, "", ""],
    ]


def test_equal_headers_go_to_the_earlier_sheet_and_empty_sheets_are_skipped() -> None:
    later = [HEADER, ["王芳", "13812345670", "", "", "", ""]]
    content = workbook({"空白": [], "客户": DATA[1:], "备份": later})
    sheet = read_sheet(content, "客户.xlsx")
    assert sheet.header_row_number == 1
    assert sheet.rows[0][0] == "张伟"


def test_no_header_in_any_sheet_and_no_data_at_all() -> None:
    content = workbook({"空白": [], "说明": [["请按模板填写"]], "数据": [["a", "b"], [1, 2]]})
    with pytest.raises(ImportFileError, match="No header row found"):
        read_sheet(content, "x.xlsx")
    with pytest.raises(ImportFileError, match="contains no data"):
        read_sheet(workbook({"Sheet1": [], "Sheet2": []}), "x.xlsx")


def test_each_sheet_is_parsed_once_and_only_the_chosen_one_converted(monkeypatch) -> None:
    real = python_calamine.CalamineWorkbook
    parsed: list[str] = []
    converted: list[tuple[str, int | None]] = []

    class Sheet:
        def __init__(self, sheet) -> None:
            self._sheet = sheet

        def to_python(self, skip_empty_area=True, nrows=None):
            converted.append((self._sheet.name, nrows))
            return self._sheet.to_python(skip_empty_area=skip_empty_area, nrows=nrows)

        def iter_rows(self):
            return self._sheet.iter_rows()

    class Workbook:
        @classmethod
        def from_filelike(cls, filelike):
            book = cls()
            book._book = real.from_filelike(filelike)
            book.sheet_names = book._book.sheet_names
            return book

        def get_sheet_by_name(self, name):
            parsed.append(name)
            return Sheet(self._book.get_sheet_by_name(name))

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Workbook)
    content = workbook({"填写说明": INSTRUCTIONS, "客户": DATA, "汇总": [["合计", 2]]})
    assert read_sheet(content, "客户.xlsx").headers == HEADER
    assert parsed == ["填写说明", "客户", "汇总"]
    scan = reader.HEADER_SCAN_ROWS
    assert converted == [("填写说明", scan), ("客户", scan), ("汇总", scan), ("客户", None)]


UNICODE_ROWS = [
    ["客户姓名", "手机号码", "联系地址", "备注"],
    ["张伟", "13912345678", "广东省深圳市南山区, 科技园路8号", '说"老客户"'],
    ["李娜", "13912345679", "", ""],
]


def _tab_text(rows: list[list[str]]) -> str:
    """What Excel's "Unicode text (*.txt)" writes: TAB-separated, CRLF, Excel quoting."""

    def field(value: str) -> str:
        return f'"{value.replace(chr(34), chr(34) * 2)}"' if '"' in value else value

    return "".join("\t".join(field(v) for v in row) + "\r\n" for row in rows)


def test_excel_unicode_text_utf16le_tab_separated_with_bom() -> None:
    content = codecs.BOM_UTF16_LE + _tab_text(UNICODE_ROWS).encode("utf-16-le")
    sheet = read_sheet(content, "客户.txt")
    assert sheet.header_row_number == 1
    assert sheet.headers == UNICODE_ROWS[0]
    assert sheet.first_row_number == 2
    assert sheet.rows == UNICODE_ROWS[1:]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
        lambda text: text.encode("utf-16-le"),  # no BOM: told by the zero bytes
    ],
    ids=["be-bom", "le-bom", "le-no-bom"],
)
def test_utf16_csv(encode) -> None:
    text = csv_bytes(UNICODE_ROWS, encoding="utf-8").decode("utf-8")
    sheet = read_sheet(encode(text), "客户.csv")
    assert sheet.headers == UNICODE_ROWS[0]
    assert (sheet.header_row_number, sheet.first_row_number) == (1, 2)
    assert sheet.rows == UNICODE_ROWS[1:]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_comma_tab_and_semicolon_csv(delimiter: str) -> None:
    lines = [
        "导出日期 2024-03-01",
        delimiter.join(HEADER[:3]),
        delimiter.join(["张伟", "1391", "深圳, 南山"]),
    ]
    if delimiter == ",":
        lines[2] = '张伟,1391,"深圳, 南山"'
    sheet = read_sheet("\r\n".join(lines).encode("utf-8-sig"), "客户.csv")
    assert sheet.headers == HEADER[:3]
    assert (sheet.header_row_number, sheet.first_row_number) == (2, 3)
    assert sheet.rows == [["张伟", "1391", "深圳, 南山"]]


def test_space_after_the_comma_and_quoted_commas() -> None:
    content = '客户姓名, 手机号码, 备注\r\n张伟, 13912345678, "老客户, 二次购车"\r\n'.encode()
    sheet = read_sheet(content, "客户.csv")
    assert sheet.headers == ["客户姓名", "手机号码", "备注"]
    assert sheet.rows == [["张伟", "13912345678", "老客户, 二次购车"]]


def test_single_column_csv_is_not_split_at_commas() -> None:
    content = "车架号\r\nLSVAM4187C2184847\r\nLFV2A21K9F3000001, 已过户\r\n\r\n".encode()
    sheet = read_sheet(content, "vin.csv")
    assert sheet.headers == ["车架号"]
    assert (sheet.header_row_number, sheet.first_row_number) == (1, 2)
    assert sheet.rows == [[VIN1], ["LFV2A21K9F3000001, 已过户"]]


HTML_XLS = """
<html xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<style>td { mso-number-format:"\\@"; }</style></head>
<body>
<table border="1"><tr><td>导出人：admin</td><td>2024-03-01</td></tr></table>
<table border="1">
<![if !supportMisc]><![endif]>
<tr><td colspan="5" align="center"><b>深圳南山4S店客户档案</b></td></tr>
<thead><tr><th>客户姓名</th><th>手机号码</th><th colspan="2">联系地址</th><th>备注</th></tr>
</thead>
<tbody>
<tr><td rowspan="2"><span><font color="red">张</font>伟</span></td><td x:str>13912345678</td>
<td>广东省深圳市</td><td>南山区</td><td>A&amp;B<br>老客户&nbsp;&nbsp;</td></tr>
<tr><td>13912345679<td>广东省深圳市<td>福田区<td>&lt;二手车&gt;</tr>
<tr><td>李娜</td><td>13912345670</td><td></td><td></td><td></td></tr>
</tbody></table></body></html>
"""


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])  # as declared; a BOM wins over it
def test_html_table_saved_as_xls(encoding: str) -> None:
    sheet = read_sheet(HTML_XLS.encode(encoding), "客户导出.xls")
    assert sheet.header_row_number == 2  # in the second table, below its title row
    assert sheet.headers == ["客户姓名", "手机号码", "联系地址", "", "备注"]
    assert sheet.first_row_number == 3
    assert sheet.rows == [
        ["张伟", "13912345678", "广东省深圳市", "南山区", "A&B 老客户"],
        ["", "13912345679", "广东省深圳市", "福田区", "<二手车>"],  # under the rowspan
        ["李娜", "13912345670", "", "", ""],
    ]


SPREADSHEET_XML = """<?xml version="1.0" encoding="gb2312"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:o="urn:schemas-microsoft-com:office:office"
 xmlns:x="urn:schemas-microsoft-com:office:excel"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:html="http://www.w3.org/TR/REC-html40">
 <Worksheet ss:Name="说明">
  <Table><Row><Cell><Data ss:Type="String">本表由DMS导出</Data></Cell></Row></Table>
 </Worksheet>
 <Worksheet ss:Name="客户">
  <Table ss:ExpandedColumnCount="6" ss:ExpandedRowCount="5">
   <Row><Cell ss:MergeAcross="5"><Data ss:Type="String">客户档案</Data></Cell></Row>
   <Row ss:Index="3">
    <Cell><Data ss:Type="String">客户姓名</Data></Cell>
    <Cell><Data ss:Type="String">手机号码</Data></Cell>
    <Cell><Data ss:Type="String">联系地址</Data></Cell>
    <Cell><Data ss:Type="String">车架号</Data></Cell>
    <Cell><Data ss:Type="String">购车日期</Data></Cell>
    <Cell><Data ss:Type="String">行驶里程</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">张伟</Data></Cell>
    <Cell><Data ss:Type="String">13912345678</Data></Cell>
    <Cell><ss:Data ss:Type="String"><html:B>广东省</html:B>深圳市</ss:Data></Cell>
    <Cell><Data ss:Type="String">LSVAM4187C2184847</Data></Cell>
    <Cell><Data ss:Type="DateTime">2021-05-01T00:00:00.000</Data></Cell>
    <Cell><Data ss:Type="Number">12000</Data></Cell>
   </Row>
   <Row>
    <Cell><Data ss:Type="String">李娜</Data></Cell>
    <Cell ss:Index="4"><Data ss:Type="String">LFV2A21K9F3000001</Data></Cell>
    <Cell ss:Index="6"><Data ss:Type="Number">35000.5</Data></Cell>
   </Row>
  </Table>
 </Worksheet>
</Workbook>
"""


def test_xml_spreadsheet_2003_saved_as_xls() -> None:
    sheet = read_sheet(SPREADSHEET_XML.encode("gbk"), "客户.xls")
    assert sheet.header_row_number == 3  # the title row, then a row Excel skipped
    assert sheet.headers == HEADER
    assert sheet.first_row_number == 4
    assert sheet.rows == [
        ["张伟", "13912345678", "广东省深圳市", VIN1, dt.date(2021, 5, 1), 12000],
        ["李娜", "", "", VIN2, "", 35000.5],
    ]


def test_xml_with_a_document_type_declaration_is_refused() -> None:
    bomb = SPREADSHEET_XML.replace(
        "<?mso-application", '<!DOCTYPE x [<!ENTITY a "aaaa">]><?mso-application'
    )
    with pytest.raises(ImportFileError, match="could not be read as a spreadsheet"):
        read_sheet(bomb.encode("gbk"), "客户.xls")


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])  # utf-16: Excel's "Unicode text"
def test_tab_separated_text_saved_as_xls(encoding: str) -> None:
    rows = [["客户列表"], HEADER[:3], ["张伟", "13912345678", "广东省深圳市南山区"]]
    content = "\r\n".join("\t".join(row) for row in rows).encode(encoding)
    sheet = read_sheet(content, "客户.xls")
    assert sheet.headers == HEADER[:3]
    assert (sheet.header_row_number, sheet.first_row_number) == (2, 3)
    assert sheet.rows == [["张伟", "13912345678", "广东省深圳市南山区"]]


def test_genuine_xls_with_a_title_row() -> None:
    rows = [
        HEADER,
        ["张伟", "13912345678", "广东省深圳市南山区科技园路8号", VIN1, dt.date(2021, 5, 1), 12000],
        ["李娜", "13912345679", None, VIN2, None, 35000.5],
    ]
    content = xls(rows, title="深圳南山4S店客户档案")
    assert content.startswith(b"\xd0\xcf\x11\xe0")  # a real BIFF compound file
    sheet = read_sheet(content, "客户.xls")
    assert sheet.header_row_number == 4
    assert sheet.headers == HEADER
    assert sheet.first_row_number == 5
    assert sheet.rows == [
        ["张伟", "13912345678", "广东省深圳市南山区科技园路8号", VIN1, dt.date(2021, 5, 1), 12000],
        ["李娜", "13912345679", "", VIN2, "", 35000.5],
    ]
    assert sheet.row_number(1) == 6


def test_garbage_xls_is_refused_clearly() -> None:
    content = random.Random(20240301).randbytes(8192)
    with pytest.raises(ImportFileError, match=r"^The file could not be read as a spreadsheet \("):
        read_sheet(content, "客户.xls")
    with pytest.raises(ImportFileError, match="could not be read as a spreadsheet"):
        read_sheet(b"<html><body>no table here</body></html>", "客户.xls")


def _two_row_header_xlsx() -> bytes:
    """A DMS report: a title, a header over two rows (联系方式 merged over 手机 | 固话, 车辆信息
    over three columns, the other headers merged down), a blank row and totals at the end."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("车主")
    sheet.merge_range(0, 0, 0, 8, "广州某某汽车销售服务有限公司 车主信息表")
    for col, header in ((0, "序号"), (1, "车主姓名"), (2, "性别"), (7, "行驶里程"), (8, "备注")):
        sheet.merge_range(2, col, 3, col, header)
    sheet.merge_range(2, 3, 2, 4, "联系方式")
    sheet.merge_range(2, 5, 2, 6, "车辆信息")
    for col, header in ((3, "手机"), (4, "固话"), (5, "VIN码"), (6, "牌照号")):
        sheet.write_string(3, col, header)
    sheet.write_row(4, 0, [1, "张伟", "男", "13912345678", "020-88886666", VIN1, "粤A12345", 1200])
    sheet.write_row(6, 0, [2, "李娜", "女", "13912345679", "", "", "", ""])
    sheet.write_row(7, 0, ["合计：2 人"])
    sheet.write_row(8, 0, ["制表人：王芳"])
    book.close()
    return buffer.getvalue()


def test_header_over_two_rows_with_merged_group_labels() -> None:
    sheet = read_sheet(_two_row_header_xlsx(), "车主.xlsx")
    assert sheet.headers == [
        "序号", "车主姓名", "性别", "手机", "固话", "VIN码", "牌照号", "行驶里程", "备注",
    ]  # fmt: skip
    assert sheet.header_row_number == 4 and sheet.first_row_number == 5
    # the blank row stays (skipped as empty), the totals and the signature are no records
    assert [row[1] for row in sheet.rows] == ["张伟", "", "李娜"]
    assert auto_mapping(sheet.headers, sheet.rows)[1:8] == [
        "name", "gender", "mobile", "landline", "vin", "plate_number", "mileage_km",
    ]  # fmt: skip


def test_header_found_in_the_lower_row_takes_the_upper_row_too() -> None:
    """When the lower header row names more known columns, it is the one detected; the
    columns merged down from the upper row keep their names."""
    rows = [
        ["客户姓名", "联系方式", "", "", "车辆"],
        ["", "手机", "固话", "电子邮箱", "车架号"],
        ["张伟", "13912345678", "020-88886666", "zw@example.com", VIN1],
    ]
    assert reader.detect_header(reader.read_cells(csv_bytes(rows), "a.csv")) == 1
    sheet = read_sheet(csv_bytes(rows), "a.csv")
    assert sheet.headers == ["客户姓名", "手机", "固话", "电子邮箱", "车架号"]
    assert [row[0] for row in sheet.rows] == ["张伟"] and sheet.header_row_number == 2


def test_a_data_row_below_the_header_is_never_taken_for_a_second_header_row() -> None:
    rows = [["姓名", "手机", "备注"], ["张伟", "13912345678", "手机号码换过"], ["李娜", "", "车主"]]
    sheet = read_sheet(csv_bytes(rows), "a.csv")
    assert sheet.headers == ["姓名", "手机", "备注"]
    assert [row[0] for row in sheet.rows] == ["张伟", "李娜"]
    text_only = [["姓名", "地址", "备注"], ["张伟", "广州市天河区", "老客户"]]
    assert read_sheet(csv_bytes(text_only), "b.csv").headers == ["姓名", "地址", "备注"]


def test_large_workbook_read_in_pieces_gives_the_rows_of_the_whole_sheet(monkeypatch) -> None:
    """A worksheet past PIECE_MIN_BYTES is parsed piece by piece; cut into many small pieces,
    the rows (values and types, empty rows and columns included) are calamine's own."""
    rows: list[list[object]] = [["客户档案"], [], HEADER]
    for i in range(400):
        rows.append(
            [f"客户{i}", f"139{i:08d}", "" if i % 7 else "深圳市南山区", VIN1 if i % 3 else "",
             "2021-05-01", float(i)]
        )  # fmt: skip
        if i % 50 == 0:
            rows.append([])
    rows.append(["", "", "", "", "", 1.5])  # a row starting in a later column
    content = workbook({"客户": rows})
    whole = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    expected = whole.get_sheet_by_index(0).to_python(skip_empty_area=False)
    monkeypatch.setattr(reader, "PIECE_MIN_BYTES", 1)
    monkeypatch.setattr(reader, "PIECE_BYTES", 2000)
    got = reader.read_cells(content, "big.xlsx")
    width = max(len(r) for r in [*got, *expected])
    assert [[*r, *[""] * (width - len(r))] for r in got] == [
        [*r, *[""] * (width - len(r))] for r in expected
    ]
    assert read_sheet(content, "big.xlsx").rows[-1][5] == 1.5


def test_many_rows_are_kept_in_a_row_store(monkeypatch) -> None:
    monkeypatch.setattr(reader, "STORE_MIN_ROWS", 10)
    monkeypatch.setattr(reader.RowStore, "BLOCK", 7)
    rows = [HEADER, *[[f"客户{i}", f"139{i:08d}", "", "", "", i] for i in range(30)], [], ["合计"]]
    sheet = read_sheet(csv_bytes(rows), "many.csv")
    assert isinstance(sheet.rows, reader.RowStore)
    assert len(sheet.rows) == 30
    assert list(sheet.rows) == [sheet.rows[i] for i in range(30)]
    assert sheet.rows[29][0] == "客户29" and sheet.rows[-1] == sheet.rows[29]
    assert sheet.rows[5:8] == [sheet.rows[5], sheet.rows[6], sheet.rows[7]]
