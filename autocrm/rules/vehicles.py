"""Vehicle identification numbers (ISO 3779 / GB 16735) and licence plates (GA 36)."""

from __future__ import annotations

import operator
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from autocrm.rules.regions import PLATE_PROVINCES
from autocrm.rules.text import clean_text

_WHITESPACE_RE = re.compile(r"\s")

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
    return _check_digit(_compact_vin(vin))


def _check_digit(compact: str) -> str:
    """`vin_check_digit` of a VIN `_compact_vin` has already checked."""
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
    if vin[8] != _check_digit(vin):  # compact already: not compacted and checked again
        raise ValidationError(
            _("This VIN is not valid: the check digit (9th character) does not match."),
            code="vin_check_digit",
        )
    return vin


# ---------------------------------------------------------------------------
# Licence plates
# ---------------------------------------------------------------------------


_PLATE_LETTER = "A-HJ-NP-Z"  # A-Z without I and O
_ORDINARY_PLATE_RE = re.compile(
    rf"^[{PLATE_PROVINCES}][{_PLATE_LETTER}][{_PLATE_LETTER}0-9]{{4}}[{_PLATE_LETTER}0-9挂学警港澳]$"
)
_NEV_PLATE_RE = re.compile(
    rf"^[{PLATE_PROVINCES}][{_PLATE_LETTER}]"
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
