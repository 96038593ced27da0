"""Column mapping and row validation for layouts the import had not seen: dates written with
the year last, organisation customers, addresses split over columns, vehicle columns without
a VIN and more header spellings. Every file is a real .xlsx or .csv."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django_scopes import scope

from autocrm.imports import applying, services
from autocrm.imports.columns import auto_mapping, match_header
from autocrm.imports.normalize import CellError, a_date, date_order
from autocrm.imports.reader import read_sheet
from autocrm.imports.rows import RowError, RowValidator, ValidRow, date_orders_for, join_address
from autocrm.imports.tests.files import csv_bytes, xlsx
from autocrm.rules.names import is_organization_name

VIN1, VIN2 = "LSVAM4187C2184847", "LFV2A21K9F3000001"
BAD_VIN = "LSVAM4180C2184847"  # wrong check digit
ID1 = "440305199003071236"
USCC1 = "91440300MA5D000103"  # letters inside: cannot be an ID card
USCC2 = "914403001922038216"  # all digits, but 91 is no province code
USCC_LIKE_ID = "121000004000006201"  # all digits, 12 (Tianjin) first: shaped like an ID card
TODAY = dt.date(2024, 3, 1)
AMBIGUOUS = "Day and month cannot be told apart in this date; write it as 2023-01-05."
NO_DAY = "The day is missing; write the full date, e.g. 2023-01-05."
NO_VIN = "No VIN: the vehicle columns of this row were not imported."
BAD_KIND = "Enter 个人 (person) or 单位 (organization)."


@pytest.fixture(autouse=True)
def _english() -> None:
    with translation.override("en"):
        yield


def validate_file(
    content: bytes, name: str = "客户.xlsx", *, orders: bool = True
) -> tuple[list[str], list[ValidRow]]:
    """The automatic mapping of a file and its validated rows, as the import runs them."""
    sheet = read_sheet(content, name)
    mapping = auto_mapping(sheet.headers, sheet.rows)
    validator = RowValidator(
        sheet.headers,
        mapping,
        staff_by_name={},
        today=TODAY,
        date_orders=date_orders_for(sheet.rows, mapping) if orders else None,
    )
    rows = [validator.validate(sheet.row_number(i), cells) for i, cells in enumerate(sheet.rows)]
    return mapping, rows


def errors_of(rows: list[ValidRow]) -> list[tuple[int, str, str, str]]:
    """What the rows do not import: their refused values (the row is imported without them,
    issue #12) and, for a row nothing identifies, its errors."""
    return [(e.row, e.column, e.value, e.message) for r in rows for e in [*r.errors, *r.problems]]


# --- 1. dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "order", "expected"),
    [
        ("30/11/2022", None, dt.date(2022, 11, 30)),
        ("11/30/2022", None, dt.date(2022, 11, 30)),
        ("30.11.2022", None, dt.date(2022, 11, 30)),
        ("11-30-2022", None, dt.date(2022, 11, 30)),
        ("1/2/2023", "dmy", dt.date(2023, 2, 1)),
        ("1/2/2023", "mdy", dt.date(2023, 1, 2)),
        ("05/11/2022", "dmy", dt.date(2022, 11, 5)),
        ("05/11/2022", "mdy", dt.date(2022, 5, 11)),
        ("05/05/2022", None, dt.date(2022, 5, 5)),  # both readings are the same day
        ("30/11/2022", "mdy", dt.date(2022, 11, 30)),  # unambiguous: the order does not matter
        ("2022/11/30 10:30", None, dt.date(2022, 11, 30)),
        ("30/11/2022 10:30", None, dt.date(2022, 11, 30)),
        ("11/30/2022 10:30:15", None, dt.date(2022, 11, 30)),
        ("2022-11-30T10:30:00", None, dt.date(2022, 11, 30)),
        ("2022年11月30日 10:30", None, dt.date(2022, 11, 30)),
        ("2023/01/05", None, dt.date(2023, 1, 5)),
        ("20230105", None, dt.date(2023, 1, 5)),
        (44927, None, dt.date(2023, 1, 1)),
        (20230105, None, dt.date(2023, 1, 5)),
        (20230105.0, None, dt.date(2023, 1, 5)),
        (dt.datetime(2022, 11, 30, 10, 30), None, dt.date(2022, 11, 30)),
        ("", None, None),
        ("无", None, None),
    ],
)
def test_a_date_reads_the_spellings(value, order, expected) -> None:
    assert a_date(value, order) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("05/11/2022", AMBIGUOUS),
        ("1/2/2023 08:00", AMBIGUOUS),
        ("2023年1月", NO_DAY),
        ("2023-01", NO_DAY),
        ("2023.1", NO_DAY),
        ("202301", NO_DAY),
        ("1990", NO_DAY),
        (1990, NO_DAY),
        (202301, NO_DAY),
        ("31/02/2022", "Not a real date."),
        ("13/13/2022", "Not a real date."),
        ("30/11/22", "Not a date; write it as 2023-01-05."),
        ("去年", "Not a date; write it as 2023-01-05."),
    ],
)
def test_a_date_refuses_clearly(value, message) -> None:
    with pytest.raises(CellError) as caught:
        a_date(value)
    assert str(caught.value) == message


