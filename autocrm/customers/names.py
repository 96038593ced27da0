"""Pinyin of customer names, for search by pinyin and by initials (e.g. "zw" → 张伟)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pypinyin import Style, lazy_pinyin

#: Surnames whose reading differs from the character's common reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
    "区": "ou", "乐": "yue", "缪": "miao", "盖": "ge", "覃": "qin", "翟": "zhai",
    "召": "shao", "种": "chong", "任": "ren", "华": "hua", "纪": "ji", "尉迟": "yu chi",
    "万俟": "mo qi", "长孙": "zhang sun", "秘": "bi", "员": "yun", "句": "gou", "沈": "shen",
}  # fmt: skip


_SURNAMES_LONGEST_FIRST = sorted(SURNAME_READINGS, key=len, reverse=True)


@lru_cache(maxsize=200_000)
def name_pinyin(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) in lower case without spaces: 张伟 → ("zhangwei", "zw").

    Non-Chinese characters are kept as typed (lower-cased, spaces dropped), so "Tom 李"
    gives ("tomli", "tl")-style results that still match what staff type.
    """
    name = (name or "").strip()
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for surname in _SURNAMES_LONGEST_FIRST:
        if name.startswith(surname):
            syllables = SURNAME_READINGS[surname].split()
            rest = name[len(surname) :]
            break
    for part in lazy_pinyin(rest, style=Style.NORMAL, errors=lambda s: s.split()):
        part = part.strip().lower()
        if part:
            syllables.append(part)
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s and s[0].isalnum())
    return full[:200], initials[:50]


#: Two-character surnames: the given name starts after them (欧阳娜娜 → 娜娜).
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "令狐", "万俟", "端木", "独孤", "南宫", "西门", "轩辕",
)  # fmt: skip


def given_name(name: str, kind: str = "person") -> str:
    """The given name of a Chinese personal name (张小明 → 小明), "" when there is none — as
    for an organization (`kind`): 深圳市某某科技有限公司 has no given name 圳市某某….

    Stored so that a search for a given name is a prefix search on an index, not a substring
    scan of a million names.
    """
    name = (name or "").strip()
    if kind == "organization" or len(name) < 2:
        return ""
    if not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return ""
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return name[len(surname) :]
    return name[1:]


#: The stored fields derived from a customer's name, for search.
NAME_SEARCH_FIELDS = ("name_pinyin", "name_initials", "given_name")


def name_search_values(name: str, kind: str = "person") -> dict[str, str]:
    """The values of `NAME_SEARCH_FIELDS` for a customer's name and type."""
    pinyin, initials = name_pinyin(name)
    return {"name_pinyin": pinyin, "name_initials": initials, "given_name": given_name(name, kind)}


def set_name_search_fields(customer: Any) -> None:
    """Recompute a customer's `NAME_SEARCH_FIELDS` after its name or type changed (unsaved)."""
    for field, value in name_search_values(customer.name, customer.kind).items():
        setattr(customer, field, value)
