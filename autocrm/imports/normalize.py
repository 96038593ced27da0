"""Clean raw cell values before validation: what Excel, Access and DMS exports do to data.

Each cleaner takes the raw cell (str, int, float, bool, date or datetime as calamine gives it)
and returns the cleaned value; a value that cannot be understood raises `CellError`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from autocrm.rules.text import drop_zero_width

EMPTY_MARKERS = frozenset(
    {"", "-", "--", "—", "——", "/", "无", "暂无", "n/a", "na", "null", "none", "nil", "#n/a", "空"}
)
_PHONE_JUNK_RE = re.compile(r"[\s\-.()（）]")
_EXCEL_EPOCH = date(1899, 12, 30)  # the 1900 date system, including Lotus's 1900-02-29 bug
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?(?:[ T].*)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
#: Day and month first, year last: 30/11/2022 (D/M/Y) or 11/30/2022 (M/D/Y), with a time tail.
_YEAR_LAST_RE = re.compile(r"^(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})(?:[ T].*)?$")
#: A year and month without a day: 2023-01, 2023.1, 2023年1月, 202301.
_YEAR_MONTH_RE = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))$")
DMY, MDY = "dmy", "mdy"
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
    if value.startswith("'"):  # Excel's mark for "keep as text" ('13800138000), not data
        value = value[1:]
    if not value.isascii():
        value = drop_zero_width(unicodedata.normalize("NFKC", value))
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


#: Between the numbers of a cell holding several (13800138000/13900139000, … 或 …).
_NUMBER_LIST_RE = re.compile(r"\s*(?:[/、,，;；|]|或)\s*")
#: A cell that may hold several numbers: a separator above, or digits on both sides of a
#: space in a cell too long for one number (13812345678 13987654321).
_SEVERAL_RE = re.compile(r"[/、,，;；|或]|\d\s+\d.{7,}\d")
#: One whole phone number as the cell cleaners leave it (separators removed): a mobile, or
#: a landline with its area code.
_ONE_NUMBER_RE = re.compile(r"(?:\+?86|0086)?1[3-9]\d{9}|0[1-9]\d{8,10}")


def may_hold_several(value: str) -> bool:
    """Cheaply: whether a mobile cell may hold more than one number."""
    return _SEVERAL_RE.search(value) is not None


def _split_on_spaces(part: str) -> list[str]:
    """A part written with spaces: one number (138 1234 5678, 0755 8888 6666) or several
    (13812345678 13987654321). The spaces split it only when every piece is then a whole
    number; otherwise it stays one value (for the validator to judge)."""
    compact = _PHONE_JUNK_RE.sub("", part)
    if " " not in part or _ONE_NUMBER_RE.fullmatch(compact):
        return [part]
    numbers: list[str] = []
    current = ""
    for token in part.split():
        current += _PHONE_JUNK_RE.sub("", token)
        if _ONE_NUMBER_RE.fullmatch(current):
            numbers.append(current)
            current = ""
    return numbers if numbers and not current and len(numbers) > 1 else [part]


def phone_parts(value: Any) -> list[tuple[str, str]]:
    """The numbers written in a phone cell, in order, each as (as written, cleaned): most
    cells hold one; some hold several, separated by a slash, a comma, 或 or a space."""
    parts = []
    for part in _NUMBER_LIST_RE.split(text(value)):
        for piece in _split_on_spaces(part) if part else ():
            cleaned = phone(piece)
            if cleaned:
                parts.append((piece, cleaned))
    return parts


def mobile_numbers(value: Any) -> list[str]:
    """The numbers written in a mobile cell, in order (most cells hold one)."""
    return [cleaned for _raw, cleaned in phone_parts(value)]


def mobile(value: Any) -> str:
    """The first number of a mobile cell (the others are kept too, see `RowValidator`)."""
    if not (type(value) is str and may_hold_several(value)):
        return phone(value)
    numbers = mobile_numbers(value)
    return numbers[0] if numbers else ""


def id_number(value: Any) -> str:
    """An ID number cell; one that Excel stored as a number had its last digits rounded off
    (440305199003071236 → 4.40305199003071E+17): refused with the way to fix it."""
    if isinstance(value, float) and value >= 1e16:
        raise CellError(
            _(
                "Excel stored this ID number as a number and rounded off its last digits. "
                "Format the column as text in the source file and export it again."
            )
        )
    return compact_upper(value)


def compact_upper(value: Any) -> str:
    """VINs and ID numbers: spaces removed, upper case."""
    return text(value).replace(" ", "").upper()


def plate(value: Any) -> str:
    return compact_upper(value)


def gender(value: Any) -> str:
    cleaned = text(value)
    return _GENDER_WORDS.get(cleaned, cleaned)


#: Besides 男/女 (and M/F, checked with manual entry's rules): forms of address, and the
#: codes of GB/T 2261.1 (1 male, 2 female; 0 unknown and 9 unstated are no value).
_GENDER_WORDS = {
    "先生": "男", "女士": "女", "小姐": "女", "男士": "男", "男性": "男", "女性": "女",
    "1": "男", "2": "女", "0": "", "9": "", "未知": "", "未说明": "",
}  # fmt: skip


def _year_last_parts(cleaned: str) -> tuple[int, int, int] | None:
    match = _YEAR_LAST_RE.match(cleaned)
    return (int(match[1]), int(match[3]), int(match[4])) if match else None


def date_order(values: Iterable[Any]) -> str | None:
    """The order of day and month in a column of dates written with the year last.

    "dmy" when some value's first part is above 12 (30/11/2022), "mdy" when some value's
    second part is (11/30/2022); None when the values disagree or none tells (05/11/2022).
    Values that are not text (date cells, Excel serials) say nothing.
    """
    found: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value:
            continue
        parts = _year_last_parts(text(value))
        if parts is None:
            continue
        first, second, _year = parts
        if first > 12 and second <= 12:
            found.add(DMY)
        elif second > 12 and first <= 12:
            found.add(MDY)
        if len(found) > 1:
            return None
    return found.pop() if found else None


def _year_last_date(first: int, second: int, year: int, order: str | None) -> date:
    if first > 12 or second > 12 or first == second:
        day, month = (first, second) if first > 12 or first == second else (second, first)
    elif order == DMY:
        day, month = first, second
    elif order == MDY:
        day, month = second, first
    else:
        raise CellError(
            _("Day and month cannot be told apart in this date; write it as 2023-01-05.")
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("Not a real date.")) from None


def _missing_day(year: int, month: int | None = None) -> CellError | None:
    """The error for a year (and month) without a day, or None when the value is not one."""
    if not 1900 <= year <= 2099 or (month is not None and not 1 <= month <= 12):
        return None
    return CellError(_("The day is missing; write the full date, e.g. 2023-01-05."))


def a_date(value: Any, order: str | None = None) -> date | None:
    """Excel serials (1900 system), date cells and the common spellings: 2023-1-5,
    2023/01/05, 2023.1.5, 2023年1月5日, 20230105, with or without a time (2023/01/05 10:30).

    With the year last, 30/11/2022 is read as D/M/Y and 11/30/2022 as M/D/Y; for values
    where both readings are possible (05/11/2022) `order` ("dmy" or "mdy", see `date_order`)
    decides, and without it the value is refused. A year or a year and month without a day
    (1990, 2023-01, 2023年1月) is refused with its own message."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            if error := _missing_day(int(value)):
                raise error
            if 190001 <= value <= 209912 or 19000101 <= value <= 20991231:
                return a_date(str(int(value)))  # 20230105 or 202301 stored as a number
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
    parts = _year_last_parts(cleaned)
    if parts is not None:
        return _year_last_date(*parts, order)
    match = _YEAR_MONTH_RE.match(cleaned)
    if match and (error := _missing_day(int(match[1]), int(match[2] or match[3]))):
        raise error
    if cleaned.isdigit() and (error := _missing_day(int(cleaned))):
        raise error
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


