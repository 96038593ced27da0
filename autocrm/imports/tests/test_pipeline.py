"""The import pipeline on real files: header detection, cleaning, exact per-row errors,
matching, idempotency, undo and roll-back of a failed apply."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.utils import translation
from django_scopes import scope

from autocrm.customers.models import Contact, Customer, MileageReading, Vehicle
from autocrm.imports import applying, matching, services, undo, validation, writing
from autocrm.imports.columns import auto_mapping
from autocrm.imports.export import (
    ERROR_HEADER,
    PROBLEM_MARK,
    REJECTED_MARK,
    RESULT_HEADER,
    rejected_rows_xlsx,
)
from autocrm.imports.models import ImportBatch, ImportRow, ImportSource, ImportStatus
from autocrm.imports.reader import ImportFileError, read_sheet
from autocrm.imports.tests.files import csv_bytes, ids_in_clear_for, xlsx
from autocrm.rules.vehicles import vin_check_digit

VIN1, VIN2, VIN3 = "LSVAM4187C2184847", "LFV2A21K9F3000001", "LSGBC5344EG000002"
ID1 = "440305199003071236"
NO_IDENTITY = "Nothing identifies a customer in this row: no name, and no phone, ID number or VIN."
HEADER = ["序号", "客户姓名", "手机号码", "联系地址", "身份证号", "车架号", "车牌号", "购车日期",
          "行驶里程", "备注"]  # fmt: skip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> None:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True, params=["key_lookups", "whole_dealer"])
def _matching_mode(request, monkeypatch) -> None:
    """Every scenario runs with both ways of loading the dealer's records for matching."""
    if request.param == "whole_dealer":
        monkeypatch.setattr(matching, "WHOLE_DEALER_MIN_KEYS", 0)


def good_rows() -> list[list[object]]:
    return [
        HEADER,
        [1, "张伟", "13912345678", "广东省深圳市南山区科技园路8号", ID1, VIN1, "粤B12345",
         dt.datetime(2021, 5, 1), 12000, ""],
        [2, "李娜", "+86 139-1234-5679", "广东省深圳市福田区深南大道1001号", "",
         VIN2.lower(), "粤b 54321", "2022年3月8日", "35000", "老客户"],
        [3, "张伟", "13912345678", "", "", VIN3, "", 44927, "", "第二辆车"],
    ]  # fmt: skip


def preview(actor, content: bytes, name: str = "客户.xlsx", **kw):
    with scope(dealer=actor.dealer_id):
        return services.import_preview(actor=actor, content=content, filename=name, **kw)


def apply(actor, batch: ImportBatch, **kw) -> ImportBatch:
    with scope(dealer=actor.dealer_id):
        return applying.import_apply(actor=actor, batch=batch, **kw)


def dump(dealer) -> str:
    with scope(dealer=dealer.pk):
        objects = [
            *Customer.objects.filter(dealer=dealer).order_by("id"),
            *Vehicle.objects.filter(dealer=dealer).order_by("id"),
            *Contact.objects.filter(dealer=dealer).order_by("id"),
            *MileageReading.objects.filter(dealer=dealer).order_by("id"),
        ]
        return serializers.serialize("json", objects)


def test_header_below_title_and_merged_cells_is_found() -> None:
    sheet = read_sheet(xlsx(good_rows(), title="深圳南山4S店客户档案"), "x.xlsx")
    assert sheet.header_row_number == 4
    assert sheet.headers == HEADER
    assert sheet.first_row_number == 5
    assert auto_mapping(sheet.headers) == [
        "", "name", "mobile", "address", "id_number", "vin", "plate_number", "purchase_date",
        "mileage_km", "remarks",
    ]  # fmt: skip


def test_unreadable_files_are_refused_clearly() -> None:
    with pytest.raises(ImportFileError, match="empty"):
        read_sheet(b"", "a.xlsx")
    with pytest.raises(ImportFileError, match="Unsupported file type .pdf"):
        read_sheet(b"%PDF", "a.pdf")
    with pytest.raises(ImportFileError, match="could not be read as a spreadsheet"):
        read_sheet(b"not a zip", "a.xlsx")
    with pytest.raises(ImportFileError, match="No header row found"):
        read_sheet(csv_bytes([["a", "b"], ["1", "2"]]), "a.csv")


