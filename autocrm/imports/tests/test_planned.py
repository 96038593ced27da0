"""The plan's stores: records packed once written and unpacked when a later row needs them,
and one status byte per row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from autocrm.customers.choices import IdType
from autocrm.imports import planned as planned_module
from autocrm.imports.matching import id_file_key, number_file_key
from autocrm.imports.planned import (
    CUSTOMER_FIELDS,
    NEW,
    REJECTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    Planned,
    Records,
    RowStatuses,
)


def _written(values: dict[str, object], existing_id: int = 7, owner: str = "") -> Planned:
    planned = Planned(None, {}, {}, owner=owner)
    planned.apply(values, CUSTOMER_FIELDS)
    planned.existing_id = existing_id
    planned.settle()
    return planned


def test_a_written_record_is_packed_and_comes_back_with_its_values_and_locked_fields() -> None:
    records = Records()
    values = {"name": "张伟", "birth_date": date(1980, 5, 1), "rejected_values": [{"a": 1}],
              "id_number": "110101198005010011", "id_type": IdType.RESIDENT_ID}  # fmt: skip
    records["r5"] = _written(values, existing_id=41, owner="r2")
    records.settle_all()
    assert "r5" in records and len(records) == 1
    assert list(records.unpacked()) == []  # packed: no object for it

    again = records["r5"]
    assert again.existing_id == 41 and again.owner == "r2"
    assert again.values == values
    assert type(again.values["id_type"]) is IdType and type(again.values["birth_date"]) is date
    assert again.locked == {"name", "birth_date", "rejected_values", "id_number"}
    assert again.values is again.original and not again.changed
    assert records["r5"] is again  # unpacked once, then the same object


def test_a_later_row_changes_an_unpacked_record_like_a_stored_one() -> None:
    records = Records()
    records["r5"] = _written({"name": "张女士", "email": "a@example.com"})
    records.settle_all()
    record = records["r5"]
    stored = record.original
    assert record.apply({"name": "张丽", "email": "b@example.com"}, CUSTOMER_FIELDS)
    assert record.values["name"] == "张丽"  # a real name over a placeholder
    assert record.values["email"] == "a@example.com"  # the file's first value stays
    assert record.changed == {"name"}
    assert stored == {"name": "张女士", "email": "a@example.com"}  # what was written is intact
    records.settle_all()
    assert list(records.unpacked()) == [("r5", record)]  # changed, not written yet: kept


def test_records_with_numbers_to_write_or_nothing_written_stay_unpacked() -> None:
    records = Records()
    with_number = _written({"name": "李强", "mobile": "13800001111"})
    with_number.keep_number("13900002222", "mobile", "139 0000 2222")
    records["r1"] = with_number
    records["r2"] = Planned(None, {}, {"name": "王芳"})  # planned, not written
    records["r3"] = _written({"name": "赵敏"})
    records.settle_all()
    assert dict(records.unpacked()) == {"r1": with_number, "r2": records["r2"]}
    assert records.get("r3") is not None and records.get("r4") is None
    with pytest.raises(KeyError):
        records["r4"]


def test_past_the_shape_limit_a_packed_record_carries_its_own_names(monkeypatch) -> None:
    monkeypatch.setattr(planned_module, "MAX_SHAPES", 1)
    records = Records()
    records["r1"] = _written({"name": "甲"})
    records["r2"] = _written({"name": "乙", "email": "b@example.com"})
    records["r3"] = _written({"email": "c@example.com", "name": "丙", "remarks": "VIP"})
    records.settle_all()
    assert records["r1"].values == {"name": "甲"}
    assert records["r2"].values == {"name": "乙", "email": "b@example.com"}
    assert records["r3"].values == {"name": "丙", "email": "c@example.com", "remarks": "VIP"}


def test_vehicle_values_of_every_type_survive_packing() -> None:
    records = Records()
    vehicle = Planned(None, {}, {}, owner="c9")
    vehicle.values.update(vin="LFV2A21K6A3000001", purchase_price=Decimal("158000.50"),
                          purchase_date=date(2020, 1, 31), mileage_km=12000)  # fmt: skip
    vehicle.existing_id = 3
    vehicle.settle()
    records["LFV2A21K6A3000001"] = vehicle
    records.settle_all()
    again = records["LFV2A21K6A3000001"]
    assert again.values == vehicle.values
    assert type(again.values["purchase_price"]) is Decimal
    assert again.owner == "c9" and again.existing_id == 3


def test_row_statuses_one_byte_a_row() -> None:
    statuses = RowStatuses()
    statuses[4] = NEW
    statuses[9] = REJECTED
    statuses[5] = UPDATED
    statuses[5] = UNCHANGED
    statuses[100_000] = SKIPPED
    assert statuses == {4: NEW, 5: UNCHANGED, 9: REJECTED, 100_000: SKIPPED}
    assert list(statuses) == [4, 5, 9, 100_000] and len(statuses) == 4
    assert 6 not in statuses and statuses.get(6) is None and statuses.get(-1) is None
    assert statuses.counts() == {NEW: 1, UPDATED: 0, UNCHANGED: 1, REJECTED: 1, SKIPPED: 1}
    del statuses[9]
    assert 9 not in statuses and len(statuses) == 3
    with pytest.raises(KeyError):
        del statuses[9]


def test_file_keys_tell_every_number_apart() -> None:
    ids = ["44010519650415507X", "440105196504155070", "440105196504155071", "E12345678"]
    phones = ["+8613800001111", "+862012345678", "+862012345678;ext=8001", "+8613800001112"]
    keys = [id_file_key(n) for n in ids] + [number_file_key(p) for p in phones]
    assert len(set(keys)) == len(keys)
    assert id_file_key("44010519650415507X") == id_file_key("44010519650415507X")
    assert id_file_key("E12345678") == "id:E12345678"
    assert number_file_key("+862012345678;ext=8001") == "m:+862012345678;ext=8001"
    assert isinstance(number_file_key("+8613800001111"), int)
