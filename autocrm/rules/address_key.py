"""A comparison key of an address: district, road or compound, building, unit, room.

Interim: issue #12 part 7 adds `address_key(value) -> AddressKey` to `rules/address.py` (branch
`addr`). Until it lands this minimal normalizer stands behind the same name and fields, so
detection and survivorship switch to the rules one by changing one import.

What it must survive is how two clerks write one home (issue #12): with or without province
and city, 号 / 号院 / 号楼, 28栋 / 28幢 / 28座 / 28号楼, 28栋1504 / 28-1504, a compound without a
road and number (深圳市南山区香山小区7栋), full-width digits, Chinese numerals (三栋, 二单元).
Regular expressions only: it runs once per distinct address of a million customers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from autocrm.rules.text import clean_text


@dataclass(frozen=True)
class AddressKey:
    """The parts two writings of one home agree on; "" when absent."""

    district: str = ""
    road_or_compound: str = ""  # 天河路385 (the number without 号), or 香山小区
    building: str = ""  # 7 (栋 / 幢 / 座 / 号楼)
    unit: str = ""  # 2 (单元)
    room: str = ""  # 1504 (室 / 房)

    @property
    def is_empty(self) -> bool:
        return not (self.district or self.road_or_compound)


_CJK = "\u4e00-\u9fff"
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_NUMERALS.update({"九": 9, "十": 10})
_CN_NUMBER_RE = re.compile(r"([一二两三四五六七八九十]{1,3})(?=栋|幢|座|单元|号楼|楼|层|室)")
_PREFIX_RE = re.compile(
    rf"^(?:中国)?(?:[{_CJK}]{{2,8}}?(?:省|自治区))?(?:[{_CJK}]{{2,9}}?(?:市|自治州|州|盟|地区))?"
)
_DISTRICT_RE = re.compile(rf"^([{_CJK}]{{1,8}}?(?:新区|区|县|旗|市))(?![路街道])")
_ROAD_RE = re.compile(
    rf"([{_CJK}\d]{{1,14}}?(?:大道|大街|胡同|路|街|巷|弄|道))([东西南北中]?[{_CJK}]?段)?"
    rf"([东西南北中])?(\d+)(?:[-之](\d+))?(?:号院|号楼|号|弄)?"
)
_COMPOUND_RE = re.compile(
    rf"([{_CJK}A-Za-z\d]{{1,12}}?(?:小区|花园|花苑|家园|新村|公寓|大厦|广场|山庄|名苑|苑|园|城|府|庭|居|里))"
)
_BUILDING_RE = re.compile(r"(\d+)\s*(?:栋|幢|座|号楼|楼(?!层))")
_UNIT_RE = re.compile(r"(\d+)\s*单元")
_ROOM_RE = re.compile(r"(\d+)\s*(?:室|房|号房)?$")
_DASHED_RE = re.compile(r"(\d+)-(\d+)(?:-(\d+))?(?:室|房)?$")


def _numerals(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        chars = match.group(1)
        if chars == "十":
            return "10"
        if chars.startswith("十"):
            return str(10 + _NUMERALS.get(chars[1], 0))
        if len(chars) >= 2 and chars[1] == "十":
            return str(_NUMERALS.get(chars[0], 0) * 10 + _NUMERALS.get(chars[2:3], 0))
        return str(_NUMERALS.get(chars[0], 0))

    return _CN_NUMBER_RE.sub(one, text)


@lru_cache(maxsize=200_000)
def address_key(value: str, district: str = "") -> AddressKey:
    """The comparison key of an address (`district` when the record knows it already)."""
    text = clean_text(value or "")
    text = re.sub(r"\s+", "", text)
    text = _numerals(text)
    if district and district in text:
        text = text[text.index(district) + len(district) :]
    else:
        text = _PREFIX_RE.sub("", text, count=1)
        match = _DISTRICT_RE.match(text)
        if match:
            district, text = district or match.group(1), text[match.end() :]
    road = ""
    rest = text
    road_match = _ROAD_RE.search(text)
    if road_match:
        number = road_match.group(4)
        road = road_match.group(1) + (road_match.group(2) or "") + (road_match.group(3) or "")
        road += number
        rest = text[road_match.end() :]
        if road_match.group(5) and not rest:  # 天河路28-1504: building 28, room 1504
            rest = f"{number}-{road_match.group(5)}"
            road = road[: -len(number)]
    compound_match = _COMPOUND_RE.search(rest if road else text)
    if compound_match:
        if not road:
            road = compound_match.group(1)
        rest = (rest if road_match else text)[compound_match.end() :]
    building = unit = room = ""
    dashed = _DASHED_RE.search(rest)
    if dashed and not _BUILDING_RE.search(rest):
        parts = [p for p in dashed.groups() if p]
        building, room = parts[0], parts[-1]
        unit = parts[1] if len(parts) == 3 else ""
    else:
        found = _BUILDING_RE.search(rest)
        if found:
            building, rest = found.group(1), rest[found.end() :]
        found = _UNIT_RE.search(rest)
        if found:
            unit, rest = found.group(1), rest[found.end() :]
        found = _ROOM_RE.search(rest)
        if found:
            room = found.group(1)
    return AddressKey(
        district=district,
        road_or_compound=road,
        building=building.lstrip("0"),
        unit=unit.lstrip("0"),
        room=room.lstrip("0"),
    )