def test_preview_writes_nothing_and_apply_creates(cr_a, dealer_a) -> None:
    batch, analysis = preview(cr_a, xlsx(good_rows(), title="客户档案"))
    assert analysis.errors == []
    # row 7 (张伟 again, same mobile) belongs to the customer of row 5
    assert (batch.count_new, batch.count_updated, batch.count_unchanged) == (2, 1, 0)
    with scope(dealer=dealer_a.pk):
        assert Customer.objects.count() == 0
    batch = apply(cr_a, batch)
    assert batch.status == ImportStatus.APPLIED
    with scope(dealer=dealer_a.pk):
        zhang = Customer.objects.get(name="张伟")
        assert zhang.mobile == "+8613912345678"
        assert zhang.mobile_last4 == "5678"
        assert zhang.name_pinyin == "zhangwei" and zhang.given_name == "伟"
        assert zhang.birth_date == dt.date(1990, 3, 7) and zhang.gender == "M"
        assert (zhang.province, zhang.district) == ("广东省", "南山区")
        assert zhang.responsible_staff is None  # no consultant in the file: unassigned
        assert zhang.accuracy_score > 0 and zhang.quality_issues
        assert sorted(zhang.vehicles.values_list("vin", flat=True)) == sorted([VIN1, VIN3])
        v3 = Vehicle.objects.get(vin=VIN3)
        assert v3.purchase_date == dt.date(2023, 1, 1)  # Excel serial 44927
        li = Customer.objects.get(name="李娜")
        assert li.mobile == "+8613912345679"
        v2 = li.vehicles.get()
        assert (v2.vin, v2.plate_number, v2.mileage_km) == (VIN2, "粤B54321", 35000)
        assert v2.purchase_date == dt.date(2022, 3, 8)
        assert MileageReading.objects.filter(vehicle=v2, mileage_km=35000).exists()
        history = zhang.history.first()
        assert history.history_user == cr_a
        assert history.history_change_reason.startswith(f"Import #{batch.pk}")


def test_gbk_csv(cr_a) -> None:
    content = csv_bytes(
        [["姓名", "手机", "地址"], ["王芳", "13812345670", "广东省深圳市南山区桃园路2号"]],
        encoding="gbk",
    )
    batch, analysis = preview(cr_a, content, "导出.csv")
    assert analysis.errors == []
    assert batch.count_new == 1
    assert analysis.rows[0].customer["name"] == "王芳"


def test_every_kind_of_bad_value_gives_exact_row_problems(cr_a) -> None:
    """Issue #12: a bad value is left out of the imported row (and kept as written on the
    record); only a row that identifies nobody is rejected."""
    rows = [
        ["姓名", "手机", "身份证号", "车架号", "车牌号", "购车日期", "邮箱", "邮编", "顾问",
         "行驶里程"],
        ["", "13912345678", "", "", "", "", "", "", "", ""],  # a phone only: a customer
        ["赵六", "1234", "440305199003071237", "", "", "", "", "", "", ""],
        ["钱七", "13912345600", "", "LSVAM4180C2184847", "ABC", "", "", "", "", ""],
        ["孙八", "13912345601", "", VIN2, "", "去年", "not-mail", "12345", "无名氏", ""],
        ["周九", "13912345602", "", "", "", "", "", "", "", "很多"],
        ["吴十", "13912345603", "", VIN3, "", dt.date(2099, 1, 1), "", "", "", ""],
        ["", "1234", "", "", "", "", "x@", "", "", ""],  # nothing identifies anyone
    ]  # fmt: skip
    batch, analysis = preview(cr_a, xlsx(rows))
    got = [(e.row, e.column, e.value, e.message) for e in analysis.problems]
    assert got == [
        (3, "手机", "1234",
         "Enter a valid mainland China mobile number (11 digits starting with 1)."),
        (3, "身份证号", "440305199003071237",
         "This ID card number is not valid (the last character does not match)."),
        (4, "车架号", "LSVAM4180C2184847",
         "This VIN is not valid: the check digit (9th character) does not match."),
        (4, "车牌号", "ABC",
         "Enter a valid licence plate, e.g. 京A12345 or 沪AD12345 (new-energy)."),
        (5, "购车日期", "去年", "Not a date; write it as 2023-01-05."),
        (5, "邮箱", "not-mail", "Enter a valid e-mail address."),
        (5, "邮编", "12345", "A postcode has 6 digits."),
        (6, "行驶里程", "很多", "Enter a whole number."),
        (7, "购车日期", "2099-01-01", "The purchase date cannot be in the future."),
    ]  # fmt: skip
    assert [(e.row, e.column, e.value) for e in analysis.errors] == [
        (8, "姓名", ""), (8, "手机", "1234"), (8, "邮箱", "x@"),
    ]  # fmt: skip
    assert analysis.errors[0].message == NO_IDENTITY
    assert (batch.count_new, batch.count_problems, batch.count_rejected) == (6, 5, 1)
    assert batch.unknown_staff == {"无名氏": 1}  # not a problem: mapped at preview
    sun = analysis.rows[3]
    assert sun.customer["responsible_staff_id"] is None
    assert [(v["field"], v["value"]) for v in sun.customer["rejected_values"]] == [
        ("purchase_date", "去年"), ("email", "not-mail"), ("postcode", "12345"),
        ("responsible_staff", "无名氏"),
    ]  # fmt: skip
    assert sun.vehicle == {"vin": VIN2}  # without the refused purchase date
    assert batch.problems[0] == {"row": 3, "column": "手机", "value": "1234", "message":
                                 "Enter a valid mainland China mobile number (11 digits "
                                 "starting with 1)."}  # fmt: skip


