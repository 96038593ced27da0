"""Clean raw cell values before validation: what Excel, Access and DMS exports do to data.

Each cleaner takes the raw cell (str, int, float, bool, date or datetime as calamine gives it)
and returns the cleaned value; a value that cannot be understood raises `CellError`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

EMPTY_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "/", "无", "暂无", "n/a", "na", "null", "none", "nil", "#n/a", "空"}
)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_PHONE_JUNK_RE = re.compile(r"[\s\-.()（）]")
_EXCEL_EPOCH = date(1899, 12, 30)  # the 1900 date system, including Lotus's 1900-02-29 bug
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_FLOAT_TAIL_RE = re.compile(r"^\+?\d+\.0+$")
_SERIAL_RE = re.compile(r"^\d{4,5}(?:\.\d+)?$")


class CellError(Exception):
    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def text(value: Any) -> str:
    """NFKC (full-width → half-width), zero-width characters dropped, spaces collapsed;
    placeholders such as '无', 'N/A', 'null', '—' become empty. Floats that are whole
    numbers lose their '.0' (13800138000.0 → '13800138000')."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        value = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        value = value.date().isoformat() if not value.time() else value.isoformat(" ")
    elif not isinstance(value, str):
        value = str(value)
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value).translate(_ZERO_WIDTH)
    cleaned = " ".join(value.split())
    return "" if cleaned.lower() in EMPTY_MARKERS else cleaned


def phone(value: Any) -> str:
    """Separators removed, a leading +86 / 0086 / 86 kept for the validator to judge."""
    cleaned = text(value)
    if not cleaned:
        return ""
    if _FLOAT_TAIL_RE.match(cleaned):  # a number stored as a float: 13800138000.0
        cleaned = cleaned.split(".", 1)[0]
    compact = _PHONE_JUNK_RE.sub("", cleaned)
    # A landline with an extension keeps its spelling for the landline validator.
    return compact if compact.lstrip("+").isdigit() else cleaned


def compact_upper(value: Any) -> str:
    """VINs and ID numbers: spaces removed, upper case."""
    return text(value).replace(" ", "").upper()


def plate(value: Any) -> str:
    return compact_upper(value)


def gender(value: Any) -> str:
    cleaned = text(value)
    return {"先生": "男", "女士": "女", "小姐": "女"}.get(cleaned, cleaned)


def a_date(value: Any) -> date | None:
    """Excel serials (1900 system), date cells and the common spellings: 2023-1-5,
    2023/01/05, 2023.1.5, 2023年1月5日, 20230105."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(float(value))
    cleaned = text(value)
    if not cleaned:
        return None
    match = _DATE_RE.match(cleaned) or _COMPACT_DATE_RE.match(cleaned)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(_("Not a real date.")) from None
    if _SERIAL_RE.match(cleaned):
        return _serial(float(cleaned))
    raise CellError(_("Not a date; write it as 2023-01-05."))


def _serial(serial: float) -> date:
    if not 1 <= serial < 2958466:
        raise CellError(_("Not a date; write it as 2023-01-05."))
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("Enter a whole number."))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return round(value)
    cleaned = text(value).replace(",", "").lower()
    for unit in ("公里", "km", "千米"):
        cleaned = cleaned.removesuffix(unit).strip()
    if not cleaned:
        return None
    try:
        return round(float(cleaned))
    except ValueError:
        raise CellError(_("Enter a whole number.")) from None


def money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    cleaned = text(value).replace(",", "").replace("¥", "").replace("元", "").strip()
    if not cleaned:
        return None
    multiplier = Decimal(1)
    if cleaned.endswith("万"):
        cleaned, multiplier = cleaned[:-1], Decimal(10000)
    try:
        amount = (Decimal(cleaned) * multiplier).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(_("Enter an amount in yuan, e.g. 158000.")) from None
    if amount < 0 or amount >= Decimal("10000000000"):
        raise CellError(_("Enter an amount in yuan, e.g. 158000."))
    return amount


#: Which cleaner each target field uses.
CLEANERS = {
    "mobile": phone,
    "landline": phone,
    "id_number": compact_upper,
    "vin": compact_upper,
    "plate_number": plate,
    "gender": gender,
    "birth_date": a_date,
    "purchase_date": a_date,
    "mileage_km": integer,
    "purchase_price": money,
    "postcode": lambda v: text(v).replace(" ", ""),
}


def clean_cell(key: str, value: Any) -> Any:
    return CLEANERS.get(key, text)(value)
