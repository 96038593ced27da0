"""libphonenumber's number type of a CN national number, with the CN patterns compiled once.

`phonenumberutil._number_type_helper` looks every pattern up again (`re_compile`) and walks
its descriptions through two helper calls each, for each number: a fifth of a mobile's check
in an import. This asks the same descriptions in the same order with the same tests (the
possible lengths first, then a full match of the national number pattern), so its verdict
is libphonenumber's.
"""

from __future__ import annotations

import functools
import re

from phonenumbers import PhoneMetadata, PhoneNumberType

#: (lengths, pattern): lengths empty when any length may match, pattern None when none does.
_Desc = tuple[frozenset[int], re.Pattern[str] | None]

#: The descriptions `_number_type_helper` tries before the fixed-line and mobile ones.
_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)


def _desc(number_desc: object) -> _Desc:
    if number_desc is None:
        return frozenset(), None
    pattern = getattr(number_desc, "national_number_pattern", None)
    lengths = frozenset(getattr(number_desc, "possible_length", None) or ())
    return lengths, re.compile(pattern) if pattern else None


@functools.cache
def _cn_descs() -> tuple[_Desc, tuple[tuple[int, _Desc], ...], _Desc, _Desc, bool] | None:
    """The CN metadata's descriptions, in the order they are tried (None without metadata)."""
    metadata = PhoneMetadata.metadata_for_region("CN")
    if metadata is None:
        return None
    specials = tuple((kind, _desc(getattr(metadata, name))) for name, kind in _SPECIAL_TYPES)
    return (
        _desc(metadata.general_desc),
        specials,
        _desc(metadata.fixed_line),
        _desc(metadata.mobile),
        bool(metadata.same_mobile_and_fixed_line_pattern),
    )


def _matches(national: str, desc: _Desc) -> bool:
    lengths, pattern = desc
    if lengths and len(national) not in lengths:
        return False
    return pattern is not None and pattern.fullmatch(national) is not None


def cn_number_type(national: str) -> int | None:
    """`_number_type_helper(national, CN metadata)`; None when there is no CN metadata."""
    descs = _cn_descs()
    if descs is None:
        return None
    general, specials, fixed_line, mobile, same_pattern = descs
    if not _matches(national, general):
        return PhoneNumberType.UNKNOWN
    for kind, desc in specials:
        if _matches(national, desc):
            return kind
    if _matches(national, fixed_line):
        if same_pattern or _matches(national, mobile):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE
    if not same_pattern and _matches(national, mobile):
        return PhoneNumberType.MOBILE
    return PhoneNumberType.UNKNOWN
