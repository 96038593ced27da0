"""The columns of a platform's lead export and its cells as a lead's values (the upload channel
of issue #14): which header names which lead field, and how a cell is read.

The header names are those the platforms' and OEMs' exports use (汽车之家 经销商后台 "线索明细",
懂车帝 "线索导出", 易车 "商机/线索", an OEM's "下发线索"): each field has its names from the most
specific to the vaguest, and a header that names a field exactly wins over one that only
contains a name (客户手机号 → 手机号); each field takes one column (the note takes every note
column). Columns about the dealer or its staff (经销商, 门店, 销售顾问, 跟进人) are never read
as the customer's, and every column that names no field is listed as ignored.

The cells go through the import pipeline's cleaning (`imports.normalize`: NFKC, placeholders
such as 无 or —, phone separators, floats that were numbers); the times are read here, since
the pipeline's dates have no time of day.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from autocrm.imports import normalize
from autocrm.imports.columns import normalize_header
from autocrm.imports.normalize import CellError

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class LeadColumn:
    key: str
    label: Any  # lazy translation: how the page names the field
    aliases: tuple[str, ...]  # most specific first


def _c(key: str, label: Any, aliases: str) -> LeadColumn:
    return LeadColumn(key, label, tuple(aliases.split()))


#: The lead fields an export fills. `brand` is put in front of the model and `province` in
#: front of the city (汽车之家 and 懂车帝 export them as columns of their own).
LEAD_COLUMNS: tuple[LeadColumn, ...] = (
    _c(
        "external_id",
        _("Lead ID"),
        "线索ID 线索编号 线索号 线索id号 订单号 订单编号 订单ID 询价单号 询价单ID 询价ID "
        "询价编号 留资ID 留资编号 商机ID 商机编号 用户线索ID 下发编号 下发线索ID "
        "leadid clueid orderid inquiryid",
    ),
    _c(
        "name",
        _("Name"),
        "姓名 客户姓名 用户姓名 用户名 客户名称 客户名 联系人姓名 联系人 称呼 客户称呼 "
        "用户昵称 昵称 name customername username",
    ),
    _c(
        "mobile",
        _("Mobile"),
        "手机号 手机号码 手机 客户手机 客户手机号 用户手机号 用户手机 联系手机 "
        "联系电话 电话 电话号码 客户电话 用户电话 联系方式 mobile mobilephone phone tel "
        "telephone",
    ),
    _c(
        "model_text",
        _("Intended model"),
        "意向车型 意向车系 车型 车系 关注车型 询价车型 留资车型 咨询车型 报价车型 "
        "车型名称 车系名称 意向车款 车款 model series",
    ),
    _c("brand", _("Brand"), "意向品牌 品牌 品牌名称 brand"),
    _c(
        "city",
        _("City"),
        "城市 所在城市 客户城市 用户城市 上牌城市 购车城市 地市 市 省市 省份城市 "
        "所在地 所在地区 地区 区域 city",
    ),
    _c("province", _("Province"), "省份 省 所在省份 客户省份 用户省份 province"),
    _c(
        "received_at",
        _("Received"),
        "留资时间 提交时间 下单时间 询价时间 报名时间 线索时间 线索创建时间 创建时间 "
        "获取时间 生成时间 下发时间 分配时间 推送时间 时间 日期 createdat createtime "
        "time date",
    ),
    _c(
        "note",
        _("Note"),
        "备注 留言 用户留言 客户留言 咨询内容 需求 描述 说明 remark remarks note notes comment",
    ),
)  # fmt: skip
COLUMNS_BY_KEY = {c.key: c for c in LEAD_COLUMNS}
#: Fields that may take several columns (joined, each with its header).
SEVERAL = frozenset({"note"})

#: Words that make a column about the dealer, its staff or the platform's handling, never the
#: customer's (经销商电话 is not the customer's mobile, 门店城市 not their city).
_NOT_THE_CUSTOMER = (
    "经销商", "门店", "店铺", "专营店", "4s店", "顾问", "销售", "跟进", "分配给", "负责人",
    "坐席", "客服", "dealer", "store", "座机", "固话", "固定电话", "序号",
)  # fmt: skip
#: Aliases too vague to be found inside a longer header (时间 in 预计购车时间).
_NOT_CONTAINED = frozenset(map(normalize_header, ("时间", "日期", "需求", "描述", "说明", "地区")))

_EXACT: dict[str, tuple[str, int]] = {}
for _column in LEAD_COLUMNS:
    for _rank, _alias in enumerate(_column.aliases):
        _EXACT.setdefault(normalize_header(_alias), (_column.key, _rank))
_CONTAINED = sorted(
    (
        (alias, key, rank)
        for alias, (key, rank) in _EXACT.items()
        if len(alias) >= 2 and not alias.isascii() and alias not in _NOT_CONTAINED
    ),
    key=lambda item: -len(item[0]),
)


@dataclass(frozen=True)
class HeaderMatch:
    key: str
    strength: tuple[int, int]  # (0 exact / 1 contained, the alias's rank): lower is stronger


def match_lead_header(header: str) -> HeaderMatch | None:
    """The lead field a header names, or None (a column about the dealer or its staff too)."""
    normal = normalize_header(header)
    if not normal or any(word in normal for word in _NOT_THE_CUSTOMER):
        return None
    if normal in _EXACT:
        key, rank = _EXACT[normal]
        return HeaderMatch(key, (0, rank))
    if len(normal) > 12:
        return None
    for alias, key, rank in _CONTAINED:
        if alias in normal:
            return HeaderMatch(key, (1, rank))
    return None


_MOBILE_RE = re.compile(r"^(?:\+?86|0086)?1[3-9]\d{9}$")
SNIFF_ROWS = 200


def _looks_like_mobiles(rows: Sequence[Sequence[Any]], index: int) -> bool:
    values = [
        normalize.phone(row[index])
        for row in rows[:SNIFF_ROWS]
        if index < len(row) and row[index] not in (None, "")
    ]
    hits = sum(1 for v in values if _MOBILE_RE.match(v))
    return len(values) >= 3 and hits / len(values) > 0.6


def lead_mapping(headers: Sequence[str], rows: Sequence[Sequence[Any]] = ()) -> list[str]:
    """One lead field (or "" to ignore) per column. Each field takes its strongest column (an
    exact name before a contained one, a specific name before a vague one, then the first);
    the note takes them all. Without a named mobile column, a column of mobile numbers is
    the mobile."""
    found = [
        (match.strength, index, match.key)
        for index, header in enumerate(headers)
        if (match := match_lead_header(header))
    ]
    mapping = [""] * len(headers)
    used: set[str] = set()
    for _strength, index, key in sorted(found):
        if key in used and key not in SEVERAL:
            continue
        mapping[index] = key
        used.add(key)
    if "mobile" not in used:
        for index, key in enumerate(mapping):
            if not key and not _excluded(headers[index]) and _looks_like_mobiles(rows, index):
                mapping[index] = "mobile"
                break
    return mapping


def _excluded(header: str) -> bool:
    normal = normalize_header(header)
    return any(word in normal for word in _NOT_THE_CUSTOMER)


# --- cells ------------------------------------------------------------------------------------

_EXCEL_EPOCH = datetime(1899, 12, 30)  # the 1900 date system (Lotus's 1900-02-29 included)
_DATE_PART = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?"
_TIME_PART = (
    r"(?:\s*T?\s*(上午|下午|am|pm)?\s*(\d{1,2})\s*[:时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:]?\s*(\d{1,2})(?:[.,]\d+)?\s*秒?)?\s*(am|pm)?)?"
)
_DATETIME_RE = re.compile(rf"^{_DATE_PART}{_TIME_PART}\s*(Z|[+-]\d{{2}}:?\d{{2}})?$", re.IGNORECASE)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s*(\d{2})(\d{2})(\d{2})?)?$")
_NUMBER_RE = re.compile(r"^\d+(?:\.\d+)?$")


def _aware(value: datetime) -> datetime:
    """A naive time is the dealer's: Asia/Shanghai (the platforms export Beijing time)."""
    return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value


