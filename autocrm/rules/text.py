"""Cleaning of free text typed by staff or read from an import file."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

#: Zero-width characters, and the bidirectional controls (U+202A-U+202E embeddings and
#: overrides, U+2066-U+2069 isolates) that make a value display otherwise than it reads
#: ("Trojan Source"): invisible, never meant, dropped like them (issue #13).
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def drop_zero_width(text: str) -> str:
    """`text` without zero-width characters and bidirectional controls (a search first: they
    are rare, and `str.translate` costs seven times as much as the search)."""
    return _ZERO_WIDTH_RE.sub("", text) if _ZERO_WIDTH_RE.search(text) else text


def clean_text(value: str | None) -> str:
    """Normalise free text typed by staff or read from an import file.

    Rule: NFKC-normalise (full-width letters, digits and punctuation become half-width, the
    ideographic space U+3000 becomes a plain space), drop zero-width characters (U+200B-U+200D,
    U+2060, U+FEFF, common in text pasted from WeChat or Excel) and bidirectional controls
    (U+202A-U+202E, U+2066-U+2069), strip, and collapse every
    internal whitespace run to a single space. ``None`` becomes ``""``.
    Source: Unicode Standard Annex #15 (NFKC); project data-entry conventions.
    """
    if value is None:
        return ""
    text = str(value)
    if not text.isascii():  # NFKC and zero-width characters only concern non-ASCII text
        text = drop_zero_width(unicodedata.normalize("NFKC", text))
    return " ".join(text.split())  # str.split's whitespace is the \s of a str pattern


_CJK_GAP_RE = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


def clean_name(value: str | None) -> str:
    """A person's or organization's name as `clean_text`, without the spaces typed between
    Chinese characters: 张　伟 (a two-character name padded to line up with three-character
    ones) is 张伟, 欧阳 娜娜 is 欧阳娜娜. Latin names keep theirs (Tom Li, Tom 李)."""
    text = clean_text(value)
    return _CJK_GAP_RE.sub("", text) if " " in text else text


@functools.lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # OpenCC's own binding: its dictionaries ship in the wheel (offline)

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=200_000)
def to_simplified(text: str) -> str:
    """`text` in simplified characters (張偉 → 张伟, 陳麗華 → 陈丽华), by OpenCC's t2s
    conversion; ASCII text is returned as it is."""
    if not text or text.isascii():
        return text
    return str(_t2s().convert(text))