def test_date_order_from_a_columns_values() -> None:
    assert date_order(["05/11/2022", "30/11/2022", None, 44927]) == "dmy"
    assert date_order(["05/11/2022", "11/30/2022 09:00"]) == "mdy"
    assert date_order(["30/11/2022", "11/30/2022"]) is None  # conflicting
    assert date_order(["05/11/2022", "2022-11-30", dt.date(2022, 11, 30)]) is None  # no evidence
    assert date_order([]) is None
    assert date_orders_for(
        [["a", "30/11/2022", "05/11/2022"], ["b", "01/02/2023"]],
        ["name", "purchase_date", "birth_date"],
    ) == {"purchase_date": "dmy"}


def test_ambiguous_dates_use_the_columns_order() -> None:
    rows = [
        ["姓名", "手机", "购车日期", "车架号", "出生日期"],
        ["张伟", "13912345678", "30/11/2022", VIN1, "1990年5月"],
        ["李娜", "13912345679", "05/11/2022 10:30", VIN2, ""],
    ]
    _mapping, (first, second) = validate_file(xlsx(rows))
    assert first.vehicle["purchase_date"] == dt.date(2022, 11, 30)
    assert errors_of([first]) == [(2, "出生日期", "1990年5月", NO_DAY)]
    assert second.errors == []
    assert second.vehicle["purchase_date"] == dt.date(2022, 11, 5)  # D/M, as row 2 tells

    us = [rows[0], ["王芳", "13912345670", "11/30/2022", VIN1, ""],
          ["赵六", "13912345671", "05/11/2022", VIN2, ""]]  # fmt: skip
    _mapping, (_, row) = validate_file(csv_bytes(us), "us.csv")
    assert row.vehicle["purchase_date"] == dt.date(2022, 5, 11)  # M/D


def test_ambiguous_dates_without_an_order_are_refused() -> None:
    rows = [["姓名", "手机", "购车日期", "车架号"], ["张伟", "13912345678", "05/11/2022", VIN1]]
    _mapping, rows_ = validate_file(xlsx(rows))  # nothing in the column tells the order
    assert errors_of(rows_) == [(2, "购车日期", "05/11/2022", AMBIGUOUS)]
    with_order = [rows[0], rows[1], ["李娜", "13912345679", "30/11/2022", VIN2]]
    _mapping, rows_ = validate_file(xlsx(with_order), orders=False)  # no order given
    assert errors_of(rows_) == [(2, "购车日期", "05/11/2022", AMBIGUOUS)]
    assert rows_[1].vehicle["purchase_date"] == dt.date(2022, 11, 30)


