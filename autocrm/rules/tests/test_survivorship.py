"""Best-value survivorship, field by field (rules.survivorship; issue #12, part 4)."""

from __future__ import annotations

from datetime import datetime

from autocrm.rules.survivorship import (
    SurvivorRecord,
    address_completeness,
    best_address,
    best_id_number,
    best_mobile,
    best_name,
    best_plain,
    best_sources,
    best_values,
    kept_numbers,
    verified_first,
)

OLD, NEW = datetime(2023, 1, 5), datetime(2025, 6, 1)
VALID_ID = "11010519491231002X"


def rec(verified: bool = False, updated: datetime = OLD, **values: object) -> SurvivorRecord:
    return SurvivorRecord(values=values, verified=verified, updated_at=updated)


def test_a_verified_value_wins_over_an_unverified_newer_one() -> None:
    records = [rec(email="new@example.com", updated=NEW), rec(True, email="ok@example.com")]
    assert verified_first(records, "email") == 1


def test_an_empty_value_never_wins() -> None:
    assert best_plain([rec(remarks=""), rec(remarks="VIP")], "remarks") == 1
    assert best_plain([rec(remarks=""), rec(remarks=None)], "remarks") is None


def test_a_plain_field_takes_the_newer_value() -> None:
    assert best_plain([rec(email="a@x.cn"), rec(email="b@x.cn", updated=NEW)], "email") == 1


def test_a_real_name_wins_over_a_placeholder_whatever_the_order() -> None:
    # issue #12: a merge kept 张女士 over the customer's name
    assert best_name([rec(name="张女士", updated=NEW), rec(name="张丽华")]) == 1
    assert best_name([rec(name="张丽华"), rec(name="张女士", updated=NEW)]) == 0
    assert best_name([rec(name="客户1"), rec(name="王先生")]) == 1  # both placeholders: a surname


def test_a_checksum_valid_id_wins_over_an_invalid_one_or_none() -> None:
    assert best_id_number([rec(id_number="110105194912310021", updated=NEW),
                           rec(id_number=VALID_ID)]) == 1  # fmt: skip
    assert best_id_number([rec(id_number=""), rec(id_number=VALID_ID)]) == 1


def test_the_more_complete_address_wins() -> None:
    short = rec(address="广州市天河区", city="广州市", district="天河区", updated=NEW)
    full = rec(
        address="广东省广州市天河区天河路385号5栋1201室", province="广东省", city="广州市",
        district="天河区", street="天河路", house_number="385号",
    )  # fmt: skip
    assert best_address([short, full]) == 1
    assert address_completeness(full.values) > address_completeness(short.values)


def test_a_compound_with_building_and_room_counts_as_detail() -> None:
    with_room = {"address": "深圳市南山区香山小区7栋1504室", "city": "深圳市", "district": "南山区"}
    without = {"address": "深圳市南山区香山小区", "city": "深圳市", "district": "南山区"}
    assert address_completeness(with_room) == address_completeness(without) + 2


def test_the_newer_mobile_is_the_contact_number_and_the_older_is_kept() -> None:
    records = [rec(mobile="+8613912345678"), rec(mobile="+8615820417369", updated=NEW)]
    sources = best_sources(records)
    assert sources["mobile"] == 1
    assert kept_numbers(records, sources) == [("mobile", "+8613912345678")]


def test_a_mobile_found_wrong_loses_even_when_newer() -> None:
    wrong = SurvivorRecord(values={"mobile": "+8615820417369"}, mobile_wrong=True, updated_at=NEW)
    assert best_mobile([rec(mobile="+8613912345678"), wrong]) == 0


def test_best_values_takes_a_group_from_one_record_and_keeps_every_number() -> None:
    a = rec(name="李女士", mobile="+8613912345678", landline="+862038881234",
            address="广州市天河区", district="天河区", updated=NEW)  # fmt: skip
    b = rec(name="李晓燕", mobile="+8615820417369", id_type="resident_id", id_number=VALID_ID,
            address="广州市天河区天河路385号", district="天河区", street="天河路",
            house_number="385号", landline="+862087654321")  # fmt: skip
    values = best_values([a, b])
    assert values["name"] == "李晓燕"
    assert (values["id_type"], values["id_number"]) == ("resident_id", VALID_ID)
    assert values["address"] == "广州市天河区天河路385号" and values["street"] == "天河路"
    assert values["mobile"] == "+8613912345678"  # the newer record's
    assert values["kept_numbers"] == [("mobile", "+8615820417369"), ("landline", "+862087654321")]
