"""Addresses as people write them (issue #12, part 6): roads with a direction, compounds and
buildings, divisions filled from the district, former division names, and the duplicate key."""

import pytest
from django.core.exceptions import ValidationError

from autocrm.rules.address import (
    Address,
    AddressKey,
    address_key,
    parse_address,
    validate_address_complete,
)


@pytest.mark.parametrize(
    ("raw", "street", "number"),
    [
        ("广东省广州市荔湾区芳村大道东200号", "芳村大道东", "200号"),
        ("广州市越秀区中山大道西89号", "中山大道西", "89号"),
        ("陕西省西安市新城区解放路北段12号", "解放路北段", "12号"),
        ("广州市天河区黄埔大道西100号", "黄埔大道西", "100号"),
        ("四川省成都市武侯区人民南路三段17号", "人民南路三段", "17号"),
        ("成都市金牛区天府大道北段1700号", "天府大道北段", "1700号"),
        ("武汉市江汉区解放大道中688号", "解放大道中", "688号"),
    ],
)
def test_road_with_direction_then_number_is_complete(raw, street, number):
    address = validate_address_complete(raw)
    assert (address.street, address.house_number) == (street, number)


def test_direction_word_that_starts_a_road_is_not_a_suffix():
    # 人民路 东路: 东 followed by 路 is a new road name, not a direction of the first
    address = parse_address("广州市天河区天河东路8号")
    assert (address.street, address.house_number) == ("天河东路", "8号")


@pytest.mark.parametrize(
    ("raw", "compound", "building", "rest"),
    [
        ("深圳市南山区香山小区7栋", "香山小区", "7栋", ""),
        ("广东省深圳市南山区华润城润府3期2栋1单元1504", "华润城润府3期", "2栋", "1单元1504"),
        ("深圳市南山区香山小区28栋1504", "香山小区", "28栋", "1504"),
        ("深圳市南山区香山小区28-1504", "香山小区", "28-1504", ""),
        ("湖南省长沙市岳麓区碧桂园七栋", "碧桂园", "七栋", ""),
        ("广州市天河区锦绣花园B座1201", "锦绣花园", "B座", "1201"),
        ("北京市朝阳区阳光大厦2号楼301", "阳光大厦", "2号楼", "301"),
        ("上海市浦东新区保利公寓3单元502室", "保利公寓", "3单元", "502室"),
        ("深圳市福田区万达广场5幢", "万达广场", "5幢", ""),
        ("长沙市雨花区翠湖苑12栋2单元", "翠湖苑", "12栋", "2单元"),
        ("北京市朝阳区望京西园四区411号楼", "望京西园四区", "411号楼", ""),
    ],
)
def test_compound_and_building_are_complete_without_road(raw, compound, building, rest):
    address = validate_address_complete(raw)
    assert (address.compound, address.house_number, address.rest) == (compound, building, rest)
    assert address.street == ""
    assert address.missing_parts() == []


def test_compound_after_a_road_number_is_taken_from_the_rest():
    address = parse_address("广州市天河区天河路8号金碧花园3栋2单元501")
    assert address == Address(
        "广东省", "广州市", "天河区", "天河路", "8号", "3栋2单元501", compound="金碧花园"
    )
    assert address.full == "广东省广州市天河区天河路8号金碧花园3栋2单元501"


def test_compound_full_writes_compound_before_building():
    assert parse_address("深圳市南山区香山小区7栋").full == "广东省深圳市南山区香山小区7栋"


def test_compound_without_building_is_not_complete():
    with pytest.raises(ValidationError) as excinfo:
        validate_address_complete("深圳市南山区香山小区")
    assert excinfo.value.params["missing_parts"] == ["street", "house_number"]


def test_building_without_compound_or_road_is_not_complete():
    with pytest.raises(ValidationError):
        validate_address_complete("深圳市南山区28栋1504")


def _parts(address: Address, count: int) -> tuple[str, ...]:
    return (address.province, address.city, address.district, address.street,
            address.house_number)[:count]  # fmt: skip


# --- missing province / city filled from the district ---------------------------------------


def test_city_filled_from_unique_district_and_province_from_city():
    assert _parts(parse_address("昆山市前进中路123号"), 3) == ("江苏省", "苏州市", "昆山市")
    assert _parts(parse_address("深圳市南山区桃园路1号"), 3) == ("广东省", "深圳市", "南山区")
    assert _parts(parse_address("广东省南山区桃园路1号"), 3) == ("广东省", "深圳市", "南山区")
    assert _parts(parse_address("宝安区新安六路8号"), 3) == ("广东省", "深圳市", "宝安区")


