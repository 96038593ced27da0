"""An import of a file with every identity case, checked in the database person by person:
spouses and a parent and child on one mobile, fleet drivers under the company's mobile, a
resold car, a true duplicate with a placeholder name and a second number, an undo."""

from __future__ import annotations

import pytest
from django_scopes import scope

from autocrm.customers.models import (
    ContactPoint,
    Customer,
    HouseholdMember,
    Vehicle,
    VehicleOwnership,
)
from autocrm.imports import services, undo
from autocrm.imports.models import ImportRow
from autocrm.imports.tests.files import ids_in_clear_for, xlsx

pytestmark = pytest.mark.django_db

HEADER = ["客户名称", "手机号码", "证件号码", "车架号", "购车日期", "联系地址"]
ADDRESS = "广东省深圳市南山区科技园路8号"
FAMILY_MOBILE, FLEET_MOBILE = "13912345678", "13822223333"
VIN_FIRST, VIN_RESOLD, VIN_FLEET = "LSVAM4187C2184847", "LFV2A21K9F3000001", "LSGBC5344EG000002"
ID_HUSBAND, ID_WIFE = "440305198501011231", "440305198703154564"


def _import(actor, dealer, rows):
    with scope(dealer=dealer.pk):
        batch, _analysis = services.import_file(
            actor=actor, content=xlsx([HEADER, *rows]), filename="dms.xlsx"
        )
    assert batch.status == "applied", batch.error_message
    return batch


def _by_name(name: str) -> Customer:
    return Customer.objects.get(name=name)


def test_every_identity_case_lands_person_by_person(cr_a, dealer_a) -> None:
    rows = [
        ["张伟", FAMILY_MOBILE, ID_HUSBAND, VIN_FIRST, "2019-05-01", ADDRESS],  # 2
        ["李娜", FAMILY_MOBILE, ID_WIFE, "", "", ""],  # 3 his wife, his mobile
        ["张小明", FAMILY_MOBILE, "", "", "", ""],  # 4 their son, the same mobile
        ["李女士", FAMILY_MOBILE, "", "", "", ""],  # 5 the only 李 on the number: his wife
        ["深圳市顺达物流有限公司", FLEET_MOBILE, "", VIN_FLEET, "2021-01-01", ""],  # 6
        ["刘强", FLEET_MOBILE, "", "", "", ""],  # 7 a driver under the fleet's mobile
        ["陈明", "13600001111", "", VIN_RESOLD, "2018-03-01", ""],  # 8 first owner
        ["赵磊", "13500002222", "", VIN_RESOLD, "2023-07-15", ""],  # 9 bought it used
        ["张先生", FAMILY_MOBILE, "", "", "", ""],  # 10 the father or the son: not a guess
    ]
    batch = _import(cr_a, dealer_a, rows)
    with scope(dealer=dealer_a.pk):
        # 李女士 is 李娜; 张先生 is a customer of his own (for review); the rest are their own
        assert Customer.objects.count() == 8
        husband = _by_name("张伟")
        assert husband.id_number == ID_HUSBAND
        assert husband.address == ADDRESS  # the more complete address survives
        wife, son = _by_name("李娜"), _by_name("张小明")
        assert wife.id_number == ID_WIFE and wife.mobile == husband.mobile == son.mobile
        family = {
            m.customer_id: m.household_id
            for m in HouseholdMember.objects.filter(customer__in=[husband, wife, son])
        }
        assert len(family) == 3 and len(set(family.values())) == 1
        company, driver = _by_name("深圳市顺达物流有限公司"), _by_name("刘强")
        fleet = {m.customer_id: m.relation for m in HouseholdMember.objects.filter(
            customer__in=[company, driver])}  # fmt: skip
        assert fleet == {company.pk: "organization", driver.pk: "driver"}
        assert Vehicle.objects.get(vin=VIN_FLEET).customer == company
        # the resold car is the used-car buyer's; the first owner keeps it as a former vehicle
        resold = Vehicle.objects.get(vin=VIN_RESOLD)
        first, buyer = _by_name("陈明"), _by_name("赵磊")
        assert resold.customer == buyer
        periods = list(
            VehicleOwnership.objects.filter(vehicle=resold).values_list("customer_id", "ended_on")
        )
        assert (buyer.pk, None) in periods
        assert any(c == first.pk and ended is not None for c, ended in periods)
        # each row knows its customer
        outcome = dict(ImportRow.objects.filter(batch=batch).values_list("number", "customer_id"))
        assert outcome[2] == husband.pk and outcome[3] == outcome[5] == wife.pk
        assert outcome[10] not in (husband.pk, son.pk)
        assert outcome[9] == buyer.pk