#: What a 客户类型 column says: a person or an organization (a trailing 客户/用户 is ignored).
KIND_SPELLINGS = {
    **dict.fromkeys(
        ("个人", "私人", "自然人", "私户", "person", "individual", "private"), "person"
    ),
    **dict.fromkeys(
        ("单位", "企业", "公司", "集团", "机关", "政府", "团体", "公户", "机构", "组织",
         "organization", "organisation", "company", "corporate", "enterprise", "org"),
        "organization",
    ),
}  # fmt: skip


def customer_kind(value: Any) -> str:
    """ "个人" → "person", "单位客户" → "organization"; "" when empty; anything else refused."""
    cleaned = text(value).lower().replace(" ", "")
    if not cleaned:
        return ""
    kind = KIND_SPELLINGS.get(cleaned)
    if kind is None and len(cleaned) > 2:
        kind = KIND_SPELLINGS.get(cleaned.removesuffix("客户").removesuffix("用户"))
    if kind is None:
        raise CellError(_("Enter 个人 (person) or 单位 (organization)."))
    return kind


#: How DMS exports name the document in the ID-number column (证件类型). A business licence
#: or credit code is an organization's: its number is taken for the unified social credit
#: code, as without a type column.
ID_TYPE_SPELLINGS = {
    **dict.fromkeys(
        ("身份证", "居民身份证", "二代身份证", "第二代居民身份证", "临时身份证", "idcard",
         "residentid"), "resident_id"),
    **dict.fromkeys(("护照", "中国护照", "外国护照", "passport"), "passport"),
    **dict.fromkeys(
        ("港澳通行证", "港澳居民来往内地通行证", "回乡证", "港澳居民居住证"), "hk_macao"),
    **dict.fromkeys(
        ("台胞证", "台湾居民来往大陆通行证", "台湾居民居住证"), "taiwan"),
    **dict.fromkeys(
        ("营业执照", "统一社会信用代码", "组织机构代码", "组织机构代码证", "税务登记证"), ""),
    **dict.fromkeys(("军官证", "士兵证", "警官证", "外国人永久居留身份证", "其他", "其它"),
                    "other"),
}  # fmt: skip