def test_rejected_rows_file_can_be_fixed_and_uploaded_again(cr_a, dealer_a) -> None:
    rows = [["姓名", "手机"], ["王五", "1390000"], ["", "1390001"], ["赵六", "13912345699"]]
    _batch, analysis = preview(cr_a, xlsx(rows))
    rejected = read_sheet(rejected_rows_xlsx(analysis), "rejected.xlsx")
    assert rejected.headers == ["姓名", "手机", ERROR_HEADER, RESULT_HEADER]
    mobile_error = "Enter a valid mainland China mobile number (11 digits starting with 1)."
    assert rejected.rows == [
        ["王五", "1390000", f"手机：{mobile_error}", PROBLEM_MARK],  # imported without it
        ["", "1390001", f"姓名：{NO_IDENTITY}；手机：{mobile_error}", REJECTED_MARK],
    ]  # fmt: skip
    fixed = [
        rejected.headers,
        ["王五", "13900001111", *rejected.rows[0][2:]],
        ["孙七", "13900001112", *rejected.rows[1][2:]],
    ]
    batch, analysis = preview(cr_a, xlsx(fixed), "rejected.xlsx")
    assert batch.mapping == ["name", "mobile", "", ""]  # 错误 and 结果 are not imported
    assert analysis.errors == analysis.problems == [] and batch.count_new == 2


def test_cleaning_of_spellings(cr_a) -> None:
    rows = [
        ["客户名称", "联系电话", "购车日期", "车架号", "出生日期", "性别", "购车价格"],
        ["张　三", "13912345678.0", "2023/01/05", " lsvam4187c2184847 ", "1990.1.5", "先生",
         "15.8万"],
        ["ＬＩ　Ｓｉ", "0086 139 1234 5677", "无", "", "N/A", "", "null"],
        ["王二", 13912345676.0, "2023-1-5", VIN2, "19900105", "女", 158000],
    ]  # fmt: skip
    _batch, analysis = preview(cr_a, xlsx(rows))
    assert analysis.errors == []
    first, second, third = analysis.rows
    assert first.customer["name"] == "张三"  # the full-width space lined it up, no more
    assert first.customer["mobile"] == "+8613912345678"
    assert first.customer["birth_date"] == dt.date(1990, 1, 5)
    assert first.customer["gender"] == "M"
    assert first.vehicle["vin"] == VIN1
    assert first.vehicle["purchase_date"] == dt.date(2023, 1, 5)
    assert first.vehicle["purchase_price"] == Decimal("158000.00")
    assert second.customer["name"] == "LI Si"
    assert second.customer["mobile"] == "+8613912345677"
    assert second.vehicle is None and "birth_date" not in second.customer
    assert third.customer["mobile"] == "+8613912345676"
    assert third.customer["birth_date"] == dt.date(1990, 1, 5)
    assert third.customer["gender"] == "F"
    assert third.vehicle["purchase_date"] == dt.date(2023, 1, 5)
    assert third.vehicle["purchase_price"] == Decimal("158000.00")


def test_reimport_changes_nothing(cr_a, dealer_a) -> None:
    content = xlsx(good_rows(), title="客户档案")
    apply(cr_a, preview(cr_a, content)[0])
    before = dump(dealer_a)
    again, analysis_of = preview(cr_a, content)
    assert (again.count_new, again.count_updated, again.count_unchanged) == (0, 0, 3)
    again = apply(cr_a, again)
    assert again.status == ImportStatus.APPLIED
    assert dump(dealer_a) == before


