"""China's administrative divisions (GB/T 2260): the province table, the city and county names
of python-stdnum's ``cn/loc`` data with their history, and the province characters of plates.

Kept here once for the address parser, the ID-number check, the quality rules and the import.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from stdnum import numdb

#: Province abbreviations that start a licence plate (GA 36).
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

PSEUDO_REGION_NAMES = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖行政单位"}
)
_REGION_ENTRY_RE = re.compile(r"^(?:\[(?P<start>\d*)-(?P<end>\d*)\])?(?P<name>.+)$")


# ---------------------------------------------------------------------------
# Province-level divisions (GB/T 2260 codes), built in
# ---------------------------------------------------------------------------

_MUNICIPALITY = "municipality"
_PROVINCE = "province"
_AUTONOMOUS_REGION = "autonomous_region"
_SAR = "sar"

# code, official name, short name, kind
_PROVINCE_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("11", "北京市", "北京", _MUNICIPALITY),
    ("12", "天津市", "天津", _MUNICIPALITY),
    ("13", "河北省", "河北", _PROVINCE),
    ("14", "山西省", "山西", _PROVINCE),
    ("15", "内蒙古自治区", "内蒙古", _AUTONOMOUS_REGION),
    ("21", "辽宁省", "辽宁", _PROVINCE),
    ("22", "吉林省", "吉林", _PROVINCE),
    ("23", "黑龙江省", "黑龙江", _PROVINCE),
    ("31", "上海市", "上海", _MUNICIPALITY),
    ("32", "江苏省", "江苏", _PROVINCE),
    ("33", "浙江省", "浙江", _PROVINCE),
    ("34", "安徽省", "安徽", _PROVINCE),
    ("35", "福建省", "福建", _PROVINCE),
    ("36", "江西省", "江西", _PROVINCE),
    ("37", "山东省", "山东", _PROVINCE),
    ("41", "河南省", "河南", _PROVINCE),
    ("42", "湖北省", "湖北", _PROVINCE),
    ("43", "湖南省", "湖南", _PROVINCE),
    ("44", "广东省", "广东", _PROVINCE),
    ("45", "广西壮族自治区", "广西", _AUTONOMOUS_REGION),
    ("46", "海南省", "海南", _PROVINCE),
    ("50", "重庆市", "重庆", _MUNICIPALITY),
    ("51", "四川省", "四川", _PROVINCE),
    ("52", "贵州省", "贵州", _PROVINCE),
    ("53", "云南省", "云南", _PROVINCE),
    ("54", "西藏自治区", "西藏", _AUTONOMOUS_REGION),
    ("61", "陕西省", "陕西", _PROVINCE),
    ("62", "甘肃省", "甘肃", _PROVINCE),
    ("63", "青海省", "青海", _PROVINCE),
    ("64", "宁夏回族自治区", "宁夏", _AUTONOMOUS_REGION),
    ("65", "新疆维吾尔自治区", "新疆", _AUTONOMOUS_REGION),
    ("71", "台湾省", "台湾", _PROVINCE),
    ("81", "香港特别行政区", "香港", _SAR),
    ("82", "澳门特别行政区", "澳门", _SAR),
)
PROVINCE_NAMES = {code: name for code, name, _short, _kind in _PROVINCE_TABLE}
MUNICIPALITY_CODES = frozenset(
    code for code, _name, _short, kind in _PROVINCE_TABLE if kind == _MUNICIPALITY
)
_KIND_SUFFIX = {
    _MUNICIPALITY: "市",
    _PROVINCE: "省",
    _AUTONOMOUS_REGION: "自治区",
    _SAR: "特别行政区",
}


def _province_aliases() -> list[tuple[str, str, bool]]:
    """(alias, province code, is_bare_short_name), longest alias first."""
    aliases: dict[str, tuple[str, bool]] = {}
    for code, name, short, kind in _PROVINCE_TABLE:
        aliases[name] = (code, False)
        aliases[short + _KIND_SUFFIX[kind]] = (code, False)
        aliases[short] = (code, True)
    return sorted(((a, c, bare) for a, (c, bare) in aliases.items()), key=lambda x: -len(x[0]))


PROVINCE_ALIASES = _province_aliases()

# ---------------------------------------------------------------------------
# Prefecture- and county-level names from python-stdnum's cn/loc data
# ---------------------------------------------------------------------------

_ETHNIC_RE = re.compile(
    "朝鲜族|蒙古族|蒙古|藏族|回族|苗族|侗族|布依族|土家族|彝族|白族|傣族|哈尼族|壮族|景颇族|"
    "傈僳族|羌族|哈萨克|柯尔克孜|黎族|维吾尔|满族|畲族|瑶族|仡佬族|水族|纳西族|普米族|独龙族"
)


@dataclass(frozen=True)
class Area:
    """A city (prefecture level, or county level under direct provincial administration) or a
    district (county level) with one of its names; ``parent`` is the city code of a district."""

    code: str
    name: str
    current: bool
    parent: str = ""

    @property
    def province_code(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Regions:
    cities: tuple[Area, ...]
    districts: tuple[Area, ...]
    cities_with_districts: frozenset[str]
    current_city_names: dict[str, str]


def _parse_entries(raw: str) -> list[tuple[str, bool]]:
    """Split ``[1983-1989]A,[1990-]B`` into [("A", False), ("B", True)]."""
    entries = []
    for entry in raw.split(","):
        match = _REGION_ENTRY_RE.match(entry.strip())
        if match and match["name"] not in PSEUDO_REGION_NAMES:
            entries.append((match["name"], not match["end"]))
    return entries


@functools.cache
def division_tables() -> Regions:
    """Load city and district names from python-stdnum (empty tables if that fails)."""
    try:
        from stdnum import numdb

        prefixes = numdb.get("cn/loc").prefixes
    except Exception:  # pragma: no cover - data missing: suffix rules still work
        prefixes = []
    raw: dict[str, str] = {}
    for length, low, high, _props, children in prefixes:
        if length != 2 or low != high:
            continue
        for child_length, child_low, child_high, child_props, _grand in children:
            if child_length == 4 and child_low == child_high and "county" in child_props:
                raw[low + child_low] = child_props["county"]

    cities: list[Area] = []
    districts: list[Area] = []
    pseudo_prefectures = set()
    for code, value in raw.items():
        if code[2:] == "0000" or code[4:] != "00" or code[:2] in MUNICIPALITY_CODES:
            continue
        entries = _parse_entries(value)
        if not entries:
            pseudo_prefectures.add(code[:4])
        cities.extend(Area(code[:4], name, current) for name, current in entries)
    for code, value in raw.items():
        if code[4:] == "00":
            continue
        entries = _parse_entries(value)
        if code[:2] in MUNICIPALITY_CODES:
            parent = code[:2]
        elif code[:4] in pseudo_prefectures:
            # county-level city administered directly by the province (e.g. 湖北省仙桃市)
            cities.extend(Area(code, name, current) for name, current in entries)
            continue
        else:
            parent = code[:4]
        districts.extend(Area(code, name, current, parent) for name, current in entries)
    # prefectures before directly administered county-level cities, current names first
    cities.sort(key=lambda area: (len(area.code), not area.current, area.code))
    districts.sort(key=lambda area: (not area.current, area.code))
    current_city_names = {code: PROVINCE_NAMES[code] for code in MUNICIPALITY_CODES}
    for area in reversed(cities):
        current_city_names[area.code] = area.name
    return Regions(
        cities=tuple(cities),
        districts=tuple(districts),
        cities_with_districts=frozenset(area.parent for area in districts if area.current),
        current_city_names=current_city_names,
    )


def city_short_name(name: str) -> str:
    """Short form people write for a city: 杭州 for 杭州市, 延边 for 延边朝鲜族自治州."""
    if name.endswith("自治州"):
        match = _ETHNIC_RE.search(name, 2)
        short = name[: match.start()] if match else name[:-3]
    elif name.endswith("地区"):
        short = name[:-2]
    elif name.endswith(("市", "盟")):
        short = name[:-1]
    else:
        short = name
    return short if len(short) >= 2 else name


def region_entry_name(raw: str, year: int) -> str | None:
    """Pick a name from a stdnum ``cn/loc`` entry such as ``[1983-1989]A,[1990-]B``.

    The code on an ID card is that of the place of first registration, which happens at or
    after birth. So a code is acceptable for a birth year if it was in use in that year or any
    later year. Returns the name in use in the birth year, else the latest name introduced
    after it, else None (the code had been abolished before the person was born).
    """
    later: str | None = None
    for entry in raw.split(","):
        match = _REGION_ENTRY_RE.match(entry)
        if not match:
            continue
        start = int(match["start"]) if match["start"] else None
        end = int(match["end"]) if match["end"] else None
        if end is not None and end < year:
            continue
        if start is None or start <= year:
            return match["name"]
        later = match["name"]
    return later


@functools.lru_cache(maxsize=65536)
def lookup_region(code: str, year: int) -> str | None:
    """Return the name for a six-digit region code from python-stdnum's data, or None."""
    db = numdb.get("cn/loc")
    info = db.info(code)
    if len(info) != 2 or "province" not in info[0][1] or "county" not in info[1][1]:
        return None
    province = info[0][1]["province"]
    county = region_entry_name(info[1][1]["county"], year)
    if county is None:
        return None
    parts = [province]
    if not code.endswith("00"):
        prefecture_info = db.info(code[:4] + "00")
        if len(prefecture_info) == 2 and "county" in prefecture_info[1][1]:
            prefecture = region_entry_name(prefecture_info[1][1]["county"], year)
            if prefecture:
                parts.append(prefecture)
    parts.append(county)
    name = ""
    for part in parts:
        if part not in PSEUDO_REGION_NAMES and part not in name:
            name += part
    return name


#: Mainland province-level codes (the first two digits of a resident ID number) and names.
PROVINCE_CODES = {
    code: name for code, name, _short, kind in _PROVINCE_TABLE if kind != _SAR and code != "71"
}


def id_region_province(id_number: str) -> str:
    """Province of an ID card's place of registration (its first two digits), "" if unknown.

    The province level is enough for the "address copied from the ID card" rule and, unlike
    the county, does not depend on when a county code was created.
    """
    if len(id_number) != 18:
        return ""
    return PROVINCE_CODES.get(id_number[:2], "")
