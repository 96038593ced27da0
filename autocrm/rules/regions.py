"""China's administrative divisions (GB/T 2260) from one source: python-stdnum's ``cn/loc``
data, which lists every province, prefecture and county code with the names it has had and
the years of each (``[1983-1992]宝安县``), and the province characters of plates.

Kept here once for the address parser, the ID-number check, the quality rules and the import
(docs/adr/0008-administrative-divisions.md says why no other package is used). What the data
cannot say is which district an abolished one was merged into (崇文区 into 东城区); those few
merges of the big cities are listed in ``_MERGED_INTO``.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from stdnum import numdb

#: Province abbreviations that start a licence plate (GA 36). Plate data, not a division table.
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

#: Names that stand for "no such level" in GB/T 2260 tables and in spreadsheets' columns.
PSEUDO_REGION_NAMES = frozenset(
    {
        "市辖区",
        "县",
        "省直辖县级行政单位",
        "自治区直辖县级行政单位",
        "省直辖行政单位",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
    }
)
_REGION_ENTRY_RE = re.compile(r"^(?:\[(?P<start>\d*)-(?P<end>\d*)\])?(?P<name>.+)$")
# stdnum writes the two SARs and 大兴安岭's districts in traditional characters (加格達奇區)
_TO_SIMPLIFIED = str.maketrans({"別": "别", "區": "区", "門": "门", "達": "达", "嶺": "岭"})

_ETHNIC_RE = re.compile(
    "朝鲜族|蒙古族|蒙古|藏族|回族|苗族|侗族|布依族|土家族|彝族|白族|傣族|哈尼族|壮族|景颇族|"
    "傈僳族|羌族|哈萨克|柯尔克孜|黎族|维吾尔|满族|畲族|瑶族|仡佬族|水族|纳西族|普米族|独龙族"
)

#: Districts abolished by merging into a neighbour, which the data cannot tell (State Council
#: approvals): Beijing 2010, Tianjin 2009, Shanghai 2000/2011/2015, Guangzhou 2005.
_MERGED_INTO = {
    "110103": "110101",  # 崇文区 -> 东城区
    "110104": "110102",  # 宣武区 -> 西城区
    "120107": "120116",  # 塘沽区 -> 滨海新区
    "120108": "120116",  # 汉沽区 -> 滨海新区
    "120109": "120116",  # 大港区 -> 滨海新区
    "310102": "310101",  # 南市区 -> 黄浦区
    "310103": "310101",  # 卢湾区 -> 黄浦区
    "310108": "310106",  # 闸北区 -> 静安区
    "440102": "440104",  # 东山区 -> 越秀区
    "440107": "440103",  # 芳村区 -> 荔湾区
}


@dataclass(frozen=True)
class _Name:
    name: str
    start: int | None
    end: int | None  # None: still in use


def _parse_names(raw: str) -> list[_Name]:
    """Split ``[1983-1989]A,[1990-]B`` into its names and years (pseudo names dropped)."""
    names = []
    for entry in raw.split(","):
        match = _REGION_ENTRY_RE.match(entry.strip())
        if match and match["name"] not in PSEUDO_REGION_NAMES:
            start, end = match["start"], match["end"]
            names.append(
                _Name(
                    match["name"].translate(_TO_SIMPLIFIED),
                    int(start) if start else None,
                    int(end) if end else None,
                )
            )
    return names


@functools.cache
def _raw_codes() -> dict[str, str]:
    """Every six-digit code of stdnum's ``cn/loc`` with its raw name entry ({} if missing)."""
    try:
        prefixes = numdb.get("cn/loc").prefixes
    except Exception:  # pragma: no cover - data missing: the suffix rules still work
        prefixes = []
    raw: dict[str, str] = {}
    for length, low, high, props, children in prefixes:
        if length != 2 or low != high:
            continue
        for child_length, child_low, child_high, child_props, _grand in children:
            if child_length == 4 and child_low == child_high and "county" in child_props:
                raw[low + child_low] = child_props["county"]
        if "province" in props:  # its official name, without years
            raw[low + "0000"] = props["province"]
    return raw


