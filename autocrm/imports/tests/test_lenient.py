"""Nothing lost on import (issue #12, part 5): a bad value is left out of the imported row and
kept as written; only a row that identifies nobody is rejected; every phone number is kept;
unknown consultants are mapped at preview or left unassigned; a gender is taken from a valid
ID number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django_scopes import scope

from autocrm.customers.models import Customer
from autocrm.imports import services
from autocrm.imports.models import ImportSource
from autocrm.imports.rows import RowValidator, ValidRow
from autocrm.imports.tests.files import xlsx
from autocrm.imports.validation import leave_out_problem_rows
from autocrm.rules.scoring import REJECTED
from autocrm.tenancy.roles import Role

TODAY = dt.date(2024, 3, 1)
ID_MALE = "440305199003071236"  # a man's card: the 17th digit is odd
NO_IDENTITY = "Nothing identifies a customer in this row: no name, and no phone, ID number or VIN."


@pytest.fixture(autouse=True)
def _english() -> None:
    with translation.override("en"):
        yield


def check(header: list[str], *cells: object, staff=None, staff_mapping=None) -> ValidRow:
    """One row through the validator, with the mapping the importer would guess."""
    from autocrm.imports.columns import auto_mapping

    mapping = auto_mapping(header, [list(cells)])
    validator = RowValidator(
        header,
        mapping,
        staff_by_name=staff or {},
        today=TODAY,
        staff_mapping=staff_mapping,
    )
    return validator.validate(2, list(cells))


def rejected_of(row: ValidRow) -> list[tuple[str, str]]:
    return [(v["field"], v["value"]) for v in row.customer.get("rejected_values", [])]


def test_a_bad_email_keeps_the_customer_without_it() -> None:
    row = check(["姓名", "手机", "邮箱"], "张伟", "13912345678", "zw@")
    assert row.errors == []
    assert row.customer["name"] == "张伟" and row.customer["mobile"] == "+8613912345678"
    assert "email" not in row.customer
    assert [(p.column, p.value, p.message) for p in row.problems] == [
        ("邮箱", "zw@", "Enter a valid e-mail address.")
    ]
    assert row.customer["rejected_values"] == [
        {"field": "email", "value": "zw@", "message": "Enter a valid e-mail address.",
         "batch": None, "row": 2},
    ]  # fmt: skip


def test_a_bad_address_keeps_the_customer_without_any_address_part() -> None:
    row = check(["姓名", "手机", "地址"], "张伟", "13912345678", "广东省广州市")
    assert row.errors == [] and row.customer["name"] == "张伟"
    for part in ("address", "province", "city", "district", "street", "house_number"):
        assert part not in row.customer
    assert rejected_of(row) == [("address", "广东省广州市")]
    assert row.problems[0].column == "地址"


def test_a_bad_id_number_drops_its_type_and_keeps_the_customer() -> None:
    row = check(["姓名", "证件类型", "证件号码"], "张伟", "身份证", "440305199003071237")
    assert row.errors == [] and row.customer["name"] == "张伟"
    assert "id_number" not in row.customer and "id_type" not in row.customer
    assert rejected_of(row) == [("id_number", "440305199003071237")]


def test_a_row_that_identifies_no_one_is_rejected() -> None:
    row = check(["姓名", "手机", "邮箱"], "", "1390000", "a@example.com")
    assert (row.errors[0].column, row.errors[0].message) == ("姓名", NO_IDENTITY)
    assert ("手机", "1390000") in [(e.column, e.value) for e in row.errors]
    assert row.problems == []  # the row is rejected: its problems are among its errors


def test_a_name_only_or_a_phone_only_is_a_customer() -> None:
    name_only = check(["姓名", "手机"], "张伟", "")
    assert name_only.errors == [] and name_only.customer["name"] == "张伟"
    phone_only = check(["姓名", "手机"], "", "13912345678")
    assert phone_only.errors == [] and "name" not in phone_only.customer
    assert phone_only.customer["mobile"] == "+8613912345678"
    vin_only = check(["姓名", "车架号"], "", "LSVAM4187C2184847")
    assert vin_only.errors == [] and vin_only.vehicle == {"vin": "LSVAM4187C2184847"}
    id_only = check(["姓名", "身份证号"], "", ID_MALE)
    assert id_only.errors == [] and id_only.customer["id_number"] == ID_MALE


def test_a_gender_that_disagrees_with_the_id_number_is_taken_from_it() -> None:
    row = check(["姓名", "性别", "身份证号"], "张伟", "女", ID_MALE)
    assert row.errors == [] and row.problems == []
    assert row.customer["gender"] == "M" and row.customer["id_number"] == ID_MALE
    assert [(n.column, n.value) for n in row.notes] == [("性别", "女")]
    assert "ID number" in row.notes[0].message
    assert "rejected_values" not in row.customer


def test_two_mobiles_in_one_cell_are_both_kept() -> None:
    for cell in ("13812345678 13987654321", "13812345678/13987654321"):
        row = check(["姓名", "手机"], "张伟", cell)
        assert row.errors == row.problems == row.notes == []
        assert row.customer["mobile"] == "+8613812345678"
        assert row.customer["other_numbers"] == [("mobile", "+8613987654321", "13987654321")]
    spaced = check(["姓名", "手机"], "张伟", "138 1234 5678")  # one number with spaces
    assert spaced.customer["mobile"] == "+8613812345678"
    assert "other_numbers" not in spaced.customer


def test_a_mobile_in_the_landline_column_and_a_second_landline_are_kept() -> None:
    row = check(["姓名", "手机", "电话"], "张伟", "13812345678", "13987654321")
    assert row.customer["mobile"] == "+8613812345678"
    assert row.customer["other_numbers"] == [("mobile", "+8613987654321", "13987654321")]
    row = check(["姓名", "手机", "电话"], "张伟", "020-38881234", "0755-88889999")
    assert row.customer["landline"] == "+862038881234" and "mobile" not in row.customer
    assert row.customer["other_numbers"] == [("landline", "+8675588889999", "0755-88889999")]
    row = check(["姓名", "手机"], "张伟", "13812345678/1390000")  # a bad second number
    assert row.customer["mobile"] == "+8613812345678" and "other_numbers" not in row.customer
    assert rejected_of(row) == [("mobile", "1390000")]


def test_an_unknown_consultant_is_mapped_or_left_unassigned_with_the_name_kept() -> None:
    header = ["姓名", "手机", "销售顾问"]
    known = check(header, "张伟", "13912345678", "王经理", staff={"王经理": 7})
    assert known.customer["responsible_staff_id"] == 7 and known.unknown_staff == ""
    unknown = check(header, "张伟", "13912345678", "老刘", staff={"王经理": 7})
    assert unknown.errors == [] and unknown.problems == []  # not a problem: mapped at preview
    assert unknown.unknown_staff == "老刘"
    assert unknown.customer["responsible_staff_id"] is None
    assert rejected_of(unknown) == [("responsible_staff", "老刘")]
    mapped = check(header, "张伟", "13912345678", "老刘", staff_mapping={"老刘": 9})
    assert mapped.customer["responsible_staff_id"] == 9 and "rejected_values" not in mapped.customer
    left = check(header, "张伟", "13912345678", "老刘", staff_mapping={"老刘": None})
    assert left.customer["responsible_staff_id"] is None
    assert rejected_of(left) == [("responsible_staff", "老刘")]
    nobody = check(["姓名", "手机"], "张伟", "13912345678")
    assert nobody.customer["responsible_staff_id"] is None  # always set


def test_leaving_rows_with_problems_out_rejects_them_and_keeps_their_problems() -> None:
    fine = check(["姓名", "邮箱"], "张伟", "zw@example.com")
    bad = check(["姓名", "邮箱"], "李娜", "ln@")
    leave_out_problem_rows([fine, bad])
    assert fine.errors == []
    assert bad.problems and [e.column for e in bad.errors] == ["邮箱"]
    assert bad.errors[0].message.startswith("Left out (row with problems)")


def test_each_rejected_value_is_a_quality_issue_naming_its_field() -> None:
    from django.utils import timezone

    from autocrm.imports.derived import new_customer_derived

    row = check(["姓名", "手机", "邮箱"], "张伟", "13912345678", "zw@")
    derived = new_customer_derived(
        row.customer, dealer_province="广东省", vehicles=[], now=timezone.now()
    )
    assert {"field": "email", "kind": REJECTED, "code": "value_rejected"} in derived[
        "quality_issues"
    ]


# --- the whole pipeline, person by person -------------------------------------------------

FILE = [
    ["客户姓名", "性别", "手机", "电话", "身份证号", "地址", "邮箱", "车架号", "销售顾问"],
    ["张伟", "女", "13912345678 13987654321", "", ID_MALE, "广东省深圳市南山区科技园路8号",
     "zw@", "", "王经理"],
    ["李娜", "", "13912345600", "13912345601", "", "广东省广州市", "", "", "老刘"],
    ["", "", "1390000", "", "", "", "x@", "", ""],  # nothing identifies anyone
    ["王芳", "", "", "", "", "", "", "", "小陈"],  # a name only
    ["", "", "13912345602", "", "", "", "", "", ""],  # a phone only
]  # fmt: skip


@pytest.fixture
def wang_manager(make_staff, dealer_a):
    return make_staff(dealer_a, Role.SALES_CONSULTANT, display_name="王经理")


def _preview(actor, rows=FILE):
    with scope(dealer=actor.dealer_id):
        return services.import_preview(actor=actor, content=xlsx(rows), filename="其他系统.xlsx")


def test_an_import_keeps_every_person_with_what_could_be_accepted(
    cr_a, dealer_a, consultant_a, wang_manager
) -> None:
    batch, analysis = _preview(cr_a)
    assert (batch.count_new, batch.count_problems, batch.count_rejected) == (4, 2, 1)
    assert batch.unknown_staff == {"老刘": 1, "小陈": 1}
    with scope(dealer=dealer_a.pk):
        batch = services.import_staff_map(
            actor=cr_a, batch=batch, staff_mapping={"老刘": consultant_a.pk, "小陈": None}
        )
        batch.refresh_from_db()  # checked again (huey is immediate in the tests)
        assert batch.status == "previewed"
        assert ImportSource.objects.get().staff_mapping == {"老刘": consultant_a.pk, "小陈": None}
        from autocrm.imports.applying import import_apply

        batch = import_apply(actor=cr_a, batch=batch)
        people = {c.name: c for c in Customer.objects.all()}
    assert batch.status == "applied"
    assert sorted(people) == ["", "张伟", "李娜", "王芳"]  # the row of nobody is rejected
    zhang = people["张伟"]
    assert zhang.gender == "M"  # from the ID number, not the file's 女
    assert zhang.id_number == ID_MALE and zhang.mobile == "+8613912345678"
    assert (zhang.district, zhang.house_number) == ("南山区", "8号")
    assert zhang.email == "" and zhang.responsible_staff_id == wang_manager.pk
    li = people["李娜"]
    assert li.mobile == "+8613912345600" and li.address == "" and li.province == ""
    assert li.responsible_staff_id == consultant_a.pk  # mapped at preview
    assert people["王芳"].mobile == "" and people[""].mobile == "+8613912345602"


def test_a_second_file_of_the_source_comes_mapped(cr_a, dealer_a, consultant_a) -> None:
    batch, _ = _preview(cr_a)
    with scope(dealer=dealer_a.pk):
        services.import_staff_map(actor=cr_a, batch=batch, staff_mapping={"老刘": consultant_a.pk})
    again, analysis = _preview(cr_a)
    assert again.staff_mapping == {"老刘": consultant_a.pk}
    li = next(r for r in analysis.rows if r.customer.get("name") == "李娜")
    assert li.customer["responsible_staff_id"] == consultant_a.pk


def test_a_staff_mapping_to_another_dealers_staff_is_refused(cr_a, dealer_a, consultant_b):
    from django.core.exceptions import ValidationError

    batch, _ = _preview(cr_a)
    with scope(dealer=dealer_a.pk), pytest.raises(ValidationError):
        services.import_staff_map(actor=cr_a, batch=batch, staff_mapping={"老刘": consultant_b.pk})


def test_rows_with_problems_left_out_at_preview_are_not_imported(cr_a, dealer_a) -> None:
    from autocrm.imports.applying import import_apply

    batch, _ = _preview(cr_a)
    with scope(dealer=dealer_a.pk):
        services.import_choose_problem_rows(actor=cr_a, batch=batch, leave_out=True)
        batch = import_apply(actor=cr_a, batch=batch)
        names = sorted(Customer.objects.values_list("name", flat=True))
    assert names == ["", "王芳"]  # 张伟 and 李娜 had problems
    assert (batch.count_problems, batch.count_rejected) == (0, 3)


def test_the_import_stores_the_refused_values_on_the_record(cr_a, dealer_a, wang_manager):
    from autocrm.imports.applying import import_apply

    batch, _ = _preview(cr_a)
    with scope(dealer=dealer_a.pk):
        batch = import_apply(actor=cr_a, batch=batch)
        zhang = Customer.objects.get(name="张伟")
        li = Customer.objects.get(name="李娜")
    assert [(v["field"], v["value"], v["batch"]) for v in zhang.rejected_values] == [
        ("email", "zw@", batch.pk)
    ]
    assert [(v["field"], v["value"]) for v in li.rejected_values] == [
        ("address", "广东省广州市"), ("responsible_staff", "老刘"),
    ]  # fmt: skip
    assert {"field": "email", "kind": REJECTED, "code": "value_rejected"} in zhang.quality_issues


def test_the_import_keeps_every_number_as_a_contact_point(cr_a, dealer_a):
    from autocrm.customers.models import ContactPoint
    from autocrm.imports.applying import import_apply

    batch, _ = _preview(cr_a)
    with scope(dealer=dealer_a.pk):
        import_apply(actor=cr_a, batch=batch)
        numbers = {
            (c.customer.name, c.number) for c in ContactPoint.objects.select_related("customer")
        }
    assert ("张伟", "+8613987654321") in numbers and ("李娜", "+8613912345601") in numbers


def test_customers_without_a_known_consultant_stay_unassigned(cr_a, dealer_a) -> None:
    from autocrm.imports.applying import import_apply

    batch, _ = _preview(cr_a)
    with scope(dealer=dealer_a.pk):
        import_apply(actor=cr_a, batch=batch)
        assert Customer.objects.get(name="王芳").responsible_staff_id is None
        assert Customer.objects.get(name="").responsible_staff_id is None
