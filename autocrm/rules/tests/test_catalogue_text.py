"""Free-text brands and models matched to the catalogue (rules.catalogue_text), on a small
catalogue given as plain data, with values as they come from old systems and typing."""

from __future__ import annotations

import pytest

from autocrm.rules.catalogue_text import (
    AliasName,
    BrandNames,
    CatalogueMatcher,
    SeriesNames,
    normalize_catalogue_text,
)

TOYOTA, VW, BYD, HONDA, LI, MAZDA = 1, 2, 3, 4, 5, 6
BRANDS = [
    BrandNames(TOYOTA, ("丰田", "Toyota", "广汽丰田", "一汽丰田")),
    BrandNames(VW, ("大众", "Volkswagen", "上汽大众", "一汽-大众", "VW")),
    BrandNames(BYD, ("比亚迪", "BYD")),
    BrandNames(HONDA, ("本田", "Honda", "广汽本田", "东风本田")),
    BrandNames(LI, ("理想", "Li Auto")),
    BrandNames(MAZDA, ("马自达", "Mazda", "长安马自达")),
]
SERIES = {
    "凯美瑞": SeriesNames(10, TOYOTA, ("凯美瑞",)),
    "雷凌": SeriesNames(11, TOYOTA, ("雷凌",)),
    "汉兰达": SeriesNames(12, TOYOTA, ("汉兰达",)),
    "途观": SeriesNames(20, VW, ("途观",)),
    "途观L": SeriesNames(21, VW, ("途观L",)),
    "ID.4 X": SeriesNames(22, VW, ("ID.4 X",)),
    "朗逸": SeriesNames(23, VW, ("朗逸",)),
    "汉": SeriesNames(30, BYD, ("汉",)),
    "秦PLUS": SeriesNames(31, BYD, ("秦PLUS",)),
    "CR-V": SeriesNames(40, HONDA, ("CR-V",)),
    "雅阁": SeriesNames(41, HONDA, ("雅阁",)),
    "L6": SeriesNames(50, LI, ("L6",)),
    "昂克赛拉": SeriesNames(60, MAZDA, ("昂克赛拉",)),
}
ALIASES = [
    AliasName("CAMRY", TOYOTA, 10),
    AliasName("秦+", BYD, 31),
    AliasName("马自达3", MAZDA, 60),
]


@pytest.fixture(scope="module")
def matcher() -> CatalogueMatcher:
    return CatalogueMatcher(BRANDS, SERIES.values(), ALIASES)


def series(name: str) -> int:
    return SERIES[name].id


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("ＣＲ－Ｖ", "CRV"),  # full-width letters and hyphen
        ("cr-v", "CRV"),
        ("  广汽丰田　凯美瑞 ", "广汽丰田凯美瑞"),  # ideographic space
        ("凱美瑞", "凯美瑞"),  # traditional
        ("ID.4 X", "ID4X"),
        ("丰田/凯美瑞", "丰田凯美瑞"),
        ("秦+ DM-i", "秦+DMI"),
        ("途观L\u200b", "途观L"),  # a zero-width space pasted from WeChat
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(raw: str | None, normalized: str) -> None:
    assert normalize_catalogue_text(raw) == normalized


@pytest.mark.parametrize(
    ("brand", "model", "expected"),
    [
        # exact, within the brand
        ("丰田", "凯美瑞", "凯美瑞"),
        ("大众", "朗逸", "朗逸"),
        # the maker's name, the brand in the model text, separators, traditional characters
        ("广汽丰田", "凯美瑞", "凯美瑞"),
        ("", "广汽丰田 凯美瑞", "凯美瑞"),
        ("", "丰田/凯美瑞", "凯美瑞"),
        ("丰田", "凱美瑞", "凯美瑞"),
        ("一汽-大众", "朗逸", "朗逸"),
        ("丰田汽车", "雷凌", "雷凌"),  # the brand name as the start of the brand text
        ("丰田凯美瑞", "", "凯美瑞"),  # everything typed in the brand field
        ("凯美瑞", "", "凯美瑞"),  # the model typed in the brand field
        # the series name as the start of the model text; the longest wins
        ("丰田", "凯美瑞2.0G豪华", "凯美瑞"),
        ("", "雷凌双擎", "雷凌"),
        ("大众", "途观L 330TSI", "途观L"),
        ("", "途观L 330TSI", "途观L"),
        ("大众", "途观 1.8T", "途观"),
        ("", "汉兰达 2.5双擎", "汉兰达"),
        ("", "汉EV", "汉"),
        ("", "CRV", "CR-V"),
        ("本田", "ＣＲ－Ｖ 240TURBO", "CR-V"),
        ("", "ID4X", "ID.4 X"),
        ("VW", "id.4 x 纯净智享", "ID.4 X"),
        # a model year or 全新 before the model
        ("", "2022款凯美瑞 2.5Q", "凯美瑞"),
        ("丰田", "全新凯美瑞", "凯美瑞"),
        # aliases
        ("", "Camry", "凯美瑞"),
        ("toyota", "camry 2.5", "凯美瑞"),
        ("比亚迪", "秦+ DM-i", "秦PLUS"),
        ("", "马自达3 昂克赛拉", "昂克赛拉"),  # an alias as long as the brand name wins
        # no brand: a series name that one brand only has
        ("", "L6 Max", "L6"),
    ],
)
def test_matches(matcher: CatalogueMatcher, brand: str, model: str, expected: str) -> None:
    assert matcher.match(brand, model) == series(expected)