# --- 2. organisation customers --------------------------------------------------------------


def test_organization_names() -> None:
    for name in ("深圳市腾飞科技有限公司", "南山区人民医院", "广州顺达车队（天河）", "城东汽修厂",
                 "华为公司", "市交通运输局"):  # fmt: skip
        assert is_organization_name(name), name
    for name in ("张伟", "李局", "王公司", "欧阳中", ""):
        assert not is_organization_name(name), name


def test_organization_by_name() -> None:
    rows = [
        ["客户名称", "手机", "地址"],
        ["深圳市腾飞科技有限公司", "13912345678", "广东省深圳市南山区科技园路8号"],
        ["张伟", "13912345679", ""],
    ]
    _mapping, (org, person) = validate_file(xlsx(rows))
    assert org.errors == [] and person.errors == []
    assert org.customer["kind"] == "organization"
    assert org.customer["name"] == "深圳市腾飞科技有限公司"
    assert "kind" not in person.customer  # a person by default: not a value of the file
    assert person.customer["uscc"] == ""


def test_organization_by_kind_column() -> None:
    rows = [
        ["姓名", "客户类型", "统一社会信用代码", "手机"],
        ["腾飞科技", "单位", USCC1.lower(), "13912345678"],
        ["李四", "个人", "", "13912345679"],
        ["王五", "未知", "", "13912345670"],
        ["赵六", "个人", USCC1, "13912345671"],
        ["深圳市某某有限公司", "私人", "", "13912345672"],  # the column wins over the name
        ["城东车队", "企业客户", "", "13912345673"],
    ]
    mapping, rows_ = validate_file(xlsx(rows))
    assert mapping == ["name", "kind", "uscc", "mobile"]
    org, person, _bad, _person_with_uscc, named, fleet = rows_
    assert org.customer["kind"] == "organization" and org.customer["uscc"] == USCC1
    assert person.customer["kind"] == "person" and person.customer["uscc"] == ""
    assert named.customer["kind"] == "person"
    assert fleet.customer["kind"] == "organization"
    assert errors_of(rows_) == [
        (4, "客户类型", "未知", BAD_KIND),
        (5, "统一社会信用代码", USCC1, "Only an organization has a unified social credit code."),
    ]


def test_uscc_in_the_id_number_column() -> None:
    rows = [
        ["客户名称", "证件号码", "手机"],
        ["深圳市腾飞科技有限公司", USCC1, "13912345678"],
        ["腾飞贸易", USCC2, "13912345679"],  # no organisation word: the USCC tells
        ["张伟", ID1, "13912345670"],
        ["天津某某研究院", USCC_LIKE_ID, "13912345671"],  # an organisation: its USCC
        ["李娜", USCC_LIKE_ID, "13912345672"],  # a person: a wrong ID card
        ["王芳", "440305199003071237", "13912345673"],
    ]
    _mapping, (org, org2, person, institute, li, wang) = validate_file(xlsx(rows))
    assert org.errors == [] and org2.errors == [] and institute.errors == []
    assert org.customer["kind"] == "organization" and org.customer["uscc"] == USCC1
    assert "id_number" not in org.customer
    assert org2.customer["kind"] == "organization" and org2.customer["uscc"] == USCC2
    assert institute.customer["uscc"] == USCC_LIKE_ID
    assert "kind" not in person.customer and person.customer["id_number"] == ID1
    assert person.customer["birth_date"] == dt.date(1990, 3, 7)
    # imported without the wrong ID number (kept as written, issue #12)
    assert li.errors == [] and wang.errors == []
    assert "id_number" not in li.customer and "id_number" not in wang.customer
    assert li.customer["rejected_values"][0]["value"] == USCC_LIKE_ID
    assert [(e.row, e.column, e.value) for e in li.problems + wang.problems] == [
        (6, "证件号码", USCC_LIKE_ID),
        (7, "证件号码", "440305199003071237"),
    ]


