"""Name features and the Splink model on hand-made records (no database)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from autocrm.matching.features import (
    RAW_COLUMNS,
    _landline_digits,
    _mobile_ok,
    _plain_name_columns,
    build_features,
    id_number_valid,
    name_columns,
    phone_numbers,
    split_name,
)
from autocrm.matching.model import FIELDS, calibrated, predict

ADDRESS = "广东省广州市天河区天河路385号"


def test_compound_surname_is_split() -> None:
    assert split_name("欧阳明") == ("欧阳", "明")
    assert split_name("王小明") == ("王", "小明")
    assert split_name("GAC Motor") == ("", "")


def test_homophones_and_swaps_share_the_blocking_key() -> None:
    # 任芳敏 / 任方敏: the service advisor typed a homophone; 王小明 / 王明小 swapped
    assert name_columns("任芳敏")[0] == name_columns("任方敏")[0]
    assert name_columns("王小明")[0] == name_columns("王明小")[0]
    assert name_columns("王小明")[0] != name_columns("黄小明")[0]


def test_fuzzy_key_joins_near_sounds() -> None:
    assert name_columns("林志强")[1] == name_columns("凌志强")[1]


def test_placeholder_name_has_no_key_but_a_surname() -> None:
    key, fuzzy, surname, plain, gender = name_columns("王先生")
    assert (key, fuzzy, plain, gender) == (
        None,
        None,
        False,
        "M",
    ) and surname == "wan"  # fuzzy pinyin


def test_made_up_mobiles_are_not_evidence() -> None:
    assert _mobile_ok("+8613800138000") is None  # the textbook fake number
    assert _mobile_ok("+8615820417369") == "15820417369"
    assert _mobile_ok("") is None


def test_every_number_of_a_record_is_kept() -> None:
    mobiles, landlines = phone_numbers(
        "+8615820417369", "020-38881234", "+8613912345678 +862038881234 +8615820417369"
    )
    assert mobiles == ("15820417369", "13912345678")
    assert landlines == ("2038881234",)
    assert _landline_digits("+86 20 3888 1234;ext=12") == "2038881234"


def test_id_check_digit() -> None:
    assert id_number_valid("11010519491231002X")
    assert not id_number_valid("110105194912310021")


def test_name_levels_are_compare_names_levels() -> None:
    name = next(f for f in FIELDS if f.name == "name")
    codes = [level.code for level in name.levels]
    assert "homophone" in codes and "exact" in codes and "surname_only" in codes


def test_calibration_spreads_and_keeps_order() -> None:
    assert 0 < calibrated(0) < calibrated(4) < calibrated(8) < calibrated(40) <= 1
    assert calibrated(0) < 0.3 and 0.7 < calibrated(4) < 0.9  # ADR 0010's table


def _table(rows: list[tuple]) -> pa.Table:
    columns = list(zip(*rows, strict=True))
    schema = pa.schema(
        [(n, pa.int64() if n in ("unique_id", "dealer_id") else pa.string()) for n in RAW_COLUMNS]
    )
    return pa.table({n: list(columns[i]) for i, n in enumerate(RAW_COLUMNS)}, schema=schema)


def _row(uid: int, name: str, mobile: str, address: str = ADDRESS, dealer: int = 1, **kw):
    return (
        uid,
        dealer,
        "person",
        name,
        mobile,
        kw.get("id_number"),
        kw.get("district", "天河区"),
        address,
        kw.get("birth_date"),
        "2024-01-01 00:00:00",
        kw.get("vins"),
        kw.get("gender"),
        kw.get("landline"),
        kw.get("numbers"),
    )


@pytest.fixture
def found() -> set[tuple[int, int]]:
    rows = [
        # 1/2: homophone given name, mobile with one digit mistyped, address without province
        _row(1, "任芳敏", "+8615820417369"),
        _row(2, "任方敏", "+8615820417368", "广州市天河区天河路385号"),
        # 3/4: swapped given name, same VIN
        _row(3, "李晓东", "+8613631234567", vins="LSVAM4187C2184847"),
        _row(4, "李东晓", "", "", vins="LSVAM4187C2184847", district=None),
        # 5/6: same mobile and address but different people (father and son)
        _row(5, "张建国", "+8613925556666", "广东省广州市海珠区新港中路397号", district="海珠区"),
        _row(6, "张子豪", "+8613925556666", "广东省广州市海珠区新港中路397号", district="海珠区"),
        # 7: same name as 1 in another dealer: a dealer run never pairs it
        _row(7, "任芳敏", "+8615820417369", dealer=2),
        # 10/11: the salesperson wrote 周先生; the service advisor took the full name
        _row(10, "周先生", "+8613302461357", "广东省广州市荔湾区龙津西路12号", district="荔湾区"),
        _row(11, "周建华", "+8613302461357", "广州市荔湾区龙津西路12号", district="荔湾区"),
        # 8/9: unrelated people
        _row(8, "陈静", "+8613712340000", "广东省广州市越秀区中山五路33号", district="越秀区"),
        _row(9, "刘洋", "+8618612345678", "广东省广州市白云区机场路88号", district="白云区"),
    ]
    con = duckdb.connect()
    build_features(con, _table(rows))
    prediction = predict(con, mode="dealer")
    pairs = con.execute(f"SELECT unique_id_l, unique_id_r FROM {prediction.table}").fetchall()
    return {(min(a, b), max(a, b)) for a, b in pairs}


def test_model_finds_the_dirty_duplicates(found: set[tuple[int, int]]) -> None:
    assert (1, 2) in found
    assert (3, 4) in found
    assert (10, 11) in found


def test_model_does_not_pair_family_members_or_strangers(found: set[tuple[int, int]]) -> None:
    assert (5, 6) not in found
    assert not {p for p in found if 8 in p or 9 in p}


def test_dealer_run_stays_inside_the_dealer(found: set[tuple[int, int]]) -> None:
    assert not {p for p in found if 7 in p}


@pytest.mark.parametrize(
    "name", ["张伟", "欧阳明", "王小明", "司马光明", "王先生", "李", "啊啊啊", "广州车队", "客户1"]
)
def test_the_short_way_for_plain_names_gives_the_full_parse(name: str) -> None:
    fast = _plain_name_columns(name)
    assert fast is None or fast == name_columns(name)
    if fast is None:
        assert not name_columns(name)[3]  # only plain names take the short way
