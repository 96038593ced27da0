"""Pure field-validation rules used at data entry and at import.

Every rule is a small pure function: it takes the raw value a member of staff typed (or an
import file contained), and either returns the normalised value or raises
``django.core.exceptions.ValidationError`` with a stable ``code``. Messages are English
``gettext_lazy`` strings; the Chinese translation lives in the project's ``.po`` file.

This module must stay importable without Django settings: it only imports
``ValidationError``, ``gettext_lazy`` and ``django.core.validators.validate_email``.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email as django_validate_email
from django.utils.translation import gettext_lazy as _
from phonenumbers import PhoneMetadata, PhoneNumberType, phonenumberutil
from stdnum import numdb
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

__all__ = [
    "ResidentId",
    "check_id_matches",
    "clean_text",
    "id_check_digit",
    "is_placeholder_name",
    "is_suspicious_mobile",
    "normalize_landline",
    "normalize_mobile",
    "validate_email",
    "validate_id_number",
    "validate_plate_number",
    "validate_uscc",
    "validate_vin",
    "vin_check_digit",
]

# ---------------------------------------------------------------------------
# Text cleaning
# ---------------------------------------------------------------------------

_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def drop_zero_width(text: str) -> str:
    """`text` without zero-width characters (a search first: they are rare, and
    `str.translate` costs seven times as much as the search)."""
    return _ZERO_WIDTH_RE.sub("", text) if _ZERO_WIDTH_RE.search(text) else text


_WHITESPACE_RUN = re.compile(r"\s+")


def clean_text(value: str | None) -> str:
    """Normalise free text typed by staff or read from an import file.

    Rule: NFKC-normalise (full-width letters, digits and punctuation become half-width, the
    ideographic space U+3000 becomes a plain space), drop zero-width characters (U+200B-U+200D,
    U+2060, U+FEFF, common in text pasted from WeChat or Excel), strip, and collapse every
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


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------

_ELEVEN_DIGITS_RE = re.compile(r"\d{11}")
_SEVENTEEN_DIGITS_RE = re.compile(r"\d{17}")
_WHITESPACE_RE = re.compile(r"\s")
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
    metadata's number-type patterns are asked directly (ten times faster, which an import of
    100,000 rows notices). Any libphonenumber failure counts as "not valid".
    """
    try:
        metadata = PhoneMetadata.metadata_for_region("CN")
        return phonenumberutil._number_type_helper(national.removeprefix("0"), metadata) in types
    except Exception:  # noqa: BLE001 - any phonenumbers failure means "not valid"
        return False


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
_PSEUDO_REGION_NAMES = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位", "省直辖行政单位"}
)
_REGION_ENTRY_RE = re.compile(r"^(?:\[(?P<start>\d*)-(?P<end>\d*)\])?(?P<name>.+)$")


def id_check_digit(first17: str) -> str:
    """Return the check character for the first 17 digits of a resident ID number.

    Rule: ISO 7064 MOD 11-2: weights W_i = 2^(17-i) mod 11 (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2),
    S = sum(a_i * W_i), check = (12 - S mod 11) mod 11, where 10 is written "X".
    Source: GB 11643-1999 section 8.2; ISO/IEC 7064:2003.
    Raises ValueError when ``first17`` is not 17 digits.
    """
    if not _SEVENTEEN_DIGITS_RE.fullmatch(first17):
        raise ValueError("first17 must be exactly 17 digits")
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


def _region_entry_name(raw: str, year: int) -> str | None:
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
def _lookup_region(code: str, year: int) -> str | None:
    """Return the name for a six-digit region code from python-stdnum's data, or None."""
    db = numdb.get("cn/loc")
    info = db.info(code)
    if len(info) != 2 or "province" not in info[0][1] or "county" not in info[1][1]:
        return None
    province = info[0][1]["province"]
    county = _region_entry_name(info[1][1]["county"], year)
    if county is None:
        return None
    parts = [province]
    if not code.endswith("00"):
        prefecture_info = db.info(code[:4] + "00")
        if len(prefecture_info) == 2 and "county" in prefecture_info[1][1]:
            prefecture = _region_entry_name(prefecture_info[1][1]["county"], year)
            if prefecture:
                parts.append(prefecture)
    parts.append(county)
    name = ""
    for part in parts:
        if part not in _PSEUDO_REGION_NAMES and part not in name:
            name += part
    return name


_ID_SEPARATORS_RE = re.compile(r"[\s\-]")
_OLD_ID_RE = re.compile(r"\d{15}")
_ID_RE = re.compile(r"\d{17}[\dX]")


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
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID card number is not valid (the last character does not match)."),
            code="id_number_checksum",
        )
    birth_error = ValidationError(
        _("The birth date in this ID card number is not a real, plausible date."),
        code="id_number_birth_date",
    )
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise birth_error from None
    today = today or date.today()
    age = (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )
    if birth_date > today or age > 120:
        raise birth_error
    region_name = _lookup_region(number[:6], birth_date.year)
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


# ---------------------------------------------------------------------------
# Vehicle identification number
# ---------------------------------------------------------------------------

_VIN_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_ALPHABET_RE = re.compile(r"[0-9A-HJ-NPR-Z]{17}")