def test_update_never_blanks_and_undo_restores_exactly(cr_a, dealer_a, make_customer) -> None:
    existing = make_customer(cr_a, name="张伟", mobile="13912345678", remarks="VIP")
    before = dump(dealer_a)
    rows = [["姓名", "手机", "备注", "邮箱"], ["张伟", "13912345678", "", "zw@example.com"],
            ["李四", "13912345600", "", ""]]  # fmt: skip
    batch, _ = preview(cr_a, xlsx(rows))
    assert (batch.count_new, batch.count_updated) == (1, 1)
    apply(cr_a, batch)
    with scope(dealer=dealer_a.pk):
        existing.refresh_from_db()
        assert (existing.email, existing.remarks) == ("zw@example.com", "VIP")
        result = undo.import_undo(actor=cr_a, batch=batch)
    assert result == {
        "deleted": 1, "restored": 1, "customers_deleted": 1, "customers_restored": 1,
        "vehicles_deleted": 0, "vehicles_restored": 0,
    }  # fmt: skip
    assert dump(dealer_a) == before
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE


def test_undo_refused_when_a_record_changed_after_import(cr_a, dealer_a) -> None:
    from autocrm.customers.services import customer_update

    batch, _ = preview(cr_a, xlsx([["姓名", "手机"], ["李四", "13912345600"]]))
    apply(cr_a, batch)
    with scope(dealer=dealer_a.pk):
        customer = Customer.objects.get()
        customer_update(actor=cr_a, customer=customer, data={"name": "李思"})
        with pytest.raises(ValidationError, match="changed after the import"):
            undo.import_undo(actor=cr_a, batch=batch)
        assert Customer.objects.filter(name="李思").exists()


def fail_third_write(monkeypatch) -> dict[str, int]:
    """Make the third chunk's write fail ("disk full"); returns the count of writes tried."""
    calls = {"n": 0}
    original = writing.BatchWriter.write

    def failing_write(self, job):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full")
        return original(self, job)

    monkeypatch.setattr(writing.BatchWriter, "write", failing_write)
    return calls


def test_failure_mid_apply_leaves_nothing_written(cr_a, dealer_a, monkeypatch) -> None:
    rows = [["姓名", "手机"]] + [[f"客户{i}", f"139000000{i:02d}"] for i in range(10)]
    batch, _ = preview(cr_a, xlsx(rows))
    before = dump(dealer_a)
    fail_third_write(monkeypatch)
    batch = apply(cr_a, batch, batch_size=3)
    assert batch.status == ImportStatus.FAILED
    assert "from row 8 on: disk full" in batch.error_message
    assert dump(dealer_a) == before
    with scope(dealer=dealer_a.pk):  # the outcomes of the rows written before it, gone too
        assert not ImportRow.objects.filter(batch=batch).exists()


def test_saved_source_mapping_is_reused(cr_a, dealer_a) -> None:
    rows = [["客户", "号码", "邮箱"], ["李四", "13912345600", ""]]
    batch, analysis = preview(cr_a, xlsx(rows), "dms.xlsx")
    assert batch.mapping == ["", "", "email"] and batch.count_rejected == 1
    with scope(dealer=dealer_a.pk):
        services.import_remap(
            actor=cr_a, batch=batch, mapping=["name", "mobile", "email"], save_as="DMS 导出"
        )
        batch.refresh_from_db()  # checked again (huey is immediate in the tests)
    assert batch.status == "previewed"
    assert batch.count_new == 1 and batch.errors == [] and batch.report_path == ""
    again, _ = preview(cr_a, xlsx(rows), "dms2.xlsx")
    assert again.mapping == ["name", "mobile", "email"]
    assert again.source.name == "DMS 导出"
    with scope(dealer=dealer_a.pk):
        assert ImportSource.objects.count() == 1
    # chosen explicitly for a file whose header row differs: known columns map by name
    other = xlsx([["备注", "号码", "客户"], ["", "13912345601", "王五"]])
    third, analysis = preview(cr_a, other, "dms3.xlsx", source=again.source)
    assert third.mapping == ["remarks", "mobile", "name"]
    assert analysis.errors == []


def test_rows_match_by_vin_then_id_number_then_mobile(
    cr_a, dealer_a, make_customer, monkeypatch
) -> None:
    from autocrm.customers.services import vehicle_add

    ids_in_clear_for(cr_a.role, monkeypatch)

    owner = make_customer(cr_a, name="车主甲", mobile="13900000001")
    with scope(dealer=dealer_a.pk):
        vehicle_add(actor=cr_a, customer=owner, data={"vin": VIN1})
    by_id = make_customer(cr_a, name="证件乙", id_number=ID1)
    by_mobile = make_customer(cr_a, name="手机丙", mobile="13900000003")
    rows = [
        ["姓名", "手机", "身份证号", "车架号"],
        # VIN wins over the mobile of another customer
        ["车主甲", "13900000003", "", VIN1.lower()],
        # ID number wins over the mobile
        ["证件乙", "13900000001", ID1, ""],
        ["手机丙", "+86 139 0000 0003", "", ""],
        # the same new person twice in the file (same ID number): one customer
        ["新客户", "13900000009", "110105198512240024", ""],
        ["新客户", "", "110105198512240024", VIN2],
    ]
    batch, analysis = preview(cr_a, xlsx(rows))
    assert [r.entity for r in analysis.rows] == [
        f"c{owner.pk}", f"c{by_id.pk}", f"c{by_mobile.pk}", "r5", "r5",
    ]  # fmt: skip
    assert analysis.plan.statuses == {2: "updated", 3: "updated", 4: "unchanged", 5: "new",
                                      6: "updated"}  # fmt: skip
    apply(cr_a, batch)
    with scope(dealer=dealer_a.pk):
        owner.refresh_from_db()
        by_id.refresh_from_db()
        assert owner.mobile == "+8613900000003"  # the file's value replaces the stored one
        assert by_id.mobile == "+8613900000001"
        new = Customer.objects.get(name="新客户")
        assert new.vehicles.get().vin == VIN2
        assert Customer.objects.count() == 4
        assert by_id.history.first().history_change_reason.startswith("Import #")


