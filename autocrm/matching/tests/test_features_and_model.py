"""Name features and the Splink model on hand-made records (no database)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from autocrm.matching.features import (
    RAW_COLUMNS,
    _mobile_ok,
    build_features,
    name_features,
    split_name,
)
from autocrm.matching.model import predict

ADDRESS = "广东省广州市天河区天河路385号"


def test_compound_surname_is_split() -> None:
    assert split_name("欧阳明") == ("欧阳", "明")
    assert split_name("王小明") == ("王", "小明")
    assert split_name("GAC Motor") == ("", "")


def test_homophones_share_pinyin_and_key() -> None:
    # 任芳敏 / 任方敏: the service advisor typed a homophone of the given name
    assert name_features("任芳敏")[1:3] == name_features("任方敏")[1:3]


def test_swapped_given_name_shares_the_key_not_the_pinyin() -> None:
    a, b = name_features("王小明"), name_features("王明小")
    assert a[2] == b[2] and a[1] != b[1]


def test_different_surname_differs() -> None:
    assert name_features("王小明")[2] != name_features("黄小明")[2]


def test_placeholder_name_keeps_only_the_surname() -> None:
    surname, full, key, surname_py = name_features("王先生")
    assert (surname, full, key) == ("王", None, None) and surname_py == "wang"


def test_made_up_mobiles_are_not_evidence() -> None:
    assert _mobile_ok("+8613800138000") is None  # the textbook fake number
    assert _mobile_ok("+8615820417369") == "15820417369"
    assert _mobile_ok("") is None


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
