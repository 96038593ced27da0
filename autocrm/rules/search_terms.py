"""Reading what staff type in the search box: a last-4 mobile, a plate, a VIN, a name …"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autocrm.rules.regions import PLATE_PROVINCES
from autocrm.rules.text import clean_text

_MOBILE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9})$")
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
_VIN_FRAGMENT = re.compile(r"^(?=.*\d)(?=.*[A-Z])[A-HJ-NPR-Z0-9]{5,16}$|^\d{6,8}$")
_PLATE = re.compile(rf"^[{PLATE_PROVINCES}][A-Z0-9]{{0,7}}$|^[A-Z]\d{{3,5}}[A-Z0-9]?$")
_LATIN = re.compile(r"^[a-z]+$")


@dataclass(frozen=True)
class SearchTerm:
    kind: (
        str  # mobile_last4 | mobile | mobile_fragment | vin | vin_fragment | plate | pinyin | name
    )
    value: str


def classify_search(raw: str) -> SearchTerm | None:
    """Decide what a search string is. Digits: 4 → last-4 mobile; 11 → full mobile; 17 letters
    and digits → VIN; a province character first → plate; latin letters → pinyin; else name."""
    text = clean_text(raw)
    if not text:
        return None
    compact = re.sub(r"[\s\-·.]", "", text)
    upper = compact.upper()
    if re.fullmatch(r"\d{4}", compact):
        return SearchTerm("mobile_last4", compact)
    mobile = _MOBILE.match(compact.replace("+", "+", 1))
    if mobile:
        return SearchTerm("mobile", "+86" + mobile.group(1))
    if _VIN.match(upper) and any(c.isdigit() for c in upper):
        return SearchTerm("vin", upper)
    if compact[:1] in PLATE_PROVINCES and len(compact) >= 2 and _PLATE.match(upper):
        return SearchTerm("plate", upper)
    if re.fullmatch(r"\d{6,8}", compact):
        # 6–8 digits: part of a mobile, or the serial at the end of a VIN (车架号后六位).
        return SearchTerm("digits", compact)
    if re.fullmatch(r"\d{5,10}", compact):
        return SearchTerm("mobile_fragment", compact)
    if re.fullmatch(r"[A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,6}", upper) and any(c.isdigit() for c in upper):
        # A plate typed without its province (B12345), or the end of a VIN.
        return SearchTerm("plate_or_vin", upper)
    if _VIN_FRAGMENT.match(upper):
        return SearchTerm("vin_fragment", upper)
    if _LATIN.match(compact.lower()):
        return SearchTerm("pinyin", compact.lower())
    return SearchTerm("name", text)


def search_kind_label(kind: str) -> str:
    from django.utils.translation import gettext as _

    labels = {
        "mobile_last4": _("last 4 digits of the mobile"),
        "mobile": _("mobile number"),
        "mobile_fragment": _("part of a mobile number"),
        "vin": _("VIN"),
        "vin_fragment": _("end of a VIN"),
        "digits": _("part of a mobile or the end of a VIN"),
        "plate_or_vin": _("plate number or end of a VIN"),
        "plate": _("plate number"),
        "pinyin": _("pinyin or initials"),
        "name": _("name"),
    }
    return labels.get(kind, kind)
