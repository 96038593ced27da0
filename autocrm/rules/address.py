"""Heuristic parsing of mainland Chinese postal addresses and a completeness check.

A Chinese address is written from the largest unit to the smallest::

    广东省 深圳市 南山区 科苑路 15号 1栋2单元301室
    province city   district street number rest

``parse_address`` splits free text into those parts. Province-level names come from a built-in
table of the 34 province-level divisions; prefecture-level cities and county-level districts
are recognised with the administrative-division names shipped with python-stdnum
(``stdnum/cn/loc.dat``, GB/T 2260 codes with their history), falling back to suffix rules
(市/州/盟/地区, 区/县/旗/市) for names the data does not know. Streets and house numbers are
recognised by suffix rules only.

The parser never raises: unknown text ends up in ``street`` or ``rest``.
"""

from __future__ import annotations

import functools
import re
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
    division_tables,
)
from autocrm.rules.text import clean_text

__all__ = ["Address", "parse_address", "validate_address_complete"]


@dataclass(frozen=True)
class Address:
    """A parsed mainland Chinese address; every part is a string, "" when absent."""

    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    house_number: str = ""
    rest: str = ""

    REQUIRED_PARTS: ClassVar[tuple[str, ...]] = (
        "province",
        "city",
        "district",
        "street",
        "house_number",
    )

    def missing_parts(self) -> list[str]:
        """Names of the empty parts among province, city, district, street and house_number."""
        return [part for part in self.REQUIRED_PARTS if not getattr(self, part)]

    @property
    def full(self) -> str:
        """The address written out in the usual order, without separators.

        For the four municipalities the city equals the province and is written once
        (``北京市朝阳区...``, not ``北京市北京市朝阳区...``).
        """
        city = "" if self.city == self.province else self.city
        parts = (self.province, city, self.district, self.street, self.house_number, self.rest)
        return "".join(parts)


# ---------------------------------------------------------------------------
# Suffix rules
# ---------------------------------------------------------------------------

