"""An address written over several columns (省份, 城市, 区县, 详细地址) joined into one, without
writing a division twice when the detailed column repeats it."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from autocrm.rules.regions import PSEUDO_REGION_NAMES

_DIVISION_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
    "地区", "新区", "省", "市", "区", "县", "旗", "盟",
)  # fmt: skip


#: What a province/city/district column holds when there is no such level.
_NO_DIVISION = PSEUDO_REGION_NAMES


#: Characters after a short name (朝阳) that make it part of a street name (朝阳路), not 朝阳区.
_STREET_AFTER_SHORT = frozenset("路街道巷弄胡同门桥村镇乡里湾港苑园楼号大")


_PART_JUNK_RE = re.compile(r"[\s/\\|,，、\-]+")


_ADDRESS_SEPARATORS = " ,，、-/"


#: How far into the rest of the address a division is looked for (广州天河… for 天河区), over
#: text that holds no other division or street word.
_SEARCH_WINDOW = 6


_DIVISION_OR_STREET_RE = re.compile(r"[省市区县旗盟路街道巷号]")


@functools.lru_cache(maxsize=4096)
def _short_division(name: str) -> str:
    """广东省 → 广东, 广西壮族自治区 → 广西, 南山区 → 南山 (at least two characters stay)."""
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _written_at(address: str, pos: int, part: str) -> tuple[int, int] | None:
    """Where `part` (广东省, or short: 广东) is written at `pos` of the address, or a little
    after it behind a short name without suffix (广州天河… for 天河区), as (start, end); None
    when it is not. A short name followed by a street word (朝阳路) is not the division."""
    window = address[: pos + _SEARCH_WINDOW + len(part)]
    short = _short_division(part)
    for name in (part, short) if len(short) >= 2 and short != part else (part,):
        start = window.find(name, pos)
        while start >= 0 and not _DIVISION_OR_STREET_RE.search(address, pos, start):
            end = start + len(name)
            after = _after_suffix(address, end)
            if name == part and short != part:
                return start, end  # 广东省 written in full
            if after != end or end == len(address) or address[end] not in _STREET_AFTER_SHORT:
                return start, after
            start = window.find(name, start + 1)
    return None


def _after_suffix(address: str, end: int) -> int:
    """`end`, moved past a division suffix written there (广东|省)."""
    for suffix in _DIVISION_SUFFIXES:
        if address.startswith(suffix, end):
            return end + len(suffix)
    return end


def join_address(parts: Sequence[str], address: str) -> str:
    """The address with the province, city and district columns' values in front of it, each
    only where the address does not already have it: 广东省 + 广州市 + 天河区 + 体育西路103号
    → 广东省广州市天河区体育西路103号; 广东省 + 广州市 + 天河区 + 广州市天河区体育西路103号
    → 广东省广州市天河区体育西路103号. A municipality's city (北京市, 北京市) is written once."""
    address = address.strip()
    out: list[str] = []
    pos = 0
    previous = ""
    for raw in parts:
        part = _PART_JUNK_RE.sub("", raw or "")
        short = _short_division(part)
        if not part or part in _NO_DIVISION or short == previous:
            continue
        previous = short
        while pos < len(address) and address[pos] in _ADDRESS_SEPARATORS:
            pos += 1
        found = _written_at(address, pos, part)
        if found is not None:  # already in the address
            out.append(address[pos : found[1]])
            pos = found[1]
            continue
        # a part holding several levels (广东省广州市) whose end the address starts with
        overlap = next(
            (k for k in range(len(part) - 1, 1, -1) if address.startswith(part[-k:], pos)), 0
        )
        out.append(part[: len(part) - overlap] + address[pos : pos + overlap])
        pos += overlap
    out.append(address[pos:])
    return "".join(out)
