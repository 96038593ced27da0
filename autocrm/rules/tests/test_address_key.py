"""The interim address key (rules.address_key) on the writings issue #12 lists."""

from __future__ import annotations

import pytest

from autocrm.rules.address_key import AddressKey, address_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("广东省广州市天河区天河路385号", "广州天河区 天河路385号院"),  # 号 / 号院, no province
        ("海珠区新港中路397号28栋1504", "广州市海珠区新港中路397号28-1504"),
        ("荔湾区芳村大道东200号三栋二单元501室", "荔湾区芳村大道东200号3栋2单元501"),
    ],
)
def test_two_writings_of_one_home_give_one_key(one: str, other: str) -> None:
    a, b = address_key(one, "天河区" if "天河" in one else ""), address_key(other)
    assert (a.road_or_compound, a.building, a.unit, a.room) == (
        b.road_or_compound, b.building, b.unit, b.room,
    )  # fmt: skip


def test_a_compound_and_building_without_road() -> None:
    assert address_key("深圳市南山区香山小区7栋2单元1504室") == AddressKey(
        "南山区", "香山小区", "7", "2", "1504"
    )


def test_an_address_cut_short_has_no_road() -> None:
    key = address_key("广州市天河区")
    assert key.district == "天河区" and not key.road_or_compound