def test_unseen_header_spellings_and_value_sniffing() -> None:
    from autocrm.imports.columns import match_header

    assert {
        h: match_header(h)
        for h in ("客户手机号", "车辆VIN码", "购车时间", "性别(男/女)", "行驶里程(km)", "车型名称",
                  "开票价格", "Customer Name", "紧急联系人手机", "序号")
    } == {
        "客户手机号": "mobile", "车辆VIN码": "vin", "购车时间": "purchase_date",
        "性别(男/女)": "gender", "行驶里程(km)": "mileage_km", "车型名称": "model_name",
        "开票价格": "purchase_price", "Customer Name": "name", "紧急联系人手机": None,
        "序号": None,
    }  # fmt: skip
    headers = ["客户", "车主电话", "编码"]
    rows = [["张三", f"1391234567{i}", VIN1] for i in range(5)]
    # 电话 holding mobiles is the mobile; an unnamed column of VINs is the VIN
    assert auto_mapping(headers, rows) == ["", "mobile", "vin"]


def test_a_made_up_mobile_never_matches(cr_a, dealer_a, make_customer, tmp_path) -> None:
    """13800138000 is typed for many people (seed 000): it must not merge two of them."""
    from django_scopes import scope

    from autocrm.customers.models import Customer
    from autocrm.imports.applying import import_apply
    from autocrm.imports.services import import_preview

    make_customer(cr_a, name="王芳", mobile="13800138000")
    content = "姓名,手机\n李强,13800138000\n".encode()
    with scope(dealer=dealer_a.pk):
        batch, analysis_of = import_preview(actor=cr_a, content=content, filename="fake.csv")
        assert (batch.count_new, batch.count_updated) == (1, 0)
        import_apply(actor=cr_a, batch=batch)
        assert sorted(Customer.objects.values_list("name", flat=True)) == ["李强", "王芳"]


def _state(dealer) -> list[tuple]:
    """The dealer's customers and vehicles without ids and timestamps (comparable between two
    imports of the same file)."""
    skip = {"id", "created_at", "updated_at", "quality_scored_at", "customer_id"}
    with scope(dealer=dealer.pk):
        customers = {
            c["id"]: tuple(sorted((k, str(v)) for k, v in c.items() if k not in skip))
            for c in Customer.objects.filter(dealer=dealer).values()
        }
        vehicles = [
            (customers[v["customer_id"]], *sorted((k, str(v[k])) for k in v if k not in skip))
            for v in Vehicle.objects.filter(dealer=dealer).values()
        ]
        readings = sorted(
            (r.vehicle.vin, r.mileage_km) for r in MileageReading.objects.filter(dealer=dealer)
        )
    return sorted(customers.values()) + sorted(vehicles) + readings


