"""Unit tests for autocrm.rules.address (pure functions, no database)."""

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from autocrm.rules.address import Address, parse_address, validate_address_complete

FUZZ = hypothesis_settings(max_examples=300, database=None, deadline=None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "北京市朝阳区建国路88号",
            Address("北京市", "北京市", "朝阳区", "建国路", "88号", ""),
        ),
        (
            "北京朝阳区建国路88",  # municipality without 市, bare number
            Address("北京市", "北京市", "朝阳区", "建国路", "88", ""),
        ),
        (
            "广东省深圳市南山区科技园科苑路15号",
            Address("广东省", "深圳市", "南山区", "科技园科苑路", "15号", ""),
        ),
        (
            "上海市浦东新区",
            Address("上海市", "上海市", "浦东新区", "", "", ""),
        ),
        (
            "江苏省苏州市昆山市前进中路123号1栋",
            Address("江苏省", "苏州市", "昆山市", "前进中路", "123号", "1栋"),
        ),
        (
            "浙江杭州西湖区文三路",
            Address("浙江省", "杭州市", "西湖区", "文三路", "", ""),
        ),
        (
            "内蒙古自治区呼和浩特市新城区新华大街1号",
            Address("内蒙古自治区", "呼和浩特市", "新城区", "新华大街", "1号", ""),
        ),
        (
            "广西南宁市青秀区民族大道100号",
            Address("广西壮族自治区", "南宁市", "青秀区", "民族大道", "100号", ""),
        ),
        (
            "新疆维吾尔自治区乌鲁木齐市天山区解放南路1号",
            Address("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放南路", "1号", ""),
        ),
        (
            "宁夏回族自治区银川市兴庆区解放东街2号",
            Address("宁夏回族自治区", "银川市", "兴庆区", "解放东街", "2号", ""),
        ),
        (
            "西藏拉萨城关区北京中路3号",
            Address("西藏自治区", "拉萨市", "城关区", "北京中路", "3号", ""),
        ),
        (
            "吉林省延边朝鲜族自治州延吉市光明街1号",
            Address("吉林省", "延边朝鲜族自治州", "延吉市", "光明街", "1号", ""),
        ),
        (
            "重庆渝中区解放西路66号",
            Address("重庆市", "重庆市", "渝中区", "解放西路", "66号", ""),
        ),
        (
            "天津市天津市和平区南京路1号",  # repeated municipality
            Address("天津市", "天津市", "和平区", "南京路", "1号", ""),
        ),
        (
            "上海市徐汇区天平路88弄3号",
            Address("上海市", "上海市", "徐汇区", "天平路", "88弄3号", ""),
        ),
        (
            "北京市东城区东四十条胡同3号",
            Address("北京市", "北京市", "东城区", "东四十条胡同", "3号", ""),
        ),
        (
            "北京市海淀区中关村大街甲3号院2号楼301",
            Address("北京市", "北京市", "海淀区", "中关村大街", "甲3号院", "2号楼301"),
        ),
        (
            "广东省广州市天河区华夏路8号楼",
            Address("广东省", "广州市", "天河区", "华夏路", "8号楼", ""),
        ),
        (
            "湖南省长沙市岳麓区麓山南路18栋",
            Address("湖南省", "长沙市", "岳麓区", "麓山南路", "18栋", ""),
        ),
        (
            "四川省成都市武侯区人民南路三段17号",
            Address("四川省", "成都市", "武侯区", "人民南路三段", "17号", ""),
        ),
        (
            "河北省石家庄市长安区中山东路8号1栋2单元301室",
            Address("河北省", "石家庄市", "长安区", "中山东路", "8号", "1栋2单元301室"),
        ),
        (
            "浙江省宁波市鄞州区姜山镇8号",
            Address("浙江省", "宁波市", "鄞州区", "姜山镇", "8号", ""),
        ),
        (
            "山东省青岛市黄岛区经济技术开发区3号",
            Address("山东省", "青岛市", "黄岛区", "经济技术开发区", "3号", ""),
        ),
    ],
)
def test_parse_address(raw, expected):
    assert parse_address(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # spaces, full-width digits, country name and postcode are tolerated
        (
            "中国 518057 广东省 深圳市 南山区 科苑路 １５号 A座 1201",
            Address("广东省", "深圳市", "南山区", "科苑路", "15号", "A座1201"),
        ),
        (
            "广东省，深圳市，南山区，科苑路15号",
            Address("广东省", "深圳市", "南山区", "科苑路", "15号", ""),
        ),
        # province inferred from an unambiguous city
        (
            "深圳南山区科苑路15号",
            Address("广东省", "深圳市", "南山区", "科苑路", "15号", ""),
        ),
        # 吉林市 is a city of 吉林省, not the province followed by 市
        (
            "吉林市船营区北京路1号",
            Address("吉林省", "吉林市", "船营区", "北京路", "1号", ""),
        ),
        # 海南藏族自治州 is in 青海, not 海南省
        (
            "青海省海南藏族自治州共和县恰卜恰镇1号",
            Address("青海省", "海南藏族自治州", "共和县", "恰卜恰镇", "1号", ""),
        ),
        # city and province inferred from a district that is unique
        (
            "江苏省昆山市前进中路123号",
            Address("江苏省", "苏州市", "昆山市", "前进中路", "123号", ""),
        ),
        (
            "昆山市前进中路123号",
            Address("江苏省", "苏州市", "昆山市", "前进中路", "123号", ""),
        ),
        # 朝阳区 exists in Beijing and in Changchun: nothing is inferred
        (
            "朝阳区建国路88号",
            Address("", "", "朝阳区", "建国路", "88号", ""),
        ),
        # cities without districts use the town / subdistrict level
        (
            "广东东莞南城街道鸿福路106号",
            Address("广东省", "东莞市", "南城街道", "鸿福路", "106号", ""),
        ),
        (
            "湖北省仙桃市干河街道仙桃大道1号",
            Address("湖北省", "仙桃市", "干河街道", "仙桃大道", "1号", ""),
        ),
        # 杭州路 is a street, not the city 杭州
        (
            "杭州路1号",
            Address("", "", "", "杭州路", "1号", ""),
        ),
        ("", Address()),
        ("   ", Address()),
        ("no address", Address(rest="no address")),
        # a compound and its building, without district: complete to the house, not above
        ("某某小区5栋", Address(house_number="5栋", compound="某某小区")),
    ],
)
def test_parse_address_edge_cases(raw, expected):
    assert parse_address(raw) == expected


