"""Pinyin of customer names, for search by pinyin and by initials (e.g. "zw" → 张伟)."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

#: Surnames whose reading differs from the character's common reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
    "区": "ou", "乐": "yue", "缪": "miao", "盖": "ge", "覃": "qin", "翟": "zhai",
    "召": "shao", "种": "chong", "任": "ren", "华": "hua", "纪": "ji", "尉迟": "yu chi",
    "万俟": "mo qi", "长孙": "zhang sun", "秘": "bi", "员": "yun", "句": "gou", "沈": "shen",
}  # fmt: skip


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
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
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