def _compact_vin(value: str) -> str:
    """Upper-case, drop whitespace and check length and alphabet (codes as validate_vin)."""
    vin = _WHITESPACE_RE.sub("", clean_text(value)).upper()
    if len(vin) != 17:
        raise ValidationError(
            _("A VIN has exactly 17 characters."),
            code="vin_length",
        )
    if not _VIN_ALPHABET_RE.fullmatch(vin):
        raise ValidationError(
            _("A VIN may only contain digits and the letters A-Z except I, O and Q."),
            code="vin_characters",
        )
    return vin


def vin_check_digit(vin: str) -> str:
    """Compute the check digit (position 9) of a 17-character VIN.

    Rule: letters are transliterated (A=1 ... H=8, J=1 ... N=5, P=7, R=9, S=2 ... Z=9), each
    value is multiplied by the weight of its position (8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2), the
    sum is taken mod 11 and a remainder of 10 is written "X". Position 9 itself has weight 0, so
    whatever is there is ignored.
    Source: ISO 3779 / 49 CFR 565.15; GB 16735-2019 (Road vehicles - VIN) annex on the check
    digit. Raises ValidationError (``vin_length`` / ``vin_characters``) on malformed input.
    """
    compact = _compact_vin(vin)
    total = sum(map(operator.mul, map(_VIN_VALUES.__getitem__, compact), _VIN_WEIGHTS))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(value: str) -> str:
    """Validate a vehicle identification number and return it compact and upper-case.

    Rule: 17 characters after removing spaces (``vin_length``), only 0-9 and A-Z without I, O, Q
    (``vin_characters``), and position 9 must equal the ISO 3779 check digit
    (``vin_check_digit``); GB 16735 makes the check digit mandatory for vehicles registered in
    China.
    """
    vin = _compact_vin(value)
    if vin[8] != vin_check_digit(vin):
        raise ValidationError(
            _("This VIN is not valid: the check digit (9th character) does not match."),
            code="vin_check_digit",
        )
    return vin


# ---------------------------------------------------------------------------
# Licence plates
# ---------------------------------------------------------------------------

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # A-Z without I and O
_ORDINARY_PLATE_RE = re.compile(
    rf"^[{_PROVINCES}][{_PLATE_LETTER}][{_PLATE_LETTER}0-9]{{4}}[{_PLATE_LETTER}0-9挂学警港澳]$"
)
_NEV_PLATE_RE = re.compile(
    rf"^[{_PROVINCES}][{_PLATE_LETTER}]"
    rf"(?:[DFABCEGHJK][{_PLATE_LETTER}0-9]\d{{4}}|\d{{5}}[DFABCEGHJK])$"
)
_PLATE_SEPARATORS = re.compile(r"[\s·•・.\-]")


def validate_plate_number(value: str) -> str:
    """Validate a mainland China civil licence plate and return it compact and upper-case.

    Rule: spaces, middle dots and dashes are removed (``京A·12345`` -> ``京A12345``).

    * ordinary plates, 7 characters: province abbreviation + issuing-authority letter (A-Z
      without I/O) + 5 characters from A-Z/0-9 without I/O; the last one may instead be
      挂 (trailer), 学 (driving school), 警 (police), 港 or 澳 (Hong Kong / Macau cross-border);
    * new-energy plates, 8 characters: province + letter + either a small-vehicle tail
      ``[DFABCEGHJK][A-HJ-NP-Z0-9]\\d{4}`` or a large-vehicle tail ``\\d{5}[DFABCEGHJK]``.

    Embassy (使), consulate (领), armed police (WJ), military and temporary plates are
    deliberately NOT accepted: a dealership CRM only records civil plates.
    Source: GA 36-2018 (Motor vehicle number plates of the PRC) and its 2016 new-energy
    amendment.
    """
    plate = _PLATE_SEPARATORS.sub("", clean_text(value)).upper()
    if _ORDINARY_PLATE_RE.match(plate) or _NEV_PLATE_RE.match(plate):
        return plate
    raise ValidationError(
        _("Enter a valid licence plate, e.g. 京A12345 or 沪AD12345 (new-energy)."),
        code="invalid_plate_number",
    )


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------


def validate_email(value: str) -> str:
    """Validate an e-mail address and return it trimmed with the domain lower-cased.

    Rule: Django's ``EmailValidator`` (RFC 5322 dot-atom / quoted local part, RFC 1034 domain,
    IDN allowed) after NFKC (so a full-width ``＠`` works); the local part keeps its case (it is
    case-sensitive per RFC 5321 section 2.4), the domain is lower-cased. A domain without a dot
    (e.g. ``localhost``, which Django allows) is rejected: customers do not have such addresses.
    """
    local, at, domain = clean_text(value).rpartition("@")
    normalised = f"{local}@{domain.lower()}"
    try:
        if not at or not local or "." not in domain:
            raise ValidationError("")
        django_validate_email(normalised)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid_email") from None
    return normalised


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

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
_COMPOUND_SURNAMES = (
    "欧阳|司马|诸葛|上官|东方|皇甫|令狐|慕容|尉迟|夏侯|公孙|宇文|长孙|司徒|端木|独孤|南宫|西门"
)
_SURNAME_TITLE_RE = re.compile(
    rf"^(?:{_COMPOUND_SURNAMES}|[\u4e00-\u9fff])(?:先生|女士|小姐|老板|总|经理|师傅)$"
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