def test_organization_is_written_as_one(cr_a, dealer_a) -> None:
    from autocrm.customers.models import Customer

    rows = [["客户名称", "证件号码", "手机"], ["深圳市腾飞科技有限公司", USCC1, "13912345678"]]
    with scope(dealer=dealer_a.pk):
        batch, analysis_of = services.import_preview(
            actor=cr_a, content=xlsx(rows), filename="a.xlsx"
        )
        applying.import_apply(actor=cr_a, batch=batch)
        assert Customer.objects.values_list("kind", "uscc", "given_name").get() == (
            "organization",
            USCC1,
            "",  # no given name (圳市腾飞…) for a given-name search to find
        )


def test_a_row_without_a_type_column_never_turns_an_organization_into_a_person(
    cr_a, dealer_a
) -> None:
    """The stored organization is matched by its mobile; the row's name looks like a
    person's, but "person" is only a default, not a value of the file."""
    from autocrm.customers.models import Customer

    first = [["客户名称", "证件号码", "手机"], ["深圳市腾飞科技有限公司", USCC1, "13912345678"]]
    second = [["姓名", "手机", "备注"], ["腾飞科技", "13912345678", "老客户"]]
    with scope(dealer=dealer_a.pk):
        for rows in (first, second):
            batch, analysis_of = services.import_preview(
                actor=cr_a, content=xlsx(rows), filename="a.xlsx"
            )
            applying.import_apply(actor=cr_a, batch=batch)
        assert Customer.objects.values_list("kind", "uscc", "name", "remarks").get() == (
            "organization", USCC1, "腾飞科技", "老客户",
        )  # fmt: skip


# --- 3. address over several columns ------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "address", "expected"),
    [
        (["广东省", "广州市", "天河区"], "体育西路103号", "广东省广州市天河区体育西路103号"),
        (["广东省", "广州市", "天河区"], "广州市天河区体育西路103号",
         "广东省广州市天河区体育西路103号"),
        (["广东省", "广州市", "天河区"], "广东省广州市天河区体育西路103号",
         "广东省广州市天河区体育西路103号"),
        (["广东", "广州市", "天河区"], "广东省天河区体育西路103号",
         "广东省广州市天河区体育西路103号"),
        (["广东省", "广州市", "天河区"], "广州天河体育西路103号", "广东省广州天河体育西路103号"),
        (["北京市", "北京市", "朝阳区"], "朝阳路1号", "北京市朝阳区朝阳路1号"),
        (["北京", "市辖区", "朝阳区"], "北京市朝阳区建国路88号", "北京市朝阳区建国路88号"),
        (["广东省", "深圳市", "南山区"], "南山大道1号", "广东省深圳市南山区南山大道1号"),
        (["广东省广州市天河区"], "天河区体育西路1号", "广东省广州市天河区体育西路1号"),
        (["广东省", "", "天河区"], "", "广东省天河区"),
    ],
)  # fmt: skip
def test_join_address(parts, address, expected) -> None:
    assert join_address(parts, address) == expected


def test_split_address_is_joined_before_validation() -> None:
    rows = [
        ["姓名", "手机", "省份", "城市", "区县", "详细地址"],
        ["张伟", "13912345678", "广东省", "广州市", "天河区", "体育西路103号"],
        ["李娜", "13912345679", "广东省", "广州市", "天河区", "广州市天河区天河路385号"],
        ["王芳", "13912345670", "广东省", "广州市", "", ""],
        ["赵六", "13912345671", "", "", "", "广东省深圳市南山区科技园路8号"],
    ]
    mapping, (zhang, li, wang, zhao) = validate_file(xlsx(rows))
    assert mapping == ["name", "mobile", "province", "city", "district", "address"]
    assert zhang.errors == [] and li.errors == [] and zhao.errors == []
    assert zhang.customer["address"] == "广东省广州市天河区体育西路103号"
    assert (zhang.customer["province"], zhang.customer["city"], zhang.customer["district"]) == (
        "广东省", "广州市", "天河区",
    )  # fmt: skip
    assert (zhang.customer["street"], zhang.customer["house_number"]) == ("体育西路", "103号")
    assert li.customer["address"] == "广东省广州市天河区天河路385号"
    assert zhao.customer["address"] == "广东省深圳市南山区科技园路8号"
    assert errors_of([wang]) == [
        (4, "详细地址", "广东省广州市",
         "The address is incomplete; it is missing: district, street, house number."),
    ]  # fmt: skip