def test_district_in_two_provinces_is_filled_near_the_dealer_only():
    # 南山区 is in 深圳 (广东) and in 鹤岗 (黑龙江)
    assert _parts(parse_address("南山区桃园路1号"), 3) == ("", "", "南山区")
    near = parse_address("南山区桃园路1号", near_province="广东省")
    assert _parts(near, 5) == ("广东省", "深圳市", "南山区", "桃园路", "1号")
    assert _parts(parse_address("南山区桃园路1号", near_province="广东"), 2) == ("广东省", "深圳市")
    assert validate_address_complete("南山区桃园路1号", near_province="广东省").city == "深圳市"


def test_ambiguous_district_stays_unfilled():
    # 朝阳区: 北京 and 长春; a dealer in 广东 cannot tell which
    for near in ("", "广东省"):
        assert _parts(parse_address("朝阳区建国路88号", near_province=near), 3) == (
            "",
            "",
            "朝阳区",
        )
    assert _parts(parse_address("朝阳区建国路88号", near_province="北京市"), 3) == (
        "北京市",
        "北京市",
        "朝阳区",
    )
    with pytest.raises(ValidationError):
        validate_address_complete("朝阳区建国路88号", near_province="广东省")


def test_written_province_wins_over_near_province():
    assert _parts(parse_address("吉林省长春市朝阳区人民大街1号", near_province="北京市"), 3) == (
        "吉林省",
        "长春市",
        "朝阳区",
    )


# --- former names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "today"),
    [
        ("广东省深圳市宝安县新安镇1号", ("广东省", "深圳市", "宝安区")),
        ("广东省番禺市市桥镇1号", ("广东省", "广州市", "番禺区")),
        ("广东省广州市番禺县市桥镇1号", ("广东省", "广州市", "番禺区")),
        ("湖北省襄樊市樊城区人民路1号", ("湖北省", "襄阳市", "樊城区")),
        ("襄樊市樊城区人民路1号", ("湖北省", "襄阳市", "樊城区")),
        ("云南省思茅市翠云区人民路1号", ("云南省", "普洱市", "思茅区")),
        ("安徽省巢湖市居巢区人民路1号", ("安徽省", "合肥市", "巢湖市")),
        ("北京市崇文区东花市大街5号", ("北京市", "北京市", "东城区")),
        ("北京市宣武区广安门内大街1号", ("北京市", "北京市", "西城区")),
        ("上海市卢湾区淮海中路1号", ("上海市", "上海市", "黄浦区")),
        ("广州市芳村区花地大道1号", ("广东省", "广州市", "荔湾区")),
        ("四川省重庆市渝中区解放西路1号", ("重庆市", "重庆市", "渝中区")),
        ("北京市密云县鼓楼大街1号", ("北京市", "北京市", "密云区")),
    ],
)
def test_former_division_names_parse_as_today(raw, today):
    address = validate_address_complete(raw)
    assert (address.province, address.city, address.district) == today


@pytest.mark.parametrize(
    "raw",
    [
        "广东省深圳市光明区光明大道1号",  # 2018
        "广东省深圳市坪山区坪山大道2号",  # 2016
        "北京市延庆区妫水北街1号",  # 2015, 延庆县 before
        "新疆维吾尔自治区和田地区和康县人民路1号",  # 2024
        "山东省济南市莱芜区鲁中大街1号",  # 2019, 莱芜市 before
    ],
)
def test_recent_divisions_parse(raw):
    assert validate_address_complete(raw).missing_parts() == []