def test_rows_written_in_several_batches_give_the_one_batch_result(
    cr_a, dealer_a, make_customer
) -> None:
    """A customer, vehicle or stored record met again in a later write batch is updated then:
    the result, the counts and the undo are those of writing the file at once."""
    make_customer(cr_a, name="王芳", mobile="13912345699", remarks="老客户")
    before = dump(dealer_a)
    rows = [
        ["客户姓名", "手机号码", "联系地址", "车架号", "行驶里程", "电子邮箱", "备注"],
        ["张伟", "13912345678", "", VIN1, 12000, "", ""],
        ["王芳", "13912345699", "", "", "", "", ""],
        ["李娜", "13912345679", "广东省深圳市福田区深南大道1001号", VIN2, 500, "", ""],
        ["张伟", "13912345678", "广东省深圳市南山区科技园路8号", VIN3, 100, "zw@example.com", ""],
        ["李娜", "13912345679", "", VIN2, 900, "ln@example.com", "二次到店"],
        ["王芳", "13912345699", "", "", "", "wf@example.com", "换号"],
    ]  # fmt: skip
    content = xlsx(rows)
    results = []
    for size in (2, 1000):
        batch, _ = preview(cr_a, content, f"batch{size}.xlsx")
        batch = apply(cr_a, batch, batch_size=size)
        assert batch.status == ImportStatus.APPLIED, batch.error_message
        counts = (batch.count_new, batch.count_updated, batch.count_unchanged)
        results.append((counts, _state(dealer_a)))
        with scope(dealer=dealer_a.pk):
            undo.import_undo(actor=cr_a, batch=batch)
        assert dump(dealer_a) == before
    assert results[0] == results[1]
    counts, state = results[0]
    assert counts == (2, 3, 1)  # row 3 brings nothing new
    assert any(("email", "wf@example.com") in c and ("remarks", "换号") in c for c in state)
    assert any(("email", "ln@example.com") in c and ("remarks", "二次到店") in c for c in state)
    assert (VIN2, 900) not in state  # an odometer reading is taken when the vehicle is created