def test_a_later_file_moves_a_resold_car_and_undo_moves_it_back(cr_a, dealer_a) -> None:
    _import(cr_a, dealer_a, [["陈明", "13600001111", "", VIN_RESOLD, "2018-03-01", ""]])
    later = _import(cr_a, dealer_a, [["赵磊", "13500002222", "", VIN_RESOLD, "2023-07-15", ""]])
    with scope(dealer=dealer_a.pk):
        first, buyer = _by_name("陈明"), _by_name("赵磊")
        assert Vehicle.objects.get(vin=VIN_RESOLD).customer == buyer
        closed = VehicleOwnership.objects.get(customer=first)
        assert str(closed.ended_on) == "2023-07-15"
        undo.import_undo(actor=cr_a, batch=later)
        assert Vehicle.objects.get(vin=VIN_RESOLD).customer == first
        assert not Customer.objects.filter(name="赵磊").exists()
        assert VehicleOwnership.objects.get(customer=first).ended_on is None


def test_a_real_name_replaces_a_placeholder_and_never_the_reverse(cr_a, dealer_a) -> None:
    _import(cr_a, dealer_a, [["王先生", "13911112222", "", "", "", ""]])
    _import(cr_a, dealer_a, [["王建国", "13911112222", "", "", "", ""]])
    _import(cr_a, dealer_a, [["王先生", "13911112222", "", "", "", ""]])
    with scope(dealer=dealer_a.pk):
        assert list(Customer.objects.values_list("name", flat=True)) == ["王建国"]


def test_a_newer_mobile_becomes_the_contact_number_and_the_older_is_kept(
    cr_a, dealer_a, monkeypatch
) -> None:
    """By the stored ID number, for an importer who sees it (`test_import_masking`: one who
    does not gets a customer of its own, for duplicate detection to find)."""
    ids_in_clear_for(cr_a.role, monkeypatch)
    _import(cr_a, dealer_a, [["张伟", "13911112222", ID_HUSBAND, "", "", ""]])
    _import(cr_a, dealer_a, [["张伟", "13733334444", ID_HUSBAND, "", "", ""]])
    with scope(dealer=dealer_a.pk):
        customer = Customer.objects.get()
        assert customer.mobile == "+8613733334444"
        assert list(
            ContactPoint.objects.filter(customer=customer).values_list("number", flat=True)
        ) == ["+8613911112222"]


def test_the_preview_says_when_the_same_file_was_applied_before(client, cr_a, dealer_a) -> None:

    content = xlsx([HEADER, ["李娜", "", "", "", "", ""]])
    with scope(dealer=dealer_a.pk):
        services.import_file(actor=cr_a, content=content, filename="dms.xlsx")
        again, _analysis = services.import_preview(actor=cr_a, content=content, filename="dms.xlsx")
    client.force_login(cr_a)
    page = client.get(f"/imports/{again.pk}/preview/").content.decode()
    assert 'data-testid="applied-before"' in page
    with scope(dealer=dealer_a.pk):
        other, _analysis = services.import_preview(
            actor=cr_a, content=xlsx([HEADER, ["王芳", "", "", "", "", ""]]), filename="x.xlsx"
        )
    page = client.get(f"/imports/{other.pk}/preview/").content.decode()
    assert 'data-testid="applied-before"' not in page