def test_address_from_parts_only() -> None:
    rows = [
        ["姓名", "省", "市", "区", "街道"],
        ["张伟", "广东省", "深圳市", "南山区", ""],
    ]
    mapping, (row,) = validate_file(xlsx(rows))
    assert mapping == ["name", "province", "city", "district", ""]
    assert errors_of([row]) == [
        (2, "省", "广东省深圳市南山区",
         "The address is incomplete; it is missing: street, house number."),
    ]  # fmt: skip
    rows = [["姓名", "所在省", "所在城市", "所在区"], ["张伟", "广东", "深圳", "南山区"]]
    _mapping, (row,) = validate_file(csv_bytes(rows), "a.csv")
    assert [(e.column, e.value) for e in row.problems] == [("所在省", "广东深圳南山区")]


# --- 4. vehicle columns without a VIN -----------------------------------------------------


def test_vehicle_without_vin_keeps_the_customer_with_a_note() -> None:
    rows = [
        ["姓名", "手机", "车架号", "车牌号", "购车日期", "行驶里程"],
        ["张伟", "13912345678", "", "粤B12345", "2022-03-08", 12000],
        ["李娜", "13912345679", BAD_VIN, "", "", ""],
        ["王芳", "13912345670", VIN1, "粤B54321", "2022-03-08", ""],
        ["赵六", "13912345671", "", "", "", ""],
    ]
    _mapping, (zhang, li, wang, zhao) = validate_file(xlsx(rows))
    assert zhang.errors == [] and zhang.vehicle is None
    assert zhang.customer["name"] == "张伟" and zhang.customer["mobile"] == "+8613912345678"
    assert zhang.notes == [RowError(2, "车架号", "", NO_VIN)]
    assert errors_of([li]) == [
        (3, "车架号", BAD_VIN,
         "This VIN is not valid: the check digit (9th character) does not match."),
    ]  # fmt: skip
    assert li.notes == []
    assert wang.vehicle["vin"] == VIN1 and wang.notes == []
    assert zhao.vehicle is None and zhao.notes == [] and zhao.errors == []


def test_vehicle_columns_without_a_vin_column() -> None:
    rows = [["姓名", "手机", "车牌号", "品牌"], ["张伟", "13912345678", "粤B12345", "大众"]]
    _mapping, (row,) = validate_file(xlsx(rows))
    assert row.errors == [] and row.vehicle is None
    assert row.notes == [RowError(2, "VIN", "", NO_VIN)]


def test_intended_model_is_not_a_vehicle() -> None:
    rows = [
        ["姓名", "手机", "意向车型", "意向品牌", "拟购车型", "关注车型", "意向", "车型"],
        ["张伟", "13912345678", "帕萨特", "大众", "迈腾", "途观", "A", ""],
    ]
    mapping, (row,) = validate_file(xlsx(rows))
    assert mapping == ["name", "mobile", "", "", "", "", "", "model_name"]
    assert row.errors == [] and row.notes == [] and row.vehicle is None


def test_preview_imports_the_customer_of_a_row_without_vin(cr_a, dealer_a) -> None:
    rows = [["姓名", "手机", "车架号", "车牌号"], ["张伟", "13912345678", "", "粤B12345"]]
    with scope(dealer=dealer_a.pk):
        batch, analysis = services.import_preview(actor=cr_a, content=xlsx(rows), filename="a.xlsx")
    assert analysis.errors == []
    assert (batch.count_new, batch.count_rejected) == (1, 0)
    assert analysis.rows[0].notes == [RowError(2, "车架号", "", NO_VIN)]