# --- the duplicate-detection key --------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("深圳市南山区香山小区7栋1单元1504室", AddressKey("南山区", "香山小区", "7", "1", "1504")),
        (
            "南山区 香山小区 七栋 一单元 １５０４",
            AddressKey("南山区", "香山小区", "7", "1", "1504"),
        ),
        ("深圳南山区香山小区7幢1单元1504", AddressKey("南山区", "香山小区", "7", "1", "1504")),
        ("深圳市南山区香山小区7座1单元1504房", AddressKey("南山区", "香山小区", "7", "1", "1504")),
        ("深圳市南山区香山小区7号楼1单元1504", AddressKey("南山区", "香山小区", "7", "1", "1504")),
        ("深圳市南山区香山小区7#1单元1504", AddressKey("南山区", "香山小区", "7", "1", "1504")),
        ("深圳市南山区香山小区7-1-1504", AddressKey("南山区", "香山小区", "7", "1", "1504")),
        ("深圳市南山区香山小区28栋1504", AddressKey("南山区", "香山小区", "28", "", "1504")),
        ("深圳市南山区香山小区28-1504", AddressKey("南山区", "香山小区", "28", "", "1504")),
        ("深圳市南山区香山小区28-1504室", AddressKey("南山区", "香山小区", "28", "", "1504")),
        ("深圳市南山区香山小区二十八栋1504", AddressKey("南山区", "香山小区", "28", "", "1504")),
        ("深圳市南山区香山小区十栋", AddressKey("南山区", "香山小区", "10", "", "")),
        ("深圳市南山区香山小区7栋", AddressKey("南山区", "香山小区", "7", "", "")),
        (
            "深圳市南山区华润城润府3期2栋1单元1504",
            AddressKey("南山区", "华润城润府3期", "2", "1", "1504"),
        ),
        (
            "北京市海淀区中关村大街甲3号院2号楼301",
            AddressKey("海淀区", "中关村大街甲3号", "2", "", "301"),
        ),
        (
            "北京市海淀区中关村大街甲3号2号楼301",
            AddressKey("海淀区", "中关村大街甲3号", "2", "", "301"),
        ),
        (
            "北京 海淀区 中关村大街 甲3号 2号楼 301室",
            AddressKey("海淀区", "中关村大街甲3号", "2", "", "301"),
        ),
        ("广东省深圳市南山区科苑路15号", AddressKey("南山区", "科苑路15号", "", "", "")),
        ("深圳市南山区科苑路１５号", AddressKey("南山区", "科苑路15号", "", "", "")),
        ("南山区科苑路15", AddressKey("南山区", "科苑路15号", "", "", "")),
        ("深圳市南山区科苑路15号A座1201", AddressKey("南山区", "科苑路15号", "A", "", "1201")),
        ("深圳市南山区科苑路15号a座1201室", AddressKey("南山区", "科苑路15号", "A", "", "1201")),
        (
            "广州市天河区天河路8号金碧花园3栋2单元501",
            AddressKey("天河区", "金碧花园", "3", "2", "501"),
        ),
        ("广州市天河区金碧花园3栋2单元501", AddressKey("天河区", "金碧花园", "3", "2", "501")),
        ("湖南省长沙市岳麓区麓山南路18栋", AddressKey("岳麓区", "麓山南路", "18", "", "")),
        ("广东省深圳市宝安县新安镇1号", AddressKey("宝安区", "新安镇1号", "", "", "")),
        ("深圳市宝安区新安镇1号", AddressKey("宝安区", "新安镇1号", "", "", "")),
        ("北京市崇文区东花市大街5号", AddressKey("东城区", "东花市大街5号", "", "", "")),
        ("广州市荔湾区芳村大道东200号", AddressKey("荔湾区", "芳村大道东200号", "", "", "")),
        ("长沙市雨花区翠湖苑12栋二单元", AddressKey("雨花区", "翠湖苑", "12", "2", "")),
        ("上海市徐汇区天平路88弄3号", AddressKey("徐汇区", "天平路88弄3号", "", "", "")),
        ("", AddressKey()),
    ],
)
def test_address_key(raw, key):
    got = address_key(raw)
    fields = ("district", "road_or_compound", "building", "unit", "room")
    assert tuple(getattr(got, f) for f in fields) == tuple(getattr(key, f) for f in fields)


def test_address_key_city_tells_same_named_districts_apart():
    beijing = address_key("北京市朝阳区建国路88号")
    changchun = address_key("吉林省长春市朝阳区建国路88号")
    assert beijing.district == changchun.district == "朝阳区"
    assert (beijing.city, changchun.city) == ("北京市", "长春市")
    assert address_key("朝阳区建国路88号").city == ""
    assert address_key("朝阳区建国路88号", near_province="北京市").city == "北京市"


def test_address_key_partial_agreement_levels():
    """Same compound, other building: agreement down to road_or_compound only."""
    a = address_key("深圳市南山区香山小区7栋1单元1504")
    b = address_key("南山区香山小区8栋1单元1504")
    same = [f for f in ("district", "road_or_compound", "building", "unit", "room")
            if getattr(a, f) == getattr(b, f)]  # fmt: skip
    assert same == ["district", "road_or_compound", "unit", "room"]


def test_address_key_never_raises_on_odd_text():
    for raw in ("no address", "-", "123", "小区", "7栋", "28-", "-1504", "香山小区-"):
        assert isinstance(address_key(raw), AddressKey)


@pytest.mark.parametrize(
    ("value", "compound", "building", "room"),
    [
        ("广东省深圳市盐田区金海湾19-201室", "金海湾", "19", "201"),
        ("广东省深圳市宝安区西乡名居22栋606", "西乡名居", "22", "606"),
        ("广东省深圳市龙华区锦绣江南9栋2801房", "锦绣江南", "9", "2801"),
        ("广东省深圳市南山区蔚蓝海岸25座1107房", "蔚蓝海岸", "25", "1107"),
    ],
)
def test_a_compound_named_without_a_suffix_and_a_marked_building_is_complete(
    value: str, compound: str, building: str, room: str
) -> None:
    validate_address_complete(value)
    key = address_key(value)
    assert (key.road_or_compound, key.building, key.room) == (compound, building, room)


def test_a_road_without_a_number_is_still_incomplete() -> None:
    with pytest.raises(ValidationError):
        validate_address_complete("广东省广州市天河区体育西路")