# ---------------------------------------------------------------------------
# Province-level divisions
# ---------------------------------------------------------------------------

_MUNICIPALITY = "municipality"
_PROVINCE = "province"
_AUTONOMOUS_REGION = "autonomous_region"
_SAR = "sar"
_KIND_SUFFIX = {
    _MUNICIPALITY: "市",
    _PROVINCE: "省",
    _AUTONOMOUS_REGION: "自治区",
    _SAR: "特别行政区",
}


def _province_kind(name: str) -> str:
    if name.endswith("特别行政区"):
        return _SAR
    if name.endswith("自治区"):
        return _AUTONOMOUS_REGION
    return _MUNICIPALITY if name.endswith("市") else _PROVINCE


def _province_short(name: str) -> str:
    """广东省 -> 广东, 广西壮族自治区 -> 广西, 新疆维吾尔自治区 -> 新疆, 香港特别行政区 -> 香港."""
    short = name.removesuffix(_KIND_SUFFIX[_province_kind(name)])
    match = _ETHNIC_RE.search(short, 2)
    return short[: match.start()] if match else short


@functools.cache
def _province_table() -> tuple[tuple[str, str, str, str], ...]:
    """(code, official name, short name, kind) of the 34 province-level divisions."""
    rows = []
    for code, raw in sorted(_raw_codes().items()):
        if code[2:] == "0000":
            name = raw.translate(_TO_SIMPLIFIED)
            rows.append((code[:2], name, _province_short(name), _province_kind(name)))
    return tuple(rows)


PROVINCE_NAMES = {code: name for code, name, _short, _kind in _province_table()}
MUNICIPALITY_CODES = frozenset(
    code for code, _name, _short, kind in _province_table() if kind == _MUNICIPALITY
)
#: Mainland province-level codes (the first two digits of a resident ID number) and names.
PROVINCE_CODES = {
    code: name for code, name, _short, kind in _province_table() if kind != _SAR and code != "71"
}


def _province_aliases() -> list[tuple[str, str, bool]]:
    """(alias, province code, is_bare_short_name), longest alias first."""
    aliases: dict[str, tuple[str, bool]] = {}
    for code, name, short, kind in _province_table():
        aliases[name] = (code, False)
        aliases[short + _KIND_SUFFIX[kind]] = (code, False)
        aliases[short] = (code, True)
    return sorted(((a, c, bare) for a, (c, bare) in aliases.items()), key=lambda x: -len(x[0]))


PROVINCE_ALIASES = _province_aliases()