def _from_number(number: float) -> datetime:
    """An Excel serial (days since 1899-12-30, the fraction the time of day), or a Unix time in
    seconds or milliseconds (what an API-made export writes)."""
    if number.is_integer() and 19000101 <= number <= 20991231:
        compact = _COMPACT_RE.match(str(int(number)))  # 20261103 stored as a number
        assert compact is not None
        try:
            year, month, day = (int(p) for p in compact.groups()[:3])
            return _aware(datetime(year, month, day))
        except ValueError:
            raise CellError(_("Not a real date and time.")) from None
    if 1e12 <= number < 1e13:
        number /= 1000
    if 1e9 <= number < 1e10:
        return datetime.fromtimestamp(round(number), tz=SHANGHAI)
    if not 1 <= number < 2958466:
        raise CellError(_("Not a date and time; write it as 2026-11-03 14:22."))
    return _aware(_EXCEL_EPOCH + timedelta(seconds=round(number * 86400)))


def _hour(hour: int, half: str) -> int:
    half = half.lower()
    if half in ("下午", "pm") and hour < 12:
        return hour + 12
    if half in ("上午", "am") and hour == 12:
        return 0
    return hour


def received_time(value: Any) -> datetime | None:
    """When the customer left the lead, as an aware datetime: a date cell, an Excel serial
    (46329.599), 2026-11-03 14:22:05, 2026/11/3 14:22, 2026年11月3日 14时22分, 20261103 142205,
    ISO 8601 with an offset, a Unix time; a date alone is its midnight. A naive time is Beijing
    time. Raises CellError for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_number(float(value))
    text = normalize.text(value)
    if not text:
        return None
    match = _DATETIME_RE.match(text)
    try:
        if match:
            year, month, day, half, hour, minute, second, half_after, offset = match.groups()
            moment = datetime(
                int(year),
                int(month),
                int(day),
                _hour(int(hour or 0), half or half_after or ""),
                int(minute or 0),
                int(second or 0),
            )
            if offset:
                return datetime.fromisoformat(moment.isoformat() + offset.replace("Z", "+00:00"))
            return _aware(moment)
        compact = _COMPACT_RE.match(text) if len(text.replace(" ", "")) in (8, 12, 14) else None
        if compact:
            year, month, day, hour, minute, second = (int(p or 0) for p in compact.groups())
            return _aware(datetime(year, month, day, hour, minute, second))
    except ValueError:
        raise CellError(_("Not a real date and time.")) from None
    if _NUMBER_RE.match(text):
        return _from_number(float(text))
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        raise CellError(_("Not a date and time; write it as 2026-11-03 14:22.")) from None


#: An ID Excel stored as a number keeps 15 significant digits: a 19-digit 懂车帝 clue ID
#: becomes 7.30123456789012E+18 and distinct leads would share one ID.
_SCIENTIFIC_RE = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)


def external_id(value: Any) -> str:
    """The platform's ID of the lead; one Excel rounded off is refused (two leads could then
    look like one, and the second would be taken for a replay)."""
    if isinstance(value, float) and value >= 1e15:
        raise CellError(_rounded_id())
    text = normalize.text(value)
    if _SCIENTIFIC_RE.match(text):
        raise CellError(_rounded_id())
    return text


def _rounded_id() -> Any:
    return _(
        "Excel stored this ID as a number and rounded off its last digits. Export the file "
        "from the platform again, or format the column as text."
    )


def mobile(value: Any) -> str:
    """The mobile as the cleaning leaves it (separators and a float's .0 removed; the first
    number of a cell holding several), for the entry rules to judge; a number the platform
    masked (139****5678) is refused with the reason."""
    text = normalize.text(value)
    if "*" in text or "×" in text:
        raise CellError(
            _(
                "The platform masked this number. Export the leads with full numbers (the "
                "platform's export for dealers shows them)."
            )
        )
    return normalize.mobile(text)


def joined(first: str, second: str, separator: str) -> str:
    """Two parts of one value (a brand and a model, a province and a city), without saying a
    part twice: 大众 + 大众朗逸 → 大众朗逸, 广东省 + 深圳市 → 广东省深圳市,
    北京 + 北京市 → 北京市."""
    if not first or not second:
        return first or second
    stem = first.rstrip("省市")
    if stem and stem in second:
        return second
    return f"{first}{separator}{second}"