# --- 5. header spellings --------------------------------------------------------------------


def test_more_header_spellings() -> None:
    assert {
        h: match_header(h)
        for h in ("车辆识别号", "车架号码", "VIN号", "车主手机", "客户手机", "联系人手机",
                  "客户地址", "住址", "客户类型", "客户性质", "个人/单位", "客户类别",
                  "Customer Type", "统一社会信用代码", "社会信用代码", "信用代码",
                  "组织机构代码", "纳税人识别号", "税号", "USCC", "省份", "省", "所在省",
                  "城市", "市", "地市", "区县", "区", "县区", "所在区", "意向车型", "意向品牌",
                  "拟购车型", "关注车型", "意向")
    } == {
        "车辆识别号": "vin", "车架号码": "vin", "VIN号": "vin", "车主手机": "mobile",
        "客户手机": "mobile", "联系人手机": None, "客户地址": "address", "住址": "address",
        "客户类型": "kind", "客户性质": "kind", "个人/单位": "kind", "客户类别": "kind",
        "Customer Type": "kind", "统一社会信用代码": "uscc", "社会信用代码": "uscc",
        "信用代码": "uscc", "组织机构代码": "uscc", "纳税人识别号": "uscc", "税号": "uscc",
        "USCC": "uscc", "省份": "province", "省": "province", "所在省": "province",
        "城市": "city", "市": "city", "地市": "city", "区县": "district", "区": "district",
        "县区": "district", "所在区": "district", "意向车型": None, "意向品牌": None,
        "拟购车型": None, "关注车型": None, "意向": None,
    }  # fmt: skip


def test_english_headers_with_a_word_in_front_or_a_unit_behind() -> None:
    assert {
        h: match_header(h)
        for h in ("Plate No.", "Odometer (km)", "Mileage(km)", "Customer Mobile", "Mobile No.",
                  "Vehicle Colour", "VIN No.", "ID Card No.", "Car Model", "Owner Name",
                  "Purchase Price (RMB)", "Email Address", "Sales Consultant", "Invoice Date",
                  "Brand Name", "No.", "Customer No.", "Contact Phone", "Car")
    } == {
        "Plate No.": "plate_number", "Odometer (km)": "mileage_km", "Mileage(km)": "mileage_km",
        "Customer Mobile": "mobile", "Mobile No.": "mobile", "Vehicle Colour": "color",
        "VIN No.": "vin", "ID Card No.": "id_number", "Car Model": "model_name",
        "Owner Name": "name", "Purchase Price (RMB)": "purchase_price",
        "Email Address": "email", "Sales Consultant": "responsible_staff",
        "Invoice Date": "purchase_date", "Brand Name": "brand",
        "No.": None, "Customer No.": None, "Contact Phone": None, "Car": None,
    }  # fmt: skip


def test_the_most_specific_column_takes_a_field_whatever_the_order() -> None:
    """联系人 (a contact person) and 联系电话 are vague: 车主姓名 and 手机 name the customer's
    own; 联系电话 then holds the other number. 送修人 brought the car in: not the customer."""
    assert auto_mapping(["联系人", "车主姓名", "手机"]) == ["", "name", "mobile"]
    assert auto_mapping(["客户名称", "联系人", "联系电话", "手机"]) == [
        "name", "", "landline", "mobile",
    ]  # fmt: skip
    assert auto_mapping(["车主", "送修人", "送修人电话", "车主电话"]) == [
        "name",
        "",
        "",
        "landline",
    ]
    assert auto_mapping(["姓名", "联系方式", "地址"]) == ["name", "mobile", "address"]
    # the first registration is the vehicle's date only when no purchase date is given
    assert auto_mapping(["车架号", "首次登记日期", "购车日期"]) == ["vin", "", "purchase_date"]
    assert auto_mapping(["车架号", "初登日期"]) == ["vin", "purchase_date"]