def id_type(value: Any) -> str:
    """ "居民身份证" → "resident_id", "护照" → "passport"; "" when empty or an organization's
    document; anything else refused."""
    cleaned = text(value).lower().replace(" ", "")
    if not cleaned:
        return ""
    found = ID_TYPE_SPELLINGS.get(cleaned)
    if found is None:
        raise CellError(_("Enter 身份证, 护照, 港澳通行证, 台胞证, 营业执照 or 其他."))
    return found


#: Which cleaner each target field uses.
CLEANERS = {
    "mobile": mobile,
    "landline": mobile,  # the first number; the others are kept too
    "id_number": id_number,
    "id_type": id_type,
    "uscc": compact_upper,
    "kind": customer_kind,
    "vin": compact_upper,
    "plate_number": plate,
    "gender": gender,
    "birth_date": a_date,
    "purchase_date": a_date,
    "mileage_km": integer,
    "purchase_price": money,
    "postcode": lambda v: text(v).replace(" ", ""),
}


DATE_KEYS = frozenset(key for key, cleaner in CLEANERS.items() if cleaner is a_date)


def cell_cleaner(key: str, *, order: str | None = None) -> Callable[[Any], Any]:
    """The function `clean_cell(key, value, order=order)` cleans a cell with, chosen once for a
    column rather than for each of its cells."""
    if order and key in DATE_KEYS:
        return functools.partial(a_date, order=order)
    return CLEANERS.get(key, text)


def clean_cell(key: str, value: Any, *, order: str | None = None) -> Any:
    """The cleaned value of one cell; for a date column, `order` ("dmy"/"mdy", from
    `date_order`) reads dates such as 05/11/2022 (see `a_date`)."""
    return cell_cleaner(key, order=order)(value)
