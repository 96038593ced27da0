"""The repair of the past (customers.splitting): a record an old-style import merged wrongly is
found by its history and split, restoring exactly what was merged.

The wrong merge is built the way the old import made it: a customer entered through the
services, then an import version whose file row (another person, same mobile) replaced the
name and ID number, and a vehicle that row brought, both with the import's change reason."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django_scopes import scope, scopes_disabled
from simple_history.utils import update_change_reason

from autocrm.core.models import Activity
from autocrm.customers.identity_selectors import household_of
from autocrm.customers.models import Customer, Vehicle
from autocrm.customers.services import customer_update, vehicle_add
from autocrm.customers.splitting import (
    SPLIT,
    SPLIT_FROM,
    customer_split,
    customer_split_undo,
    wrong_merges,
)

pytestmark = pytest.mark.django_db

REASON = "Import #7: 老系统导出.xlsx"
ID_MALE_1990 = "44030519900101123X"
ID_FEMALE_1985 = "430104198503150025"
ADDRESS = "广东省深圳市南山区科苑路15号"
ADDRESS_2 = "广东省深圳市福田区深南大道1001号"
VIN_HIS = "LSVAM4187C2184847"
VIN_HERS = "LSVAU218XN2183294"
FIELDS = ("name", "id_number", "gender", "birth_date", "address", "district", "mobile", "employer")


def _stored(pk: int) -> Customer:
    with scopes_disabled():
        return Customer.objects.get(pk=pk)


@pytest.fixture
def merged(consultant_a: Any, make_customer: Any) -> Customer:
    """张伟 (male, his ID, his car), over whom import #7 wrote 李娜 (her ID, same mobile, her
    address, her car)."""
    zhang = make_customer(
        consultant_a, name="张伟", mobile="13812345678", id_type="resident_id",
        id_number=ID_MALE_1990, gender="M", address=ADDRESS, employer="腾讯",
    )  # fmt: skip
    with scope(dealer=consultant_a.dealer_id):
        vehicle_add(actor=consultant_a, customer=zhang, data={"vin": VIN_HIS})
        zhang._change_reason = REASON  # type: ignore[attr-defined]
        customer_update(
            actor=consultant_a,
            customer=zhang,
            data={"name": "李娜", "id_type": "resident_id", "id_number": ID_FEMALE_1985,
                  "gender": "F", "birth_date": date(1985, 3, 15), "address": ADDRESS_2},
        )  # fmt: skip
        hers = vehicle_add(actor=consultant_a, customer=zhang, data={"vin": VIN_HERS})
        update_change_reason(hers, REASON)
    return zhang


def test_the_wrong_merge_is_found_with_its_reason(consultant_a: Any, merged: Customer) -> None:
    with scope(dealer=consultant_a.dealer_id):
        (merge,) = wrong_merges(dealer_id=consultant_a.dealer_id)
    assert merge.customer.pk == merged.pk
    assert [p.name for p in merge.people] == ["张伟", "李娜"]
    assert merge.reasons == [f"张伟 → 李娜 ({REASON})"]


def test_a_placeholder_filled_or_a_staff_correction_is_not_a_wrong_merge(
    consultant_a: Any, make_customer: Any
) -> None:
    customer = make_customer(consultant_a, name="张先生", mobile="13812345678")
    with scope(dealer=consultant_a.dealer_id):
        customer._change_reason = REASON  # type: ignore[attr-defined]
        customer_update(actor=consultant_a, customer=customer, data={"name": "张伟"})
        customer._change_reason = None  # type: ignore[attr-defined]
        customer_update(actor=consultant_a, customer=customer, data={"name": "李娜"})
        assert wrong_merges(dealer_id=consultant_a.dealer_id) == []


def test_the_split_restores_exactly_what_was_merged(cr_a: Any, merged: Customer) -> None:
    with scope(dealer=cr_a.dealer_id):
        (lina,) = customer_split(actor=cr_a, customer=merged)
        zhang = _stored(merged.pk)
        lina = _stored(lina.pk)
        his = {f: getattr(zhang, f) for f in FIELDS}
        assert his == {
            "name": "张伟", "id_number": ID_MALE_1990, "gender": "M",
            "birth_date": date(1990, 1, 1), "address": ADDRESS, "district": "南山区",
            "mobile": "+8613812345678", "employer": "腾讯",
        }  # fmt: skip
        hers = {f: getattr(lina, f) for f in FIELDS}
        assert hers == {
            "name": "李娜", "id_number": ID_FEMALE_1985, "gender": "F",
            "birth_date": date(1985, 3, 15), "address": ADDRESS_2, "district": "福田区",
            "mobile": "+8613812345678", "employer": "",
        }  # fmt: skip
        assert lina.responsible_staff_id == zhang.responsible_staff_id
        assert lina.name_pinyin and zhang.name_pinyin != lina.name_pinyin
        assert set(Vehicle.objects.filter(customer=zhang).values_list("vin", flat=True)) == {
            VIN_HIS
        }
        assert set(Vehicle.objects.filter(customer=lina).values_list("vin", flat=True)) == {
            VIN_HERS
        }
        assert Vehicle.objects.get(vin=VIN_HERS).ownerships.get().customer_id == lina.pk
        # they share the mobile: one household
        household = household_of(zhang)
        assert household is not None and household == household_of(lina)
        # both timelines, and no longer listed
        assert Activity.objects.get(kind=SPLIT).customer_id == zhang.pk
        assert Activity.objects.get(kind=SPLIT_FROM).customer_id == lina.pk
        assert wrong_merges(dealer_id=cr_a.dealer_id) == []
        with pytest.raises(ValidationError):
            customer_split(actor=cr_a, customer=zhang)


def test_a_split_is_undone(cr_a: Any, merged: Customer) -> None:
    with scope(dealer=cr_a.dealer_id):
        (lina,) = customer_split(actor=cr_a, customer=merged)
        customer_split_undo(actor=cr_a, split=Activity.objects.get(kind=SPLIT))
        back = _stored(merged.pk)
        assert (back.name, back.id_number, back.address) == ("李娜", ID_FEMALE_1985, ADDRESS_2)
        assert not Customer.objects.filter(pk=lina.pk).exists()
        assert Vehicle.objects.filter(customer=back).count() == 2
        with pytest.raises(ValidationError):
            customer_split_undo(actor=cr_a, split=Activity.objects.get(kind=SPLIT))


def test_the_command_lists_and_splits(merged: Customer, dealer_a: Any, dealer_b: Any) -> None:
    out = StringIO()
    call_command("split_wrong_merges", "--dealer", dealer_b.code, "--dry-run", stdout=out)
    assert "0 wrongly merged customers found" in out.getvalue()  # another dealer's: never
    out = StringIO()
    call_command("split_wrong_merges", "--dealer", dealer_a.code, "--dry-run", stdout=out)
    assert f"#{merged.pk} 张伟 / 李娜" in out.getvalue()
    assert _stored(merged.pk).name == "李娜"  # a dry run changes nothing
    out = StringIO()
    call_command("split_wrong_merges", "--dealer", dealer_a.code, stdout=out)
    assert "1 wrongly merged customers split" in out.getvalue()
    assert _stored(merged.pk).name == "张伟"
    with scopes_disabled():
        assert Customer.objects.filter(name="李娜", id_number=ID_FEMALE_1985).count() == 1