def test_numbered_columns_map_the_first_only() -> None:
    headers = ["客户姓名", "手机1", "手机2", "电话1", "电话2", "联系人手机", "车辆识别号", "住址"]
    rows = [["张伟", f"1391234567{i}", f"1381234567{i}", "020-12345678", "", f"1371234567{i}",
             VIN1, ""] for i in range(5)]  # fmt: skip
    sheet = read_sheet(xlsx([headers, *rows]), "a.xlsx")
    assert auto_mapping(sheet.headers, sheet.rows) == [
        "name", "mobile", "", "landline", "", "", "vin", "address",
    ]  # fmt: skip


# --- 6. display -----------------------------------------------------------------------------


def test_preview_template_shows_notes(cr_a, dealer_a) -> None:
    rows = [["姓名", "手机", "车牌号"], ["张伟", "13912345678", "粤B12345"]]
    with scope(dealer=dealer_a.pk):
        batch, analysis = services.import_preview(actor=cr_a, content=xlsx(rows), filename="a.xlsx")
    request = RequestFactory().get("/")
    request.user = cr_a
    context = {"batch": batch, "columns": [], "choices": [], "errors": [], "notes": []}
    html = render_to_string("imports/preview.html", context, request=request)
    assert 'data-testid="note-table"' not in html
    context["notes"] = analysis.rows[0].notes
    html = render_to_string("imports/preview.html", context, request=request)
    assert 'data-testid="note-table"' in html
    assert f"<td>2</td><td>VIN</td><td><code>—</code></td><td>{NO_VIN}</td>" in html
    context["notes"] = [n.as_dict() for n in analysis.rows[0].notes]  # as a batch stores them
    html = render_to_string("imports/preview.html", context, request=request)
    assert f"<td>{NO_VIN}</td>" in html


def test_preview_page_lists_the_notes(client, cr_a, dealer_a) -> None:
    from django.urls import reverse

    rows = [["姓名", "手机", "车架号", "车牌号"], ["张伟", "13912345678", "", "粤B12345"]]
    with scope(dealer=dealer_a.pk):
        batch, analysis_of = services.import_preview(
            actor=cr_a, content=xlsx(rows), filename="a.xlsx"
        )
    client.force_login(cr_a)
    html = client.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert 'data-testid="note-table"' in html
    assert f"<td>2</td><td>车架号</td><td><code>—</code></td><td>{NO_VIN}</td>" in html


def test_cells_as_dms_exports_write_them() -> None:
    """Excel's text mark ('13912345678), the codes of GB/T 2261.1 for gender (1 male,
    2 female, 0/9 no value) and several mobiles in one cell (the first is the mobile, the
    others are kept as other numbers, issue #12)."""
    rows = [
        ["姓名", "性别", "手机", "身份证号"],
        ["张伟", 1, "'13912345678", "'440305199003071236"],
        ["李娜", "2", "139 1234 5679/13600001111", ""],
        ["王芳", 0, "13912345670、13912345671 或 13912345672", ""],
        ["赵六", "9", "13912345673", ""],
        ["钱七", "3", "13912345674", ""],
    ]
    _mapping, (zhang, li, wang, zhao, qian) = validate_file(xlsx(rows))
    assert zhang.errors == [] and zhang.customer["mobile"] == "+8613912345678"
    assert zhang.customer["id_number"] == "440305199003071236"
    assert zhang.customer["gender"] == "M" and li.customer["gender"] == "F"
    assert "gender" not in wang.customer and "gender" not in zhao.customer
    assert li.customer["mobile"] == "+8613912345679"
    assert li.customer["other_numbers"] == [("mobile", "+8613600001111", "13600001111")]
    assert wang.customer["other_numbers"] == [
        ("mobile", "+8613912345671", "13912345671"),
        ("mobile", "+8613912345672", "13912345672"),
    ]
    assert "other_numbers" not in zhang.customer
    assert li.notes == [] and wang.notes == [] and zhang.notes == [] and zhao.notes == []
    assert errors_of([qian]) == [(6, "性别", "3", "Choose one of the offered options.")]