_CJK = r"\u4e00-\u9fff"
_STREET_SUFFIX = "大街|大道|胡同|开发区|工业园区|工业园|路|街|道|巷|弄|里|村|镇|乡"
# a road section after the street word: 天府大道北段, 人民南路三段
_ROAD_SECTION = "(?:[东西南北中]?[一二三四五六七八九十]?段)?"
_HOUSE_NUMBER = r"[甲乙丙丁]?\d+(?:[-之]\d+)?(?:弄\d+(?:[-之]\d+)?号|号院|号楼|号|栋|幢|座)?"
_STREET_WITH_NUMBER_RE = re.compile(
    rf"^(?P<street>.+?(?:{_STREET_SUFFIX}){_ROAD_SECTION})(?P<number>{_HOUSE_NUMBER})(?P<rest>.*)$",
    re.S,
)
_STREET_ONLY_RE = re.compile(
    rf"^(?P<street>[^\d]*(?:{_STREET_SUFFIX}){_ROAD_SECTION})(?P<rest>.*)$", re.S
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
    return _SEPARATORS_RE.sub("", text)


def _match_area(
    text: str, areas: tuple[Area, ...] | list[Area], *, short: bool
) -> tuple[Area, int] | None:
    """Longest full name (or, if ``short``, city short form) of ``areas`` that starts ``text``.

    Returns the area and the number of characters matched. Among equally long matches the
    earliest area wins (tables are sorted current-first). A short form only counts when it is
    not directly followed by a street-level word or digit (杭州路 is a street, not 杭州).
    """
    best: tuple[Area, int] | None = None
    for area in areas:
        if text.startswith(area.name) and (best is None or len(area.name) > best[1]):
            best = (area, len(area.name))
    if best is not None or not short:
        return best
    for area in areas:
        abbreviation = city_short_name(area.name)
        if (
            abbreviation != area.name
            and text.startswith(abbreviation)
            and text[len(abbreviation) : len(abbreviation) + 1] not in _SHORT_NAME_STOP
            and (best is None or len(abbreviation) > best[1])
        ):
            best = (area, len(abbreviation))
    return best


def _take_province(text: str) -> tuple[str, str]:
    """Return (province code, remaining text); code "" when no province name starts ``text``."""
    regions = division_tables()
    for alias, code, bare in PROVINCE_ALIASES:
        if not text.startswith(alias):
            continue
        if bare and any(
            len(area.name) > len(alias) and text.startswith(area.name)
            for area in (*regions.cities, *regions.districts)
        ):
            # 吉林市..., 海南藏族自治州...: a city that starts with a province's short name
            return "", text
        return code, text[len(alias) :]
    return "", text


@functools.cache
def _cities_in(province_code: str) -> tuple[Area, ...]:
    return tuple(a for a in division_tables().cities if a.province_code == province_code)


@functools.cache
def _current_districts_in(province_code: str) -> tuple[Area, ...]:
    """Current districts of a province ("" = the whole country)."""
    return tuple(
        a
        for a in division_tables().districts
        if a.current and (not province_code or a.province_code == province_code)
    )


@functools.cache
def _districts_of(city_code: str) -> tuple[Area, ...]:
    return tuple(a for a in division_tables().districts if a.parent == city_code)


@functools.lru_cache(maxsize=200_000)
def parse_address(value: str) -> Address:
    """Split a mainland Chinese address into province, city, district, street, number, rest.

    Rules (heuristic; the input is first passed through ``clean_text`` and spaces next to
    Chinese characters are removed, a leading 中国 / 中华人民共和国 and 6-digit postcode dropped):

    * province: one of the 34 province-level names, with or without its suffix
      (广东省 / 广东, 内蒙古自治区 / 内蒙古, 广西壮族自治区 / 广西 ...); always returned in its
      official form. For the municipalities 北京, 上海, 天津, 重庆 (with or without 市) the
      city is the municipality too (province = city = "北京市");
    * city: a prefecture-level name known to python-stdnum's GB/T 2260 data, written in full
      (深圳市, 延边朝鲜族自治州) or short (杭州, 延边), or a county-level city administered
      directly by its province (湖北省仙桃市); otherwise any name ending in 市/州/盟/地区;
    * district: a county-level name of that city from the same data (南山区, 昆山市 within
      苏州市, 浦东新区); otherwise any name ending in 区/县/旗/市. Cities without districts
      (东莞市, 中山市, 仙桃市 ...) use the town or subdistrict (镇/乡/街道) at that level;
    * missing levels are inferred only when unambiguous in the data: the province from the
      city (深圳市 -> 广东省) and city + province from a district name that occurs once in
      the province, or once nationwide when no province was written (昆山市 -> 江苏省苏州市);
      朝阳区 alone stays without city;
    * street: the text up to a street word 路/街/大街/道/大道/巷/弄/胡同/里/村/镇/乡 or
      开发区/工业园(区) directly followed by a house number: ``\\d+号``, ``\\d+弄\\d+号``,
      ``\\d+号院``, ``8号楼``, ``18栋``, ``甲3号``, ``88-1号`` or a bare number
      (建国路88); without a number the street is the text up to the last street word;
    * rest: whatever follows (building, unit, room: 1栋2单元301室).

    Source: GB/T 2260 administrative division codes (via python-stdnum ``cn/loc.dat``);
    common Chinese address-writing conventions. Never raises.
    """
    text = clean_text(value)
    text = _SPACE_NEAR_CJK_RE.sub("", text)
    text = _skip(_LEADING_NOISE_RE.sub("", text, count=1))
    regions = division_tables()

    province_code, text = _take_province(text)
    text = _skip(text)
    city = district = ""
    city_code = ""
    if province_code in MUNICIPALITY_CODES:
        city = PROVINCE_NAMES[province_code]
        city_code = province_code
        short_name = city[:-1]
        for repeated in (city, short_name, "市辖区"):
            text = _skip(text.removeprefix(repeated))
    elif text:
        city_candidates = _cities_in(province_code) if province_code else regions.cities
        match = _match_area(text, city_candidates, short=True)
        if match:
            area, length = match
            city, city_code, text = area.name, area.code, text[length:]
            if not province_code:
                provinces = {a.province_code for a in regions.cities if a.name == area.name}
                if len(provinces) == 1:
                    province_code = provinces.pop()
        else:
            district_match = _match_area(
                text,
                _current_districts_in(province_code),
                short=False,
            )
            if district_match:
                area, length = district_match
                parents = {
                    a.parent
                    for a in regions.districts
                    if a.current
                    and a.name == area.name
                    and (not province_code or a.province_code == province_code)
                }
                if len(parents) == 1:
                    city_code = parents.pop()
                    city = regions.current_city_names.get(city_code, "")
                    province_code = city_code[:2]
                    district, text = area.name, text[length:]
            if not city and not district:
                suffix_match = _CITY_SUFFIX_RE.match(text)
                if suffix_match:
                    city, text = suffix_match.group(), text[suffix_match.end() :]
    text = _skip(text)

    if not district and text:
        text = _skip(text.removeprefix("市辖区"))
        if city_code:
            in_city = _districts_of(city_code)
            match = _match_area(text, in_city, short=False)
            if match:
                district, text = match[0].name, text[match[1] :]
            elif city_code not in regions.cities_with_districts:
                town = _TOWN_RE.match(text)
                if town:
                    district, text = town.group(), text[town.end() :]
        if not district:
            suffix_match = _DISTRICT_SUFFIX_RE.match(text)
            if suffix_match and not suffix_match.group().endswith(_NOT_A_DISTRICT):
                district, text = suffix_match.group(), text[suffix_match.end() :]
    text = _skip(text)

    street = house_number = ""
    with_number = _STREET_WITH_NUMBER_RE.match(text)
    if with_number:
        street, house_number, text = with_number.group("street", "number", "rest")
    else:
        street_only = _STREET_ONLY_RE.match(text)
        if street_only:
            street, text = street_only.group("street", "rest")
    return Address(
        province=PROVINCE_NAMES.get(province_code, ""),
        city=city,
        district=district,
        street=street,
        house_number=house_number,
        rest=_skip(text).strip(),
    )


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


def validate_address_complete(value: str) -> Address:
    """Parse an address and require every part down to the house number.

    Rule: the customer's "address (down to the house number)" must be correct, so province,
    city, district, street and house number must all be present; building/room (``rest``) is
    optional. Raises ValidationError(code="address_incomplete") whose params hold ``missing``
    (English labels joined with ", " for the message) and ``missing_parts`` (the field names).
    Source: project data-quality rules (completeness of the customer address).
    """
    address = parse_address(value)
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