def test_parse_address_suffix_fallback_for_unknown_city_and_district():
    address = parse_address("广东省火星市月亮区银河路9号")
    assert address == Address("广东省", "火星市", "月亮区", "银河路", "9号", "")


def test_parse_address_province_short_and_full_forms_agree():
    for raw in ("广东省广州市天河区体育西路1号", "广东广州天河区体育西路1号"):
        address = parse_address(raw)
        assert (address.province, address.city, address.district) == ("广东省", "广州市", "天河区")


def test_missing_parts_and_full():
    address = parse_address("上海市浦东新区")
    assert address.missing_parts() == ["street", "house_number"]
    assert address.full == "上海市浦东新区"
    assert Address().missing_parts() == ["province", "city", "district", "street", "house_number"]
    complete = Address("广东省", "深圳市", "南山区", "科苑路", "15号", "A座")
    assert complete.missing_parts() == []
    assert complete.full == "广东省深圳市南山区科苑路15号A座"
    assert parse_address("北京市朝阳区建国路88号").full == "北京市朝阳区建国路88号"


def test_address_is_frozen():
    address = Address("北京市")
    with pytest.raises(dataclasses.FrozenInstanceError):
        address.province = "上海市"


@pytest.mark.parametrize(
    "raw",
    [
        "北京市朝阳区建国路88号",
        "广东省深圳市南山区科技园科苑路15号",
        "江苏省苏州市昆山市前进中路123号1栋",
        "内蒙古自治区呼和浩特市新城区新华大街1号",
    ],
)
def test_validate_address_complete_accepts(raw):
    assert validate_address_complete(raw) == parse_address(raw)


@pytest.mark.parametrize(
    ("raw", "missing"),
    [
        ("上海市浦东新区", ["street", "house_number"]),
        ("浙江杭州西湖区文三路", ["house_number"]),
        ("朝阳区建国路88号", ["province", "city"]),
        ("广东省深圳市科苑路15号", ["district"]),
        ("", ["province", "city", "district", "street", "house_number"]),
    ],
)
def test_validate_address_complete_rejects(raw, missing):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        validate_address_complete(raw)
    assert excinfo.value.code == "address_incomplete"
    assert excinfo.value.params["missing_parts"] == missing
    assert excinfo.value.params["missing"] == ", ".join(m.replace("_", " ") for m in missing)


def test_validate_address_complete_message_names_missing_parts():
    with translation.override("en"):
        with pytest.raises(ValidationError) as excinfo:
            validate_address_complete("上海市浦东新区")
        assert excinfo.value.messages == [
            "The address is incomplete; it is missing: street, house number."
        ]


ADDRESS_FRAGMENTS = st.sampled_from(
    [
        "北京",
        "北京市",
        "广东",
        "广东省",
        "内蒙古自治区",
        "吉林",
        "海南",
        "深圳",
        "深圳市",
        "杭州",
        "南山区",
        "昆山市",
        "朝阳区",
        "市辖区",
        "路",
        "大道",
        "北段",
        "街道",
        "镇",
        "开发区",
        "88",
        "号",
        "弄",
        "栋",
        "甲",
        "-",
        " ",
        "，",
        "１",
        "中国",
        "518057",
        "州",
        "市",
        "区",
    ]
)


@FUZZ
@given(st.text() | st.lists(ADDRESS_FRAGMENTS, max_size=12).map("".join))
def test_parse_address_never_crashes(raw):
    address = parse_address(raw)
    assert isinstance(address, Address)
    assert all(isinstance(getattr(address, f.name), str) for f in dataclasses.fields(address))
    assert isinstance(address.full, str)
    try:
        assert validate_address_complete(raw) == address
    except ValidationError as exc:
        assert exc.code == "address_incomplete"
        assert exc.params["missing_parts"] == address.missing_parts()