@pytest.mark.parametrize(
    ("brand", "model"),
    [
        ("", ""),
        ("丰田", ""),  # a brand alone names no series
        ("", "丰田"),
        ("比亚迪", "汉兰达"),  # the text names another brand's car: not BYD's 汉
        ("丰田", "朗逸"),  # brand given, the series is another brand's
        ("丰田", "本田雅阁"),  # the brand text and the model text name different brands
        ("智己", "L6"),  # a brand the catalogue lacks is not 理想
        ("广汽", "凯美瑞"),  # an unknown brand text: only a manager's alias tells
        ("", "L60"),  # L6 is not the start of L60
        ("", "汉腾X7"),  # 汉腾 is a brand, not BYD's 汉
        ("", "凯美锐"),  # a typo
        ("", "小凯"),
        ("大众", "途"),  # shorter than any name
    ],
)
def test_no_match(matcher: CatalogueMatcher, brand: str, model: str) -> None:
    assert matcher.match(brand, model) is None


def test_a_name_two_brands_share_needs_the_brand() -> None:
    matcher = CatalogueMatcher(
        BRANDS, [SeriesNames(70, TOYOTA, ("威驰",)), SeriesNames(71, HONDA, ("威驰",))]
    )
    assert matcher.match("", "威驰") is None
    assert matcher.match("丰田", "威驰") == 70
    assert matcher.match("", "东风本田 威驰") == 71


def test_an_alias_key_matches_its_series_once_written(matcher: CatalogueMatcher) -> None:
    """What a manager maps becomes an alias under the brand the text named (None for an
    unknown one); the pair then matches, and so do the same words typed otherwise."""
    cases = [
        (("", "小凯"), (None, "小凯"), "凯美瑞"),
        (("丰田", "小凯 2.0"), (TOYOTA, "小凯20"), "凯美瑞"),
        (("广汽", "凯美瑞"), (None, "广汽凯美瑞"), "凯美瑞"),
        (("丰田", "朗逸"), (TOYOTA, "朗逸"), "朗逸"),  # the manager's word against the rules
        (("丰田", "本田雅阁"), (TOYOTA, "本田雅阁"), "雅阁"),
    ]
    for (brand, model), key, name in cases:
        assert matcher.alias_key(brand, model) == key
        assert matcher.match(brand, model) is None
        mapped = CatalogueMatcher(
            BRANDS, SERIES.values(), [*ALIASES, AliasName(key[1], key[0], series(name))]
        )
        assert mapped.match(brand, model) == series(name), (brand, model)
    assert matcher.alias_key("丰田", "") == (TOYOTA, "")  # nothing to map


def test_a_brand_less_alias_is_a_name_for_longer_text() -> None:
    mapped = CatalogueMatcher(BRANDS, SERIES.values(), [AliasName("小凯", None, 10)])
    assert mapped.match("", "小凯 2.0G") == 10
    assert mapped.match("丰田", "小凯") == 10
    assert mapped.match("本田", "小凯") is None  # said under another brand: not the alias


def test_aliases_of_rows_not_in_the_catalogue_are_ignored() -> None:
    matcher = CatalogueMatcher(BRANDS, SERIES.values(), [AliasName("X", None, 999)])
    assert matcher.match("", "X") is None