def test_an_id_number_excel_stored_as_a_number_is_refused_with_the_fix() -> None:
    rows = [["姓名", "身份证号"], ["张伟", 440305199003071236], ["李娜", "440305199003071236"]]
    _mapping, (zhang, li) = validate_file(xlsx(rows))
    assert errors_of([zhang]) == [
        (2, "身份证号", "440305199003071232",
         "Excel stored this ID number as a number and rounded off its last digits. "
         "Format the column as text in the source file and export it again."),
    ]  # fmt: skip
    assert li.errors == [] and li.customer["id_number"] == "440305199003071236"


def test_a_phone_column_holds_mobiles_and_landlines_alike() -> None:
    """电话 is mapped to the landline (not enough mobiles in it to call it the mobile): its
    mobiles are the rows' mobiles. In a mobile column, a landline is the row's landline."""
    rows = [
        ["姓名", "电话"],
        ["张伟", "139 1234 5678"],
        ["李娜", "020-38881234"],
        ["王芳", "0755-88889999"],
        ["赵六", "1391234567"],  # neither: refused as the landline it was taken for
    ]
    mapping, (zhang, li, wang, zhao) = validate_file(xlsx(rows))
    assert mapping == ["name", "landline"]
    assert zhang.errors == [] and zhang.customer["mobile"] == "+8613912345678"
    assert zhang.customer["mobile_raw"] == "13912345678" and "landline" not in zhang.customer
    assert li.customer["landline"] == "+862038881234" and "mobile" not in li.customer
    assert [e.column for e in zhao.problems] == ["电话"]
    rows = [
        ["姓名", "手机", "固话"],
        ["张伟", "020-38881234", ""],
        ["李娜", "020-38881235", "020-1"],
    ]
    _mapping, (zhang, li) = validate_file(xlsx(rows))
    assert zhang.errors == [] and zhang.customer["landline"] == "+862038881234"
    assert "mobile" not in zhang.customer
    # the mobile column's landline is the landline; the landline column's bad value is left
    # out (kept as written)
    assert li.customer["landline"] == "+862038881235"
    assert [e.column for e in li.problems] == ["固话"]


def test_an_id_type_column_says_what_the_id_number_is() -> None:
    rows = [
        ["姓名", "证件类型", "证件号码"],
        ["张伟", "护照", "E12345678"],
        ["李娜", "居民身份证", ID1],
        ["王芳", "身份证", "E12345678"],
        ["赵六", "驾驶证", ID1],
        ["深圳市腾飞科技有限公司", "营业执照", USCC1],
        ["钱七", "", ID1],
    ]
    mapping, (zhang, li, wang, zhao, company, qian) = validate_file(xlsx(rows))
    assert mapping == ["name", "id_type", "id_number"]
    assert zhang.errors == [] and zhang.customer["id_type"] == "passport"
    assert zhang.customer["id_number"] == "E12345678" and "birth_date" not in zhang.customer
    assert li.errors == [] and li.customer["id_type"] == "resident_id"
    assert li.customer["birth_date"] == dt.date(1990, 3, 7)
    assert [e.column for e in wang.problems] == ["证件号码"]  # not a resident ID card
    assert errors_of([zhao]) == [
        (5, "证件类型", "驾驶证", "Enter 身份证, 护照, 港澳通行证, 台胞证, 营业执照 or 其他."),
    ]  # fmt: skip
    assert company.errors == [] and company.customer["kind"] == "organization"
    assert company.customer["uscc"] == USCC1 and not company.customer.get("id_number")
    assert qian.errors == [] and qian.customer["id_type"] == "resident_id"