def test_one_pass_import_gives_the_preview_and_apply_result(cr_a, dealer_a, monkeypatch) -> None:
    """`import_file` (the command line) checks chunks in worker processes while it writes the
    chunks already checked; the result is that of a preview followed by an apply."""
    rows = [["客户姓名", "手机号码", "电子邮箱"]] + [
        [f"客户{i}", f"139{i:08d}", ""] for i in range(60)
    ]
    rows[30][0:2] = ["", "1390000"]  # rejected: nothing identifies anyone
    rows.append(["客户3", "13900000003", "k3@example.com"])  # the customer of row 5 again
    content = xlsx(rows)
    batch, _ = preview(cr_a, content)
    batch = apply(cr_a, batch)
    expected = ((batch.count_new, batch.count_updated, batch.count_rejected), _state(dealer_a))
    with scope(dealer=dealer_a.pk):
        undo.import_undo(actor=cr_a, batch=batch)
    monkeypatch.setattr(validation, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(services, "WRITE_BATCH", 7)
    monkeypatch.setattr(validation.os, "cpu_count", lambda: 2)
    with scope(dealer=dealer_a.pk):
        batch, analysis = services.import_file(actor=cr_a, content=content, filename="x.xlsx")
    assert batch.status == ImportStatus.APPLIED
    assert ((batch.count_new, batch.count_updated, batch.count_rejected), _state(dealer_a)) == (
        expected
    )
    assert expected[0] == (59, 1, 1)
    assert sorted({e.row for e in analysis.errors}) == [31]
    assert batch.rows_done == batch.rows_total == 61


@pytest.mark.postgres_only
def test_key_lookups_leave_the_planner_settings_as_they_were(cr_a, dealer_a) -> None:
    """The import's lookups run without bitmap scans (the trigram index must not answer
    `mobile IN (…)`); the caller's transaction gets its setting back."""
    from django.db import connection

    with scope(dealer=dealer_a.pk):
        matcher = matching.Matcher(dealer_a.pk)
        with connection.cursor() as cursor:
            with matching._btree_lookups():
                cursor.execute("SHOW enable_bitmapscan")
                assert cursor.fetchone() == ("off",)
            cursor.execute("SHOW enable_bitmapscan")
            assert cursor.fetchone() == ("on",)
        matcher._load_keys(set(), set(), {"+8613912345678"})
        assert matcher.customers_by_number == {}


def _threaded_file() -> bytes:
    rows = [["客户姓名", "手机号码", "电子邮箱", "车架号", "行驶里程"]]
    rows += [[f"客户{i}", f"139{i:08d}", "", "", ""] for i in range(40)]
    rows[12][0:2] = ["", "1390000"]  # rejected: nothing identifies anyone
    rows[5][3:5] = [VIN1, 1200]
    rows.append(["客户3", "13900000003", "k3@example.com", VIN2, 300])  # row 5's customer
    rows.append(["客户4", "13900000004", "k4@example.com", VIN1, ""])  # row 6's, again
    return xlsx(rows)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_writer_thread_gives_the_same_result_as_writing_in_turn(
    cr_a, dealer_a, monkeypatch
) -> None:
    """Outside a transaction, on PostgreSQL, chunks are written by a thread of its own while
    the next ones are planned; records, counts and undo are those of writing in turn."""
    content = _threaded_file()
    monkeypatch.setattr(services, "WRITE_BATCH", 5)
    monkeypatch.setattr(writing, "ANALYZE_FIRST", 10)
    monkeypatch.setattr(applying, "can_write_in_thread", lambda: False)
    with scope(dealer=dealer_a.pk):
        batch, _ = services.import_file(actor=cr_a, content=content, filename="x.xlsx")
    expected = ((batch.count_new, batch.count_updated, batch.count_rejected), _state(dealer_a))
    assert batch.status == ImportStatus.APPLIED
    assert expected[0] == (39, 2, 1)
    with scope(dealer=dealer_a.pk):
        undo.import_undo(actor=cr_a, batch=batch)
        assert not Customer.objects.filter(dealer=dealer_a).exists()

    monkeypatch.undo()
    monkeypatch.setattr(services, "WRITE_BATCH", 5)
    monkeypatch.setattr(writing, "ANALYZE_FIRST", 10)
    threads: list[str] = []
    original = writing.BatchWriter.write

    def recording_write(self, job):
        threads.append(threading.current_thread().name)
        return original(self, job)

    monkeypatch.setattr(writing.BatchWriter, "write", recording_write)
    with scope(dealer=dealer_a.pk):
        batch, analysis = services.import_file(actor=cr_a, content=content, filename="x.xlsx")
    assert set(threads) == {"import-writer"} and len(threads) == 9
    assert batch.status == ImportStatus.APPLIED
    assert ((batch.count_new, batch.count_updated, batch.count_rejected), _state(dealer_a)) == (
        expected
    )
    assert batch.rows_done == batch.rows_total == 42
    with scope(dealer=dealer_a.pk):
        undo.import_undo(actor=cr_a, batch=batch)
        assert not Customer.objects.filter(dealer=dealer_a).exists()
        assert not Vehicle.objects.filter(dealer=dealer_a).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_failure_in_the_writer_thread_leaves_nothing_written(cr_a, dealer_a, monkeypatch) -> None:
    monkeypatch.setattr(services, "WRITE_BATCH", 5)
    before = dump(dealer_a)
    calls = fail_third_write(monkeypatch)
    with scope(dealer=dealer_a.pk):
        batch, _ = services.import_file(actor=cr_a, content=_threaded_file(), filename="x.xlsx")
    assert batch.status == ImportStatus.FAILED
    # the third job holds rows 12-16 (sheet rows 2-6 are the first job's)
    assert "from row 12 on: disk full" in batch.error_message
    assert calls["n"] == 3  # the jobs after the failed one were skipped
    assert dump(dealer_a) == before
    with scope(dealer=dealer_a.pk):
        assert not ImportRow.objects.filter(batch=batch).exists()


def test_an_import_that_raises_a_mileage_records_the_reading_and_undo_removes_it(
    cr_a, dealer_a
) -> None:
    """A vehicle's mileage raised by an import is a mileage reading like any other (source
    "import"); undoing the import removes that reading and restores the mileage."""
    batch, _ = preview(cr_a, xlsx(good_rows()))
    apply(cr_a, batch)
    before = dump(dealer_a)
    raised = [HEADER, [1, "张伟", "13912345678", "", "", VIN1, "", "", 15000, ""]]
    batch2, _ = preview(cr_a, xlsx(raised))
    assert (batch2.count_new, batch2.count_updated) == (0, 1)
    apply(cr_a, batch2)
    with scope(dealer=dealer_a.pk):
        vehicle = Vehicle.objects.get(vin=VIN1)
        assert vehicle.mileage_km == 15000
        readings = list(
            MileageReading.objects.filter(vehicle=vehicle)
            .order_by("mileage_km")
            .values_list("mileage_km", "source")
        )
        assert readings == [(12000, "import"), (15000, "import")]
        undo.import_undo(actor=cr_a, batch=batch2)
    assert dump(dealer_a) == before


def test_undo_removes_the_timeline_entries_of_the_readings_it_deletes(cr_a, dealer_a) -> None:
    """A reading staff record on a vehicle the import created, dated before the vehicle's
    latest reading, leaves the vehicle unchanged (no conflict), so undoing the import deletes
    the vehicle and the reading: its timeline activity goes with them."""
    from autocrm.core.models import Activity
    from autocrm.customers.services import mileage_record

    batch, _ = preview(cr_a, xlsx(good_rows()))
    apply(cr_a, batch)
    with scope(dealer=dealer_a.pk):
        vehicle = Vehicle.objects.get(vin=VIN1)
        mileage_record(
            actor=cr_a, vehicle=vehicle, mileage_km=5000, read_on=dt.date(2021, 6, 1),
            source="workshop",
        )  # fmt: skip
        assert Activity.objects.filter(kind="mileage").count() == 1
        undo.import_undo(actor=cr_a, batch=batch)
        assert not Vehicle.objects.filter(vin=VIN1).exists()
        assert not Activity.objects.filter(kind="mileage").exists()


def _identity_state(dealer) -> list:
    """Who holds what: customers with their numbers, households, and each vehicle's periods."""
    from autocrm.customers.models import ContactPoint, HouseholdMember, VehicleOwnership

    with scope(dealer=dealer.pk):
        name = dict(Customer.objects.filter(dealer=dealer).values_list("id", "name"))
        numbers = sorted(
            (name[c], n) for c, n in ContactPoint.objects.values_list("customer_id", "number")
        )
        households: dict[int, list[str]] = {}
        for household, customer in HouseholdMember.objects.values_list(
            "household_id", "customer_id"
        ):
            households.setdefault(household, []).append(name[customer])
        periods = sorted(
            (vin, name[c], ended is None)
            for vin, c, ended in VehicleOwnership.objects.values_list(
                "vehicle__vin", "customer_id", "ended_on"
            )
        )
        owners = sorted(Vehicle.objects.values_list("vin", "customer__name"))
        customers = sorted(
            Customer.objects.filter(dealer=dealer).values_list("name", "mobile", "email")
        )
    return [customers, numbers, sorted(sorted(h) for h in households.values()), periods, owners]


def test_identity_links_across_write_batches_give_the_one_batch_result(cr_a, dealer_a) -> None:
    """A later write batch meets customers and vehicles an earlier one wrote (and that the
    plan keeps packed since): a second number, a household member on a shared mobile and a
    car sold on come out as when the file is written at once."""
    rows = [
        ["客户姓名", "手机号码", "电子邮箱", "车架号", "购车日期"],
        ["张伟", "13912345678", "", VIN1, "2019-05-01"],
        ["李娜", "13912345679", "", VIN2, "2020-01-01"],
        ["陈静", "13912345670", "", "", ""],
        ["张伟", "13912345678 13812345678", "zw@example.com", "", ""],  # a second number
        ["王秀英", "13912345679", "", "", ""],  # another person on 李娜's mobile
        ["赵磊", "13712345671", "", VIN1, "2023-06-01"],  # 张伟's car, sold on
        ["李娜", "13912345679", "ln@example.com", VIN2, ""],
    ]  # fmt: skip
    content = xlsx(rows)
    results = []
    for size in (1, 1000):
        batch, _ = preview(cr_a, content, f"identity{size}.xlsx")
        batch = apply(cr_a, batch, batch_size=size)
        assert batch.status == ImportStatus.APPLIED, batch.error_message
        results.append(((batch.count_new, batch.count_updated), _identity_state(dealer_a)))
        with scope(dealer=dealer_a.pk):
            undo.import_undo(actor=cr_a, batch=batch)
    assert results[0] == results[1]
    (new, updated), (customers, numbers, households, periods, owners) = results[0]
    assert (new, updated) == (5, 2)
    assert ("张伟", "+8613812345678") in numbers
    assert ["李娜", "王秀英"] in households
    assert (VIN1, "张伟", False) in periods and (VIN1, "赵磊", True) in periods
    assert (VIN1, "赵磊") in owners
    assert ("李娜", "+8613912345679", "ln@example.com") in customers


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_import_into_a_young_database_keeps_the_statistics_fresh(
    cr_a, dealer_a, make_customer, monkeypatch
) -> None:
    """Issue #13: a database given a small demo (its tables analyzed at 30 rows) planned each
    foreign-key check of the import's mileage readings as a read of the whole vehicle table.
    As the import grows the tables, PostgreSQL is told: its estimate follows the rows."""
    from django.db import connection

    for i in range(30):
        make_customer(cr_a, name=f"老客户{i}", mobile=f"1370000{i:04d}")
    tables = [Customer._meta.db_table, Vehicle._meta.db_table, MileageReading._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')
    monkeypatch.setattr(writing, "ANALYZE_FIRST", 200)
    monkeypatch.setattr(services, "WRITE_BATCH", 250)
    rows = [["客户姓名", "手机号码", "车架号", "行驶里程"]]
    for i in range(2_000):
        vin = f"LFV2A21K{i:09d}"
        vin = vin[:8] + vin_check_digit(vin) + vin[9:]
        rows.append([f"客户{i}", f"139{i:08d}", vin, 1000 + i])
    with scope(dealer=dealer_a.pk):
        batch, _ = services.import_file(actor=cr_a, content=xlsx(rows), filename="young.xlsx")
    assert batch.status == ImportStatus.APPLIED and batch.count_new == 2_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [tables])
        estimates = dict(cursor.fetchall())
    # refreshed at 200 and 800 created: the planner knows of hundreds, not 30
    assert all(estimates[table] >= 800 for table in tables), estimates
