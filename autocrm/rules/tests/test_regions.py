"""Administrative divisions from python-stdnum's cn/loc data: the province table, the code of
today of a renamed, merged or moved division, and the ID card's province of today."""

import dataclasses
from datetime import date

import pytest

from autocrm.rules.id_numbers import id_check_digit, validate_id_number
from autocrm.rules.regions import (
    MUNICIPALITY_CODES,
    PROVINCE_ALIASES,
    PROVINCE_CODES,
    PROVINCE_NAMES,
    current_code,
    current_division,
    id_region_province,
    lookup_region,
)
from autocrm.rules.scoring import check_address
from autocrm.rules.tests.test_scoring import PERFECT


def _id(region: str, birth: str = "19900101", seq: str = "123") -> str:
    body = region + birth + seq
    return body + id_check_digit(body)


def test_province_table_comes_from_the_data():
    assert len(PROVINCE_NAMES) == 34
    assert PROVINCE_NAMES["44"] == "广东省"
    assert PROVINCE_NAMES["45"] == "广西壮族自治区"
    assert PROVINCE_NAMES["81"] == "香港特别行政区"  # simplified, as people write it
    assert PROVINCE_NAMES["82"] == "澳门特别行政区"
    assert sorted(MUNICIPALITY_CODES) == ["11", "12", "31", "50"]
    assert len(PROVINCE_CODES) == 31 and "71" not in PROVINCE_CODES and "81" not in PROVINCE_CODES
    aliases = {alias: code for alias, code, _bare in PROVINCE_ALIASES}
    for alias, code in [
        ("广西", "45"),
        ("新疆", "65"),
        ("宁夏", "64"),
        ("内蒙古", "15"),
        ("西藏", "54"),
        ("香港", "81"),
        ("北京", "11"),
        ("广东省", "44"),
    ]:
        assert aliases[alias] == code  # fmt: skip


@pytest.mark.parametrize(
    ("code", "today", "names"),
    [
        ("440305", "440305", ("广东省", "深圳市", "南山区")),  # in use
        ("440321", "440306", ("广东省", "深圳市", "宝安区")),  # 宝安县, until 1992
        ("440181", "440113", ("广东省", "广州市", "番禺区")),  # 番禺市, 1992-2000
        ("440126", "440113", ("广东省", "广州市", "番禺区")),  # 番禺县, until 1992
        ("420602", "420602", ("湖北省", "襄阳市", "襄城区")),  # 襄樊市 renamed 2010
        ("532701", "530802", ("云南省", "普洱市", "思茅区")),  # 思茅地区思茅市
        ("341402", "340181", ("安徽省", "合肥市", "巢湖市")),  # 巢湖市居巢区, until 2011
        ("110103", "110101", ("北京市", "北京市", "东城区")),  # 崇文区, merged 2010
        ("120107", "120116", ("天津市", "天津市", "滨海新区")),  # 塘沽区, merged 2009
        ("510202", "500103", ("重庆市", "重庆市", "渝中区")),  # 四川省重庆市, until 1997
        ("440311", "440311", ("广东省", "深圳市", "光明区")),  # 2018
        ("653228", "653228", ("新疆维吾尔自治区", "和田地区", "和康县")),  # 2024
        ("429004", "429004", ("湖北省", "仙桃市", "")),  # county-level city of the province
    ],
)
def test_current_code_and_division(code, today, names):
    assert current_code(code) == today
    assert current_division(code) == names


def test_former_prefectures_follow_to_today():
    assert current_code("4206") == "4206"  # 襄樊市 -> 襄阳市, same code
    assert current_division("420600") == ("湖北省", "襄阳市", "")
    assert current_code("5327") == "5308"  # 思茅地区 -> 普洱市 (思茅市 2003-2006)
    assert current_code("5102") == "50"  # 四川省重庆市 -> 重庆市
    assert current_code("4421") == "46"  # 广东省海南行政区 -> 海南省


def test_unknown_codes():
    assert current_code("999999") == ""
    assert current_division("999999") == ("", "", "")
    assert current_division("12") == ("", "", "")


def test_lookup_region_keeps_the_name_of_the_time():
    assert lookup_region("440321", 1985) == "广东省深圳市宝安县"
    assert lookup_region("440321", 1995) is None  # abolished before the birth


def test_id_under_a_former_name_is_valid_and_in_todays_province():
    born_1985_baoan = _id("440321", "19850101")
    assert validate_id_number(born_1985_baoan).region_name == "广东省深圳市宝安县"
    assert id_region_province(born_1985_baoan) == "广东省"
    chongqing_1990 = _id("510202", "19900101")
    assert validate_id_number(chongqing_1990).region_name == "四川省重庆市市中区"
    assert id_region_province(chongqing_1990) == "重庆市"  # 四川省 on the card
    assert id_region_province(_id("440305")) == "广东省"
    assert id_region_province("") == ""
    assert id_region_province("12345") == ""


def test_id_card_copy_rule_compares_todays_province():
    """An ID issued in 四川省重庆市 (1990) and the card's address copied as it is written
    today (重庆市) for a dealer in 成都: the address is the ID card's, not just elsewhere."""
    facts = dataclasses.replace(
        PERFECT,
        address="重庆市渝中区解放西路66号",
        province="重庆市",
        dealer_province="四川省",
        id_region_province=id_region_province(_id("510202", "19900101")),
    )
    issue = check_address(facts)
    assert issue is not None and issue.code == "address_id_card_copy"


def test_scoring_reads_the_district_near_the_dealer():
    nanshan = dataclasses.replace(PERFECT, address="南山区桃园路1号", province="")
    assert check_address(nanshan) is None  # dealer in 广东省: 深圳市南山区
    far = dataclasses.replace(nanshan, dealer_province="北京市")
    issue = check_address(far)
    assert issue is not None and issue.code == "address_incomplete"


def test_scoring_accepts_compound_and_building():
    compound = dataclasses.replace(PERFECT, address="深圳市南山区香山小区7栋", province="")
    assert check_address(compound) is None


def test_birth_date_of_id_helper():
    assert validate_id_number(_id("440305", "19900101")).birth_date == date(1990, 1, 1)