# ---------------------------------------------------------------------------
# Prefecture- and county-level names
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """A city (prefecture level, or county level under direct provincial administration) or a
    district (county level) with one of its names; ``parent`` is the city code of a district.
    ``current`` is True for the name in use today; ``now`` is the code the area has today (its
    own, or the one it was renamed, merged or moved into; "" when unknown)."""

    code: str
    name: str
    current: bool
    parent: str = ""
    now: str = ""

    @property
    def province_code(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class Regions:
    cities: tuple[Area, ...]
    districts: tuple[Area, ...]
    cities_with_districts: frozenset[str]
    current_city_names: dict[str, str]


@functools.cache
def _names_by_code() -> dict[str, list[_Name]]:
    return {code: _parse_names(raw) for code, raw in _raw_codes().items()}


def _in_use(code: str) -> bool:
    names = _names_by_code().get(code, [])
    return bool(names) and names[-1].end is None


def current_name(code: str) -> str:
    """The name a code has today ("" when the code is no longer in use or unknown)."""
    if code in PROVINCE_NAMES:
        return PROVINCE_NAMES[code]
    names = _names_by_code().get(code.ljust(6, "0"), [])
    return names[-1].name if names and names[-1].end is None else ""


_DIVISION_SUFFIX_RE = re.compile(
    "(?:特别行政区|自治区|自治州|自治县|自治旗|行政区|地区|新区|林区|特区|省|市|区|县|旗|盟|州)$"
)


def _stem(name: str) -> str:
    """宝安县 -> 宝安, 番禺市 -> 番禺, 思茅地区 -> 思茅 (at least two characters stay)."""
    short = _DIVISION_SUFFIX_RE.sub("", name)
    match = _ETHNIC_RE.search(short, 2)
    short = short[: match.start()] if match else short
    return short if len(short) >= 2 else name


def _unique_match(names: list[_Name], candidates: Iterable[str]) -> str:
    """The one candidate code having one of ``names`` (any of its own names, then stems)."""
    candidates = list(candidates)
    for stemmed in (False, True):
        index = _codes_by_name(stemmed)
        key = _stem if stemmed else str
        having = set().union(*(index.get(key(n.name), ()) for n in names))
        found = {c for c in candidates if c.ljust(6, "0") in having}
        if len(found) == 1:
            return found.pop()
        if found:
            return ""
    return ""


@functools.cache
def _codes_by_name(stemmed: bool) -> dict[str, frozenset[str]]:
    """Codes by each of their names (or the names' stems), for `_unique_match`."""
    codes: dict[str, set[str]] = defaultdict(set)
    for code, names in _names_by_code().items():
        for name in names:
            codes[_stem(name.name) if stemmed else name.name].add(code)
    return {name: frozenset(found) for name, found in codes.items()}


@functools.cache
def _current_children() -> dict[str, tuple[str, ...]]:
    """Codes in use by parent: "44" -> its cities, "4403" -> its districts, "44*" -> every
    county-level code in use of the province (under a city or directly administered)."""
    children: dict[str, list[str]] = defaultdict(list)
    for code in _names_by_code():
        if code[2:] == "0000" or not _in_use(code):
            continue
        if code[4:] == "00":
            children[code[:2]].append(code[:4])
        else:
            children[code[:4]].append(code)
            children[code[:2] + "*"].append(code)
    return {key: tuple(sorted(codes)) for key, codes in children.items()}


@functools.cache
def current_code(code: str) -> str:
    """The code in use today for a city (4 digits) or county (6 digits) code, "" if unknown.

    A code still in use is its own (襄樊市 4206 is 襄阳市 since 2010). An abolished one maps
    to the code in use that carries its name or its stem, looked for under the parent's code
    of today, then in the province, then in the province that was carved out of it (重庆市,
    四川省 until 1997; 海南行政区, 广东省 until 1988): 宝安县 440321 -> 宝安区 440306, 番禺市
    440181 -> 番禺区 440113, 思茅地区 5327 -> 普洱市 5308 (思茅市 2003-2006), 巢湖市 3414
    (abolished 2011) -> 合肥市巢湖市 340181. A few merges are listed (崇文区 -> 东城区).
    Source: GB/T 2260 codes and their history in python-stdnum ``cn/loc``.
    """
    if len(code) == 2:
        return code if code in PROVINCE_NAMES else ""
    full = code.ljust(6, "0")
    if full not in _names_by_code():
        return ""
    if _in_use(full):
        return code
    if full in _MERGED_INTO:
        return _MERGED_INTO[full]
    names = _names_by_code()[full]
    children = _current_children()
    province = code[:2]
    carved = [
        p
        for p, name in PROVINCE_NAMES.items()
        if p != province and any(_stem(n.name) == _province_short(name) for n in names)
    ]
    if len(code) == 4 or full[4:] == "00":
        city = _unique_match(names, children.get(province, ()))
        if city:
            return city
        if carved:
            return carved[0]
        return _unique_match(names, children.get(province + "*", ()))
    parent_now = current_code(code[:4])
    scopes: list[Iterable[str]] = []
    if parent_now:
        scopes.append(children.get(parent_now if len(parent_now) == 4 else "", ()))
        if len(parent_now) == 2:  # the city became a province (重庆, 海南)
            scopes.append(children.get(parent_now + "*", ()))
            scopes.append(children.get(parent_now, ()))
    scopes.append(children.get(province + "*", ()))
    for scope in scopes:
        found = _unique_match(names, scope)
        if found:
            return found
    return parent_now if len(parent_now) == 6 else ""


@functools.lru_cache(maxsize=65536)  # an import asks for the same few codes again and again
def current_division(code: str) -> tuple[str, str, str]:
    """(province, city, district) names today of a 6-digit region code; "" where unknown.

    For a municipality the city is the municipality (北京市, 北京市, 东城区); a county-level
    city administered by its province is the city (湖北省, 仙桃市, "").
    """
    if len(code) < 6:
        return "", "", ""
    if code[2:6] == "0000":
        now = current_code(code[:2])
    elif code[4:6] == "00":
        now = current_code(code[:4])
    else:
        now = current_code(code[:6]) or current_code(code[:4])
    province = PROVINCE_NAMES.get(now[:2], "")
    if not now:
        return "", "", ""
    if now[:2] in MUNICIPALITY_CODES:
        return province, province, current_name(now) if len(now) == 6 else ""
    if len(now) == 2:
        return province, "", ""
    if len(now) == 4:
        return province, current_name(now), ""
    city = current_name(now[:4])
    if not city:
        return province, current_name(now), ""
    return province, city, current_name(now)


@functools.cache
def division_tables() -> Regions:
    """City and district names, current names first; each area knows its code of today."""
    raw = _names_by_code()
    cities: list[Area] = []
    districts: list[Area] = []
    pseudo_prefectures = set()
    for code, names in raw.items():
        if code[2:] == "0000" or code[4:] != "00" or code[:2] in MUNICIPALITY_CODES:
            continue
        if not names:
            pseudo_prefectures.add(code[:4])
        now = current_code(code[:4])
        cities.extend(Area(code[:4], n.name, n.end is None, now=now) for n in names)
    for code, names in raw.items():
        if code[4:] == "00":
            continue
        now = current_code(code)
        if code[:2] in MUNICIPALITY_CODES:
            parent = code[:2]
        elif code[:4] in pseudo_prefectures:
            # county-level city administered directly by the province (e.g. 湖北省仙桃市)
            cities.extend(Area(code, n.name, n.end is None, now=now) for n in names)
            continue
        else:
            parent = code[:4]
        districts.extend(Area(code, n.name, n.end is None, parent, now) for n in names)
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
    """Return the name for a six-digit region code from python-stdnum's data, or None.

    The name is the one the place had when the ID card was issued (广东省深圳市宝安县 for
    440321 and a birth in 1985); ``current_division(code)`` gives today's (宝安区).
    """
    info = _loc_info(code)
    if len(info) != 2 or "province" not in info[0][1] or "county" not in info[1][1]:
        return None
    province = info[0][1]["province"]
    county = region_entry_name(info[1][1]["county"], year)
    if county is None:
        return None
    parts = [province]
    if not code.endswith("00"):
        prefecture_info = _loc_info(code[:4] + "00")
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


@functools.lru_cache(maxsize=65536)
def _loc_info(code: str) -> Any:
    """python-stdnum's ``cn/loc`` entries of a code (read only): its look-up scans the whole
    table, and a code comes back with each birth year of the people registered there."""
    return numdb.get("cn/loc").info(code)


def id_region_province(id_number: str) -> str:
    """Province today of an ID card's place of registration, "" if unknown.

    The card keeps the code of where its holder was first registered, and places have moved
    since: an ID starting 5102 was issued in 四川省重庆市 before 1997, and that place is in
    重庆市 now, where its holder's address is written. So the code is followed to its code of
    today (``current_code``); a code the data cannot follow keeps its first two digits'
    province. The province level is enough for the "address copied from the ID card" rule.
    """
    if len(id_number) != 18:
        return ""
    province = current_division(id_number[:6])[0]
    return (
        province if province in PROVINCE_CODES.values() else PROVINCE_CODES.get(id_number[:2], "")
    )
