"""Resident identity card numbers (GB 11643) and unified social credit codes (GB 32100)."""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from autocrm.rules.regions import PROVINCE_CODES, lookup_region
from autocrm.rules.text import clean_text

_SEVENTEEN_DIGITS_RE = re.compile(r"\d{17}")

# ---------------------------------------------------------------------------
# Resident identity card (居民身份证)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResidentId:
    """A validated 18-digit resident identity card number and what it encodes."""

    number: str
    birth_date: date
    gender: str  # "M" / "F"
    region_code: str
    region_name: str


_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, ...
_ID_CHECK_CHARS = "10X98765432"


def id_check_digit(first17: str) -> str:
    """Return the check character for the first 17 digits of a resident ID number.

    Rule: ISO 7064 MOD 11-2: weights W_i = 2^(17-i) mod 11 (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2),
    S = sum(a_i * W_i), check = (12 - S mod 11) mod 11, where 10 is written "X".
    Source: GB 11643-1999 section 8.2; ISO/IEC 7064:2003.
    Raises ValueError when ``first17`` is not 17 digits.
    """
    if not _SEVENTEEN_DIGITS_RE.fullmatch(first17):
        raise ValueError("first17 must be exactly 17 digits")
    return _check_char(first17)


def _check_char(first17: str) -> str:
    """`id_check_digit` of 17 digits already checked to be digits."""
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


_ID_SEPARATORS_RE = re.compile(r"[\s\-]")
_OLD_ID_RE = re.compile(r"\d{15}")
_ID_RE = re.compile(r"\d{17}[\dX]")


def upgraded_id_number(value: str) -> str:
    """The 18-digit number of a first-generation 15-digit one (GB 11643-1999 appendix: "19"
    before the two-digit birth year, then the ISO 7064 check character), or "" when `value`
    is not a 15-digit number. The same person's current card carries this number; an import
    of legacy records takes it (and says so), manual entry still asks for the current card."""
    number = _ID_SEPARATORS_RE.sub("", clean_text(value))
    if not _OLD_ID_RE.fullmatch(number):
        return ""
    first17 = number[:6] + "19" + number[6:]
    return first17 + id_check_digit(first17)


def validate_id_number(value: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-character mainland resident identity card number.

    Rules (GB 11643-1999, "Citizen identification number"):

    * 17 digits followed by a check character (digit or X; lower-case x is accepted). Spaces
      are ignored. A 15-digit first-generation number is rejected with code
      ``id_number_old_format`` (those cards expired; ask for the 18-digit number).
      Anything else: ``invalid_id_number``.
    * the check character must match ISO 7064 MOD 11-2 (``id_number_checksum``);
    * digits 7-14 are the birth date YYYYMMDD: it must exist, not be in the future and give an
      age of at most 120 years on ``today`` (``id_number_birth_date``);
    * digits 1-6 are the administrative division code of the place of first registration:
      it must be known to python-stdnum's ``cn/loc`` data (GB/T 2260 history) and must still
      have existed in or after the birth year (``id_number_region``). python-stdnum's own
      ``get_birth_place`` requires the code to exist exactly in the birth year, which wrongly
      rejects people registered in a district created after they were born;
    * digit 17 (sequence code) is odd for men, even for women.
    """
    number = _ID_SEPARATORS_RE.sub("", clean_text(value)).upper()
    if _OLD_ID_RE.fullmatch(number):
        raise ValidationError(
            _(
                "This is an old 15-digit ID number; "
                "enter the 18-digit number from the current ID card."
            ),
            code="id_number_old_format",
        )
    if not _ID_RE.fullmatch(number):
        raise ValidationError(
            _("Enter a valid 18-character ID card number (17 digits and a digit or X)."),
            code="invalid_id_number",
        )
    if _check_char(number[:17]) != number[17]:  # 17 digits: `_ID_RE` matched
        raise ValidationError(
            _("This ID card number is not valid (the last character does not match)."),
            code="id_number_checksum",
        )
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _birth_date_error() from None
    today = today or date.today()
    age = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    if birth_date > today or age > 120:
        raise _birth_date_error()
    region_name = lookup_region(number[:6], birth_date.year)
    if region_name is None:
        raise ValidationError(
            _("The region code (first 6 digits) of this ID card number does not exist."),
            code="id_number_region",
        )
    return ResidentId(
        number=number,
        birth_date=birth_date,
        gender="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
        region_name=region_name,
    )


def _birth_date_error() -> ValidationError:
    """Made when raised: a ValidationError holds itself (`error_list`), so one made for every
    number checked is a reference cycle left for the garbage collector."""
    return ValidationError(
        _("The birth date in this ID card number is not a real, plausible date."),
        code="id_number_birth_date",
    )


_GENDER_ALIASES = {"M": "M", "MALE": "M", "男": "M", "F": "F", "FEMALE": "F", "女": "F"}


def check_id_matches(
    resident_id: ResidentId, *, birth_date: date | None, gender: str | None
) -> list[str]:
    """Cross-check a customer's birth date and gender against their ID card number.

    Rule: the ID number encodes both (GB 11643-1999); the returned list holds the names of the
    fields that contradict it, in the order ``["birth_date", "gender"]``. ``None`` (or an empty
    or unrecognised gender value) is "not provided", never a contradiction. Gender accepts
    "M"/"F", "male"/"female" (any case) and "男"/"女".
    """
    conflicts: list[str] = []
    if birth_date is not None and birth_date != resident_id.birth_date:
        conflicts.append("birth_date")
    normalised = _GENDER_ALIASES.get(clean_text(gender).upper()) if gender else None
    if normalised is not None and normalised != resident_id.gender:
        conflicts.append("gender")
    return conflicts


# ---------------------------------------------------------------------------
# Unified social credit code (统一社会信用代码)
# ---------------------------------------------------------------------------


def validate_uscc(value: str) -> str:
    """Validate an 18-character unified social credit code and return it upper-cased.

    Rule: 8 digits (registration authority, entity type, region) then 9 characters of the
    organisation code and a check character, alphabet 0-9 and A-Z without I, O, Z, S, V;
    the check character uses weights 3^i mod 31. Spaces and dashes are ignored.
    Source: GB 32100-2015; implemented by python-stdnum ``stdnum.cn.uscc``.
    """
    text = clean_text(value).upper()
    try:
        return stdnum_uscc.validate(text)
    except StdnumValidationError:
        raise ValidationError(
            _("Enter a valid 18-character unified social credit code."),
            code="invalid_uscc",
        ) from None


#: The first two digits of resident identity cards: the mainland's province-level regions,
#: and Taiwan, Hong Kong and Macau (residence permits).
_ID_PROVINCE_CODES = frozenset(PROVINCE_CODES) | {"71", "81", "82", "83"}


_RESIDENT_ID_SHAPE_RE = re.compile(r"^\d{17}[\dX]$")


def is_uscc_not_resident_id(value: str, *, inferring: bool = False) -> bool:
    """An ID-number cell holding an organization's unified social credit code: a valid USCC
    that is not a valid resident ID. When `inferring` the customer type from it, a value
    shaped like a resident ID (digits, a province code first) that fails the ID-card check is
    still not taken for a USCC: a mistyped ID card passes the USCC check 1 time in 31."""
    if len(value) != 18:
        return False
    if inferring and value[:2] in _ID_PROVINCE_CODES and _RESIDENT_ID_SHAPE_RE.match(value):
        return False
    try:
        validate_uscc(value)
    except ValidationError:
        return False
    try:
        validate_id_number(value)
    except ValidationError:
        return True
    return False
