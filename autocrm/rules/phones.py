"""Mobile and landline numbers: normalised to E.164, and the made-up mobiles staff type."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneNumberType

from autocrm.rules.cn_phone_types import cn_number_type
from autocrm.rules.text import clean_text

_ELEVEN_DIGITS_RE = re.compile(r"\d{11}")
_PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def _strip_country_code(digits: str) -> tuple[str, bool]:
    """Remove a leading +86 / 0086 from a separator-free number.

    Returns the remainder and whether a country code was present.
    """
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            return digits[len(prefix) :], True
    return digits, False


def normalize_mobile(value: str) -> str:
    """Normalise a mainland China mobile number to E.164 (``+8613812345678``).

    Rule: after NFKC (full-width digits) and removing spaces, dashes, dots and parentheses,
    an optional ``+86`` / ``0086`` prefix, or a bare ``86`` prefix in front of 11 digits, is
    dropped; what remains must match ``^1[3-9]\\d{9}$`` and be a valid number of type MOBILE
    (or FIXED_LINE_OR_MOBILE) for region CN according to libphonenumber.
    Source: MIIT numbering plan for public mobile networks (11-digit numbers starting with 1);
    Google libphonenumber metadata for CN. Any libphonenumber exception (e.g. on the IP-dialling
    prefix 179xx) is reported as ``invalid_mobile``, never propagated.
    """
    digits = _PHONE_SEPARATORS.sub("", clean_text(value))
    digits, _had_code = _strip_country_code(digits)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if not _MOBILE_RE.match(digits) or not _has_type(digits, _MOBILE_TYPES):
        raise ValidationError(
            _("Enter a valid mainland China mobile number (11 digits starting with 1)."),
            code="invalid_mobile",
        )
    return "+86" + digits


_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_FIXED_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def _has_type(national: str, types: frozenset[int]) -> bool:
    """Whether libphonenumber deems `national` (a CN number as dialled inside China, trunk
    prefix 0 included for landlines) a valid number of one of `types`.

    The same verdict as `parse(national, "CN")` followed by `is_valid_number` and
    `number_type`, without the parsing: the input is already bare digits, so the CN
    metadata's number-type patterns are asked directly (`cn_number_type`, ten times faster,
    which an import of 100,000 rows notices). Any libphonenumber failure counts as "not
    valid".
    """
    try:
        number_type = cn_number_type(national.removeprefix("0"))
    except Exception:  # noqa: BLE001 - any phonenumbers failure means "not valid"
        return False
    return number_type is not None and number_type in types


_EXTENSION_WORD_RE = re.compile(
    r"^(?P<main>.*?)\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6})$", re.I
)
_LANDLINE_RE = re.compile(r"0[1-9][0-9]{8,10}")
_EXTENSION_DASH_RE = re.compile(r"^(?P<main>.*\d{8})\s*-\s*(?P<ext>\d{1,6})$")


def normalize_landline(value: str) -> str:
    """Normalise a mainland China fixed-line number with area code to E.164.

    Rule: accepted shapes are ``010-12345678``, ``0755 8888 8888``, ``(021)12345678`` and
    ``+86 21 1234 5678`` (``+86``/``0086`` replaces the trunk prefix 0). An extension may follow
    as ``转123``, ``分机123``, ``ext 123``, ``x123``, ``#123`` or, only after an 8-digit
    subscriber number, ``-123``; it is kept RFC 3966 style: ``+862112345678;ext=123``.
    Without a country code the number must start with the trunk prefix 0 followed by the area
    code, so a bare local number (``12345678``) is rejected, as are mobiles, service numbers
    (400/800, 95xxx: they have no area code) and numbers libphonenumber does not consider a
    valid FIXED_LINE (or FIXED_LINE_OR_MOBILE) number for region CN.
    Source: MIIT telephone numbering plan (area codes 10, 2x, 3-4 digit codes);
    RFC 3966 section 5.1.5 (extension parameter); libphonenumber CN metadata.
    """
    text = clean_text(value)
    extension = ""
    match = _EXTENSION_WORD_RE.match(text) or _EXTENSION_DASH_RE.match(text)
    if match:
        text, extension = match.group("main"), match.group("ext")
    digits = _PHONE_SEPARATORS.sub("", text)
    national, had_code = _strip_country_code(digits)
    if had_code:
        national = "0" + national.removeprefix("0")
    if not _LANDLINE_RE.fullmatch(national) or not _has_type(national, _FIXED_TYPES):
        raise ValidationError(
            _(
                "Enter a valid landline number including the area code, "
                "e.g. 010-12345678 or 0755-88888888."
            ),
            code="invalid_landline",
        )
    e164 = "+86" + national[1:]  # the trunk prefix 0 gives way to the country code
    return f"{e164};ext={extension}" if extension else e164


_SAME_AFTER_ONE_RE = re.compile(r"^1(\d)\1{9}$")
_KNOWN_FAKE_MOBILES = frozenset({"13800138000"})


def is_suspicious_mobile(e164: str) -> bool:
    """Flag mainland mobile numbers that staff type to get past a required field.

    Rules (on the 11-digit national number; input may be E.164 ``+86...`` or 11 bare digits):

    1. every digit after the leading 1 is the same (``13333333333``, ``11111111111``);
    2. the number is a known placeholder: ``13800138000`` (China Mobile's famous example
       number);
    3. the number starts with the sequence ``1234567890`` (``12345678901``, ``12345678900``);
    4. the last 8 or more digits are the same digit (``13900000000``, ``18688888888``).

    Ascending runs such as ``13812345678`` are NOT flagged: that shape is a real, sold pattern.
    Anything that is not 11 digits after removing ``+86`` returns False (the number is then
    invalid, not suspicious; use ``normalize_mobile`` for that).
    Source: project data-quality rules (accuracy score).
    """
    digits = (e164 or "").strip()
    digits = digits.removeprefix("+86")
    if not _ELEVEN_DIGITS_RE.fullmatch(digits):
        return False
    if _SAME_AFTER_ONE_RE.match(digits) or digits in _KNOWN_FAKE_MOBILES:
        return True
    if digits.startswith("1234567890"):
        return True
    return len(set(digits[-8:])) == 1
