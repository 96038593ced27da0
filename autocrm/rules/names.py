"""Chinese personal names: pinyin and initials for search (e.g. "zw" → 张伟), the given name,
the compound surnames, and the placeholder names staff type to get past a required field."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from autocrm.rules.text import clean_text

#: Surnames whose reading differs from the character's common reading.
SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha",
    "区": "ou", "乐": "yue", "缪": "miao", "盖": "ge", "覃": "qin", "翟": "zhai",
    "召": "shao", "种": "chong", "任": "ren", "华": "hua", "纪": "ji", "尉迟": "yu chi",
    "万俟": "mo qi", "长孙": "zhang sun", "秘": "bi", "员": "yun", "句": "gou", "沈": "shen",
}  # fmt: skip


_SURNAMES_LONGEST_FIRST = sorted(SURNAME_READINGS, key=len, reverse=True)


def _split_words(chars: str) -> list[str]:
    """pypinyin's `errors` callback: a run of characters without pinyin, as its words."""
    return chars.split()


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
    for part in lazy_pinyin(
        rest,
        style=Style.NORMAL,
        errors=_split_words,  # type: ignore[arg-type]  # pypinyin allows a list; its stub says str
    ):
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
    if not _ALL_CJK_RE.fullmatch(name):
        return ""
    for length in _COMPOUND_LENGTHS:
        if len(name) > length and name[:length] in _COMPOUND_SET:
            return name[length:]
    return name[1:]


_ALL_CJK_RE = re.compile("[\u4e00-\u9fff]+")
_COMPOUND_SET = frozenset(COMPOUND_SURNAMES)
#: Every compound surname has two characters: a name starts with at most one of them.
_COMPOUND_LENGTHS = tuple(sorted({len(s) for s in COMPOUND_SURNAMES}))


#: The stored fields derived from a customer's name, for search.
NAME_SEARCH_FIELDS = ("name_pinyin", "name_initials", "given_name")


def name_search_values(name: str, kind: str = "person") -> dict[str, str]:
    """The values of `NAME_SEARCH_FIELDS` for a customer's name and type."""
    pinyin, initials = name_pinyin(name)
    return {"name_pinyin": pinyin, "name_initials": initials, "given_name": given_name(name, kind)}


# --- placeholder names ---------------------------------------------------------------------

_PLACEHOLDER_WORDS = frozenset(
    {
        "无",
        "未知",
        "不详",
        "不知道",
        "暂无",
        "test",
        "测试",
        "客户",
        "顾客",
        "先生",
        "女士",
        "小姐",
        "老板",
        "某某",
        "xxx",
        "na",
        "n/a",
        "none",
        "null",
        "unknown",
    }
)
_SURNAME_TITLE_RE = re.compile(
    rf"^(?:{'|'.join(COMPOUND_SURNAMES)}|[\u4e00-\u9fff])(?:先生|女士|小姐|老板|总|经理|师傅)$"
)
_PLACEHOLDER_WITH_NUMBER_RE = re.compile(r"^(?:test|测试|客户|顾客)\d*$")


def is_placeholder_name(name: str) -> bool:
    """Return True for obviously fake or partial customer names.

    Staff type these to get past a required field; the accuracy score counts them as wrong.
    Rules (after ``clean_text``, ignoring spaces and case):

    * empty, or no letter at all (digits only, punctuation only: ``123``, ``--``);
    * a placeholder word: 无, 未知, 不详, 不知道, 暂无, 测试, test, 客户, 顾客, 某某, xxx,
      na, n/a, none, null, unknown, or a title alone (先生, 女士, 小姐, 老板);
    * 测试 / test / 客户 / 顾客 followed by digits (``测试1``, ``test123``, ``客户2``);
    * a single surname (one character, or a common compound surname such as 欧阳) followed by
      a form of address: 先生, 女士, 小姐, 老板, 总, 经理, 师傅 (``王先生``, ``李女士``,
      ``张总``, ``欧阳先生``);
    * a single Chinese character (a surname alone, ``王``);
    * the same character repeated three or more times (``aaa``, ``啊啊啊``, ``111``).

    Source: project data-quality rules (accuracy score).
    """
    text = clean_text(name).replace(" ", "").lower()
    if not text or not any(char.isalpha() for char in text):
        return True
    if text in _PLACEHOLDER_WORDS or _PLACEHOLDER_WITH_NUMBER_RE.match(text):
        return True
    if _SURNAME_TITLE_RE.match(text):
        return True
    if len(text) == 1 and "\u4e00" <= text <= "\u9fff":
        return True
    return len(text) >= 3 and len(set(text)) == 1


_NICKNAME_RE = re.compile(r"^[老小阿][\u4e00-\u9fff]$")


def is_nickname(name: str) -> bool:
    """A familiar form of address rather than a name: 老王, 小李, 阿强 (a prefix 老 / 小 / 阿 and
    one character). Like a placeholder it says too little to merge two records on.

    Source: project identity rules (issue #12: the bulk merge never merges on a nickname).
    """
    return bool(_NICKNAME_RE.match(clean_text(name).replace(" ", "")))


# --- organizations -------------------------------------------------------------------------

#: A name ending in one of these (and at least 4 characters long) is an organization's.
ORGANIZATION_NAME_ENDINGS = (
    "有限公司", "分公司", "公司", "集团", "厂", "银行", "医院", "学校", "大学", "学院",
    "研究所", "研究院", "事务所", "合作社", "委员会", "政府", "局", "中心", "协会", "商行",
    "经营部", "门市部", "工作室", "车队",
)  # fmt: skip


_TRAILING_BRACKET_RE = re.compile(r"[(（][^()（）]*[)）]$")


def is_organization_name(name: str) -> bool:
    """深圳市某某科技有限公司, 南山区人民医院, 某某车队（南山）: an organization, by its name."""
    name = _TRAILING_BRACKET_RE.sub("", name.strip()).strip()
    return len(name) >= 4 and name.endswith(ORGANIZATION_NAME_ENDINGS)
