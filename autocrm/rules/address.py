"""Heuristic parsing of mainland Chinese postal addresses, a completeness check and a key
for duplicate detection.

A Chinese address is written from the largest unit to the smallest::

    广东省 深圳市 南山区 科苑路 15号 1栋2单元301室
    province city   district street number rest

    广东省 深圳市 南山区 香山小区 7栋 1单元1504
    province city   district compound building rest

``parse_address`` splits free text into those parts. Every division name comes from
python-stdnum's GB/T 2260 data with its history (``autocrm.rules.regions``), so a name in use
before a renaming (宝安县, 番禺市, 襄樊市, 崇文区) is recognised and returned as the division
of today (宝安区, 广州市番禺区, 襄阳市, 东城区); names the data does not know fall back to
suffix rules (市/州/盟/地区, 区/县/旗/市). Roads, numbers, compounds and buildings are
recognised by suffix rules.

The parser never raises: unknown text ends up in ``street`` or ``rest``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from autocrm.rules.regions import (
    MUNICIPALITY_CODES,
    PROVINCE_ALIASES,
    PROVINCE_NAMES,
    Area,
    city_short_name,
    current_division,
    division_tables,
)
from autocrm.rules.text import clean_text

__all__ = [
    "Address",
    "AddressKey",
    "address_key",
    "parse_address",
    "validate_address_complete",
]


@dataclass(frozen=True)
class Address:
    """A parsed mainland Chinese address; every part is a string, "" when absent.

    ``compound`` is a residential compound (香山小区, 华润城润府3期); without a road its
    building (7栋, 28-1504) is the ``house_number``: the address is complete to the house.
    """

    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    house_number: str = ""
    rest: str = ""
    compound: str = ""

    REQUIRED_PARTS: ClassVar[tuple[str, ...]] = (
        "province",
        "city",
        "district",
        "street",
        "house_number",
    )

    def missing_parts(self) -> list[str]:
        """Names of the empty parts among province, city, district, street and house_number
        (a compound stands for the street)."""
        return [
            part
            for part in self.REQUIRED_PARTS
            if not getattr(self, part) and not (part == "street" and self.compound)
        ]

    @property
    def full(self) -> str:
        """The address written out in the usual order, without separators.

        For the four municipalities the city equals the province and is written once
        (``北京市朝阳区...``, not ``北京市北京市朝阳区...``).
        """
        city = "" if self.city == self.province else self.city
        house: tuple[str, ...] = (self.compound, self.house_number)
        if self.street:
            house = (self.street, self.house_number, self.compound)
        return "".join((self.province, city, self.district, *house, self.rest))


# ---------------------------------------------------------------------------
# Suffix rules
# ---------------------------------------------------------------------------

_CJK = r"\u4e00-\u9fff"
_CN_DIGITS = "零〇一二三四五六七八九十百两"
_STREET_SUFFIX = "大街|大道|胡同|开发区|工业园区|工业园|路|街|道|巷|弄|里|村|镇|乡"
# after the street word: a direction (芳村大道东, 中山大道西) and/or a section (天府大道北段,
# 人民南路三段, 解放路北段)
_SECTION = "[一二三四五六七八九十]?段"
_ROAD_SECTION = f"(?:[东西南北中](?![路街道])(?:{_SECTION})?|{_SECTION})?"
_HOUSE_NUMBER = r"[甲乙丙丁]?\d+(?:[-之]\d+)?(?:弄\d+(?:[-之]\d+)?号|号院|号楼|号|栋|幢|座)?"
_STREET_WITH_NUMBER_RE = re.compile(
    rf"^(?P<street>.+?(?:{_STREET_SUFFIX}){_ROAD_SECTION})(?P<number>{_HOUSE_NUMBER})(?P<rest>.*)$",
    re.S,
)
_STREET_ONLY_RE = re.compile(
    rf"^(?P<street>[^\d]*(?:{_STREET_SUFFIX}){_ROAD_SECTION})(?P<rest>.*)$", re.S
)
_COMPOUND_SUFFIX = "小区|花园|家园|新村|山庄|公馆|大厦|大楼|公寓|广场|苑|园|庭|府|城|村"
#: A building of a compound: 7栋, 7幢, B座, 2号楼, 七栋, 3#, 1单元, 1504室, 28-1504, 3-2-1504.
_BUILDING = (
    rf"(?:(?:[A-Za-z]?\d+|[{_CN_DIGITS}]+|[A-Za-z])(?:栋|幢|座|号楼|#|号|单元|室)"
    r"|\d+(?:-\d+){1,2}(?!\d))"
)
_COMPOUND_RE = re.compile(
    rf"^(?P<compound>[^\d\s]{{1,20}}?(?:{_COMPOUND_SUFFIX})"
    rf"(?:[^\d\s]{{0,6}}?(?:\d+|[{_CN_DIGITS}]+)[期区])?(?:[^\d\s]{{0,4}}?(?:{_COMPOUND_SUFFIX}))?)"
    rf"(?P<building>{_BUILDING})(?P<rest>.*)$",
    re.S,
)
#: A compound named without a suffix (金海湾, 锦绣江南, 星河盛世, 西乡名居) followed by a marked
#: building (9栋, 25座, 19-201): no road word in the name, so 体育西路 never is one.
_NAMED_COMPOUND_RE = re.compile(
    rf"^(?P<compound>(?:(?![路街道巷弄胡号])[{_CJK}]){{2,10}}?)"
    rf"(?P<building>(?:[A-Za-z]?\d+|[{_CN_DIGITS}]+)(?:栋|幢|座|号楼)|\d+-\d+(?!\d))"
    rf"(?P<rest>.*)$",
    re.S,
)
_CITY_SUFFIX_RE = re.compile(
    rf"^(?:(?![路街巷弄号道区县旗镇乡村])[{_CJK}]){{1,8}}?(?:自治州|地区|市|盟|州)(?![市区县旗路街巷弄道号大胡里村\d])"
)
_DISTRICT_SUFFIX_RE = re.compile(
    rf"^(?:(?![路街巷弄号道镇乡村])[{_CJK}]){{1,8}}?(?:自治县|自治旗|新区|区|县|旗|市)(?![区县市旗])"
)
_NOT_A_DISTRICT = (
    "开发区",
    "园区",
    "工业区",
    "小区",
    "社区",
    "校区",
    "厂区",
    "景区",
    "保税区",
)
_TOWN_RE = re.compile(rf"^(?:(?![路街巷弄号])[{_CJK}]){{1,10}}?(?:街道办事处|街道|镇|乡)")
_SHORT_NAME_STOP = frozenset("区县旗路街道巷弄胡里村镇乡大号0123456789")
_SEPARATORS_RE = re.compile(r"^[\s,;、/|]+")
_SPACE_NEAR_CJK_RE = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")
_LEADING_NOISE_RE = re.compile(rf"^(?:中华人民共和国|中国)?\s*(?:\d{{6}}(?=[{_CJK}\s]))?")


def _skip(text: str) -> str:
    # most texts start with no separator: no regular expression for them (`\s` is
    # `str.isspace`)
    if not text or not (text[0].isspace() or text[0] in _SEPARATOR_CHARS):
        return text
    return _SEPARATORS_RE.sub("", text)


_SEPARATOR_CHARS = frozenset(",;、/|")


@dataclass(frozen=True)
class _Index:
    """Areas by full name and by short name, with the name lengths, longest first."""

    full: dict[str, Area]
    full_lengths: tuple[int, ...]
    short: dict[str, Area]
    short_lengths: tuple[int, ...]


def _build_index(areas: Iterable[Area], *, short: bool) -> _Index:
    """The first area (tables are sorted current-first) wins each name."""
    full: dict[str, Area] = {}
    shorts: dict[str, Area] = {}
    for area in areas:
        full.setdefault(area.name, area)
        abbreviation = city_short_name(area.name) if short else area.name
        if abbreviation != area.name:
            shorts.setdefault(abbreviation, area)
    return _Index(
        full,
        tuple(sorted({len(n) for n in full}, reverse=True)),
        shorts,
        tuple(sorted({len(n) for n in shorts}, reverse=True)),
    )


def _match_area(text: str, index: _Index) -> tuple[Area, int] | None:
    """Longest full name (else city short form) of the index that starts ``text``.

    Returns the area and the number of characters matched. A short form only counts when it
    is not directly followed by a street-level word or digit (杭州路 is a street, not 杭州).
    """
    for length in index.full_lengths:
        area = index.full.get(text[:length])
        if area is not None:
            return area, length
    for length in index.short_lengths:
        area = index.short.get(text[:length])
        if area is not None and text[length : length + 1] not in _SHORT_NAME_STOP:
            return area, length
    return None


def _take_province(text: str) -> tuple[str, str]:
    """Return (province code, remaining text); code "" when no province name starts ``text``.

    The longest alias that starts ``text`` (the first of `PROVINCE_ALIASES`, longest first),
    found by looking its prefixes up rather than by trying each of the 71 aliases."""
    size = len(text)
    for length in _ALIAS_LENGTHS:
        found = _ALIASES.get(text[:length]) if length <= size else None
        if found is None:
            continue
        code, bare = found
        if bare and _longer_area_name(text, length):
            # 吉林市..., 海南藏族自治州...: a city that starts with a province's short name
            return "", text
        return code, text[length:]
    return "", text


_ALIASES = {alias: (code, bare) for alias, code, bare in PROVINCE_ALIASES}
_ALIAS_LENGTHS = tuple(sorted({len(alias) for alias in _ALIASES}, reverse=True))


def _longer_area_name(text: str, length: int) -> bool:
    """A city or district name longer than ``length`` starts ``text``."""
    for index in (_city_index(""), _district_index("")):
        if any(n > length and text[:n] in index.full for n in index.full_lengths):
            return True
    return False


@functools.cache
def _city_index(province_code: str) -> _Index:
    """Cities (current and former names) of a province ("" = the whole country)."""
    return _build_index(
        (a for a in division_tables().cities if a.province_code.startswith(province_code)),
        short=True,
    )


@functools.cache
def _district_index(province_code: str) -> _Index:
    """Districts (current names first, then former ones) of a province ("" = the country)."""
    return _build_index(
        (a for a in division_tables().districts if a.province_code.startswith(province_code)),
        short=False,
    )


@functools.cache
def _districts_of(city_code: str) -> _Index:
    return _build_index(
        (a for a in division_tables().districts if a.parent == city_code), short=False
    )


@functools.cache
def _districts_named(name: str) -> tuple[Area, ...]:
    """Every district having had ``name``: current names only when it is one today."""
    areas = [a for a in division_tables().districts if a.name == name]
    current = [a for a in areas if a.current]
    return tuple(current or areas)


def _province_code_of(name: str) -> str:
    code, rest = _take_province(clean_text(name))
    return code if not rest else ""


def _today(area: Area) -> tuple[str, str, str, str]:
    """(province code, province, city, district) of today for a city or district area; the
    names as written when the data cannot follow the area to a code of today."""
    if not area.now:
        return area.province_code, PROVINCE_NAMES.get(area.province_code, ""), "", area.name
    province, city, district = current_division(area.now.ljust(6, "0"))
    return area.now[:2], province, city, district


@functools.lru_cache(maxsize=200_000)
def parse_address(value: str, *, near_province: str = "") -> Address:
    """Split a mainland Chinese address into its parts.

    Rules (heuristic; the input is first passed through ``clean_text`` and spaces next to
    Chinese characters are removed, a leading 中国 / 中华人民共和国 and 6-digit postcode dropped):

    * province: one of the 34 province-level names, with or without its suffix
      (广东省 / 广东, 内蒙古自治区 / 内蒙古, 广西壮族自治区 / 广西 ...); always returned in its
      official form. For the municipalities 北京, 上海, 天津, 重庆 (with or without 市) the
      city is the municipality too (province = city = "北京市");
    * city: a prefecture-level name of GB/T 2260, written in full (深圳市, 延边朝鲜族自治州)
      or short (杭州, 延边), or a county-level city administered directly by its province
      (湖北省仙桃市); otherwise any name ending in 市/州/盟/地区;
    * district: a county-level name of that city (南山区, 昆山市 within 苏州市, 浦东新区);
      otherwise any name ending in 区/县/旗/市. Cities without districts (东莞市, 中山市,
      仙桃市 ...) use the town or subdistrict (镇/乡/街道) at that level;
    * former names (宝安县, 番禺市, 襄樊市, 思茅市, 崇文区) are recognised and the division
      of today is returned (宝安区, 广州市番禺区, 襄阳市, 普洱市, 东城区);
    * missing levels are filled only when unambiguous: the province from the city (深圳市 ->
      广东省) and city + province from a district name that occurs once in the province, or
      once nationwide when no province was written (昆山市 -> 江苏省苏州市). ``near_province``
      (the dealer's province) settles a name found in several provinces when exactly one of
      them is in it: 南山区 is in 深圳 and in 鹤岗, so 南山区桃园路1号 is 广东省深圳市南山区
      near 广东省 and stays without city otherwise; 朝阳区 (北京, 长春) near 广东省 stays too;
    * street: the text up to a street word 路/街/大街/道/大道/巷/弄/胡同/里/村/镇/乡 or
      开发区/工业园(区), with a direction or section after it (芳村大道东, 解放路北段, 人民南路
      三段), directly followed by a house number: ``\\d+号``, ``\\d+弄\\d+号``, ``\\d+号院``,
      ``8号楼``, ``18栋``, ``甲3号``, ``88-1号`` or a bare number (建国路88); without a
      number the street is the text up to the last street word;
    * compound: without a road and number, a residential compound (…小区/花园/苑/园/大厦/
      公寓/广场/城/村, with a phase: 华润城润府3期) followed by its building (7栋, 7幢, B座,
      2号楼, 3单元, 1504室, 28-1504) is complete to the house: the building is the house
      number. After a road and number the compound is taken from the rest;
    * rest: whatever follows (unit, room: 1单元1504).

    Source: GB/T 2260 administrative division codes (via python-stdnum ``cn/loc``);
    common Chinese address-writing conventions. Never raises.
    """
    text = clean_text(value)
    if " " in text:  # the only whitespace `clean_text` leaves
        text = _SPACE_NEAR_CJK_RE.sub("", text)
    text = _skip(_LEADING_NOISE_RE.sub("", text, count=1))
    regions = division_tables()

    province_code, text = _take_province(text)
    text = _skip(text)
    province = PROVINCE_NAMES.get(province_code, "")
    city = district = ""
    city_code = ""
    if province_code in MUNICIPALITY_CODES:
        city = province
        city_code = province_code
        for repeated in (city, city[:-1], "市辖区"):
            text = _skip(text.removeprefix(repeated))
    elif text:
        match = _match_area(text, _city_index(province_code))
        if match:
            area, length = match
            text = text[length:]
            city_code = area.code
            if area.now and len(area.now) == 6 and area.now[4:] != "00":
                # a former prefecture that is a county-level city today (巢湖市, 2011)
                province_code, province, city, district = _today(area)
                city_code = area.code
            elif area.now:
                province_code, province, city, _none = _today(area)
            else:
                city = area.name
            if not province_code:
                provinces = {a.province_code for a in regions.cities if a.name == area.name}
                if len(provinces) == 1:
                    province_code = provinces.pop()
                    province = PROVINCE_NAMES.get(province_code, "")
        else:
            match = _match_area(text, _district_index(province_code))
            if match:
                area, length = match
                found = _resolve_district(area.name, province_code, near_province)
                if found is not None:
                    province_code, province, city, district = _today(found)
                    text = text[length:]
            if not city and not district:
                suffix_match = _CITY_SUFFIX_RE.match(text)
                if suffix_match:
                    city, text = suffix_match.group(), text[suffix_match.end() :]
    text = _skip(text)

    if text and (not district or city_code):
        text = _skip(text.removeprefix("市辖区"))
        if city_code:
            match = _match_area(text, _districts_of(city_code))
            if match:
                text = text[match[1] :]
                if match[0].now:
                    _code, province, city, district = _today(match[0])
                else:
                    district = match[0].name
            elif city_code not in regions.cities_with_districts and not district:
                town = _TOWN_RE.match(text)
                if town:
                    district, text = town.group(), text[town.end() :]
        if not district:
            suffix_match = _DISTRICT_SUFFIX_RE.match(text)
            if suffix_match and not suffix_match.group().endswith(_NOT_A_DISTRICT):
                district, text = suffix_match.group(), text[suffix_match.end() :]
    text = _skip(text)

    street = house_number = compound = ""
    with_number = _STREET_WITH_NUMBER_RE.match(text)
    if with_number:
        street, house_number, text = with_number.group("street", "number", "rest")
        in_rest = _COMPOUND_RE.match(_skip(text))
        if in_rest:
            compound = in_rest["compound"]
            text = _skip(text)[len(compound) :]
    else:
        in_compound = _COMPOUND_RE.match(text) or _NAMED_COMPOUND_RE.match(text)
        if in_compound:
            compound, house_number, text = in_compound.group("compound", "building", "rest")
        else:
            street_only = _STREET_ONLY_RE.match(text)
            if street_only:
                street, text = street_only.group("street", "rest")
    return Address(
        province=province,
        city=city,
        district=district,
        street=street,
        house_number=house_number,
        rest=_skip(text).strip(),
        compound=compound,
    )


def _resolve_district(name: str, province_code: str, near_province: str) -> Area | None:
    """The one district named ``name`` (in the province, if one was written), else the one
    of them in ``near_province``; None when the name stays ambiguous."""
    areas = [a for a in _districts_named(name) if a.province_code.startswith(province_code)]
    by_city = {(a.now or a.code)[:4]: a for a in areas}
    if len(by_city) == 1:
        return areas[0]
    near = _province_code_of(near_province) if near_province else ""
    if near and not province_code:
        near_areas = {k: a for k, a in by_city.items() if k[:2] == near}
        if len(near_areas) == 1:
            return next(iter(near_areas.values()))
    return None


_PART_LABELS = {
    "province": _("province"),
    "city": _("city"),
    "district": _("district"),
    "street": _("street"),
    "house_number": _("house number"),
}


def _list_separator() -> str:
    """Chinese lists take the enumeration comma 、; English a comma and a space."""
    return "、" if (get_language() or "").startswith("zh") else ", "


def validate_address_complete(value: str, *, near_province: str = "") -> Address:
    """Parse an address and require every part down to the house number.

    Rule: the customer's "address (down to the house number)" must be correct, so province,
    city, district, street and house number must all be present (a compound and its
    building stand for the street and number); unit/room (``rest``) is optional.
    ``near_province`` is the dealer's province (see ``parse_address``).
    Raises ValidationError(code="address_incomplete") whose params hold ``missing``
    (English labels joined with ", " for the message) and ``missing_parts`` (the field names).
    Source: project data-quality rules (completeness of the customer address).
    """
    address = parse_address(value, near_province=near_province)
    missing = address.missing_parts()
    if missing:
        raise ValidationError(
            _("The address is incomplete; it is missing: %(missing)s."),
            code="address_incomplete",
            params={
                "missing": _list_separator().join(str(_PART_LABELS[p]) for p in missing),
                "missing_parts": missing,
            },
        )
    return address


# ---------------------------------------------------------------------------
# A key for duplicate detection
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AddressKey:
    """An address reduced to what two spellings of one home share, level by level.

    Compare field by field for partial agreement: same ``district``; same
    ``road_or_compound``; same ``building``; same ``unit``; same ``room``. A field is ""
    when the address does not say it (two "" are no agreement). ``city`` (today's name, ""
    if unknown) tells 北京市朝阳区 from 长春市朝阳区 when both addresses have it.
    """

    district: str = ""  # today's name: 宝安县 and 宝安区 are both 宝安区
    road_or_compound: str = ""  # 香山小区, else the road and its number: 科苑路15号
    building: str = ""  # 7 for 7栋 / 7幢 / 7座 / 7号楼 / 七栋 / 7#, 28 for 28-1504, B for B座
    unit: str = ""  # 1 for 1单元 / 一单元, 2 for 3-2-1504
    room: str = ""  # 1504 for 1504 / 1504室 / 1504房 / 28-1504
    city: str = ""


_CN_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_KEY_SPACES_RE = re.compile(r"[\s,，、.。·]+")
_ROAD_NUMBER_RE = re.compile(r"号院$|号楼$")
_BUILDING_RE = re.compile(
    rf"^(?P<building>[A-Za-z]?\d+|[{_CN_DIGITS}]+|[A-Za-z])(?:栋|幢|座|号楼|#|号)"
)
_UNIT_RE = re.compile(rf"^(?P<unit>\d+|[{_CN_DIGITS}]+)(?:单元|门)")
_ROOM_RE = re.compile(r"^(?P<room>[A-Za-z]?\d+)(?:室|房|号)?$")
_DASHED_RE = re.compile(r"^(?P<a>\d+)-(?P<b>\d+)(?:-(?P<c>\d+))?(?:室|房|号)?$")


def _arabic(number: str) -> str:
    """七 -> 7, 十二 -> 12, 二十 -> 20, 一〇二 -> 102; digits and letters unchanged."""
    if not number or number[0] not in _CN_DIGITS:
        return number.upper()
    if "十" in number or "百" in number:
        total = current = 0
        for char in number:
            if char == "百":
                total += (current or 1) * 100
                current = 0
            elif char == "十":
                total += (current or 1) * 10
                current = 0
            else:
                current = _CN_DIGIT_VALUES.get(char, 0)
        return str(total + current)
    return "".join(str(_CN_DIGIT_VALUES.get(c, 0)) for c in number)


def _house_parts(text: str) -> tuple[str, str, str]:
    """(building, unit, room) of what follows a road number or a compound: 7栋1单元1504室,
    28-1504, 3-2-1504, 2号楼301, B座1201, 1504."""
    text = text.lstrip("-")
    dashed = _DASHED_RE.match(text)
    if dashed:
        if dashed["c"]:
            return dashed["a"], dashed["b"], dashed["c"]
        return dashed["a"], "", dashed["b"]
    building = unit = room = ""
    match = _BUILDING_RE.match(text)
    if match:
        building, text = _arabic(match["building"]), text[match.end() :].lstrip("-")
    match = _UNIT_RE.match(text)
    if match:
        unit, text = _arabic(match["unit"]), text[match.end() :].lstrip("-")
    match = _ROOM_RE.match(text)
    if match:
        room = match["room"].upper()
    return building, unit, room


@functools.lru_cache(maxsize=200_000)
def address_key(value: str, *, near_province: str = "") -> AddressKey:
    """The duplicate-detection key of an address (see ``AddressKey``).

    Rules, so that the ways people write one home agree: no spaces or punctuation;
    full-width digits are ASCII (NFKC); the district is today's (宝安县 -> 宝安区); the road
    number drops 院 / 楼 (甲3号院 -> 甲3号); a compound wins over the road when both are
    written (people name their home by its compound); 7栋 / 7幢 / 7座 / 7号楼 / 7# / 七栋 are
    building 7; 28-1504 is building 28, room 1504; 3-2-1504 is building 3, unit 2, room 1504;
    一单元 is unit 1; 1504室 / 1504房 are room 1504. Used by duplicate detection to grade
    agreement: same district, same road or compound, same building, same unit, same room.
    Source: common Chinese address-writing conventions. Never raises.
    """
    text = _KEY_SPACES_RE.sub("", clean_text(value))
    address = parse_address(text, near_province=near_province)
    house = address.house_number
    if address.compound:
        road_or_compound = address.compound
        after = house + address.rest if not address.street else address.rest
    else:
        number = _ROAD_NUMBER_RE.sub("号", house)
        if number[-1:].isdigit():
            number += "号"  # 建国路88
        if number.endswith("号"):
            road_or_compound, after = address.street + number, address.rest
        else:  # 麓山南路18栋: a building on the road
            road_or_compound, after = address.street, house + address.rest
    building, unit, room = _house_parts(after)
    return AddressKey(
        district=address.district,
        road_or_compound=road_or_compound,
        building=building,
        unit=unit,
        room=room,
        city=address.city,
    )
