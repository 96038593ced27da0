"""The fields an import can fill and the header names (Chinese and English) that mean them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Target:
    key: str
    label: object  # lazy translation
    aliases: tuple[str, ...]
    entity: str  # "customer" | "vehicle"


def _t(key: str, label: object, aliases: str, entity: str = "customer") -> Target:
    return Target(key, label, tuple(aliases.split()), entity)


#: The first alias is the header of the downloadable template.
TARGETS: tuple[Target, ...] = (
    _t(
        "name",
        _("Name"),
        "姓名 客户名称 客户姓名 客户名 名称 车主 车主姓名 "
        "联系人 name customername fullname",
    ),
    _t(
        "mobile",
        _("Mobile"),
        "手机 手机号 手机号码 联系电话 移动电话 联系手机 "
        "联系方式 mobile mobilephone "
        "cellphone cell phone",
    ),
    _t(
        "landline",
        _("Landline"),
        "电话 固定电话 固话 座机 家庭电话 办公电话 "
        "landline tel telephone phone phonenumber",
    ),
    # Import-only: joined in front of the address (rows.py), never stored on their own.
    _t(
        "province",
        _("Province"),
        "省份 省 所在省 所在省份 province",
    ),
    _t(
        "city",
        _("City"),
        "城市 市 所在城市 地市 所在地市 city",
    ),
    _t(
        "district",
        _("District"),
        "区县 区 县区 所在区 所在区县 县 district county",
    ),
    _t(
        "address",
        _("Address"),
        "地址 联系地址 家庭住址 住址 通讯地址 详细地址 "
        "address",
    ),
    _t(
        "id_number",
        _("ID number"),
        "身份证 身份证号 身份证号码 证件号码 证件号 "
        "idnumber idcard idno",
    ),
    _t(
        "id_type",
        _("ID type"),
        "证件类型 证件种类 证件名称 证件类别 idtype documenttype",
    ),
    _t(
        "kind",
        _("Customer type"),
        "客户类型 客户性质 个人/单位 单位/个人 客户类别 客户种类 customertype "
        "kind",
    ),
    _t(
        "uscc",
        _("Unified social credit code"),
        "统一社会信用代码 社会信用代码 信用代码 组织机构代码 纳税人识别号 "
        "纳税识别号 税号 uscc creditcode",
    ),
    _t(
        "gender",
        _("Gender"),
        "性别 gender sex",
    ),
    _t(
        "birth_date",
        _("Birth date"),
        "出生日期 生日 出生年月日 出生年月 birthdate "
        "birthday dateofbirth dob",
    ),
    _t(
        "email",
        _("E-mail"),
        "邮箱 电子邮箱 电子邮件 email e-mail "
        "mail emailaddress",
    ),
    _t(
        "postcode",
        _("Postcode"),
        "邮编 邮政编码 postcode zip zipcode postalcode",
    ),
    _t(
        "employer",
        _("Employer"),
        "单位 工作单位 公司 employer company workunit workplace",
    ),
    _t(
        "remarks",
        _("Remarks"),
        "备注 说明 remarks remark note "
        "notes comment comments",
    ),
    _t(
        "responsible_staff",
        _("Responsible staff"),
        "顾问 负责人 销售顾问 服务顾问 责任人 "
        "consultant advisor "
        "responsible salesconsultant serviceadvisor salesperson",
    ),
    _t(
        "vin",
        _("VIN"),
        "车架号 vin vin码 底盘号 车辆识别代号 "
        "车辆识别码 车辆识别号 车架号码 vin号 chassis",
        "vehicle",
    ),
    _t(
        "plate_number",
        _("Plate number"),
        "车牌号 车牌 车牌号码 号牌 牌照号 plate "
        "platenumber licenseplate licenceplate license licence",
        "vehicle",
    ),
    _t(
        "brand",
        _("Brand"),
        "品牌 厂牌 brand make brandname",
        "vehicle",
    ),
    _t(
        "model_name",
        _("Model"),
        "车型 车系 型号 model modelname series",
        "vehicle",
    ),
    _t(
        "color",
        _("Colour"),
        "颜色 车身颜色 color colour",
        "vehicle",
    ),
    _t(
        "purchase_date",
        _("Purchase date"),
        "购车日期 购买日期 开票日期 销售日期 购车时间 "
        "开票时间 交车日期 purchasedate "
        "saledate invoicedate deliverydate 首次登记日期 初次登记日期 初登日期 上牌日期 "
        "registrationdate",
        "vehicle",
    ),
    _t(
        "purchase_price",
        _("Purchase price"),
        "购车价格 购买价格 成交价 车价 价格 开票价 开票价格 "
        "发票价格 price purchaseprice invoiceprice saleprice",
        "vehicle",
    ),
    _t(
        "mileage_km",
        _("Mileage (km)"),
        "里程 行驶里程 公里数 表显里程 mileage "
        "odometer kilometers kilometres km",
        "vehicle",
    ),
)  # fmt: skip
TARGETS_BY_KEY = {t.key: t for t in TARGETS}
CUSTOMER_KEYS = tuple(t.key for t in TARGETS if t.entity == "customer")
#: Customer targets that only complete the address column (not stored as typed).
ADDRESS_PART_KEYS = ("province", "city", "district")
VEHICLE_KEYS = tuple(t.key for t in TARGETS if t.entity == "vehicle")

_NOISE_RE = re.compile(r"[\s_*:：()（）\[\]【】/\-·.。#]|必填|选填")


def normalize_header(text: str) -> str:
    """ "手机号码(必填)" → "手机号码", " E-Mail " → "email"."""
    text = unicodedata.normalize("NFKC", str(text or "")).lower()
    return _NOISE_RE.sub("", text)


_ALIASES: dict[str, str] = {}
for _target in TARGETS:
    for _alias in (*_target.aliases, _target.key):
        _ALIASES.setdefault(normalize_header(_alias), _target.key)


#: Aliases for the "contains" fallback, longest first (客户手机号 → 手机号, not 手机).
_TOO_GENERIC = frozenset({"名称", "说明", "联系人", "公司", "单位", "价格", "型号"})
_CONTAINED = sorted(
    (
        (alias, key)
        for alias, key in _ALIASES.items()
        if len(alias) >= 2 and not alias.isascii() and alias not in _TOO_GENERIC
    ),
    key=lambda item: -len(item[0]),
)
#: Words that make a header about something else than the customer's own value.
_NOT_THE_CUSTOMER = ("联系人", "紧急", "介绍人", "推荐人", "配偶", "家属", "保险", "送修")
#: Words that make a vehicle header about a prospect's wish (意向车型), not a car they own.
_NOT_OWNED = ("意向", "拟购", "关注", "计划购", "预购", "欲购", "想购", "竞品", "对比")


#: English headers name the same fields with a word in front or a unit behind them (Customer
#: Mobile, Vehicle Colour, Plate No., Odometer (km)).
_ENGLISH_PREFIXES = ("customer", "cust", "client", "owner", "vehicle", "car")
_ENGLISH_SUFFIXES = ("number", "num", "no", "km", "kms", "rmb", "cny", "yuan")


def _english(normal: str) -> str | None:
    stems = [normal]
    stems += [normal[len(p) :] for p in _ENGLISH_PREFIXES if normal.startswith(p)]
    for stem in list(stems):
        stems += [stem[: -len(x)] for x in _ENGLISH_SUFFIXES if stem.endswith(x)]
    return next((_ALIASES[s] for s in stems if s in _ALIASES), None)


def match_header(text: str) -> str | None:
    """The target field a header names, or None.

    An exact alias wins; otherwise a Chinese alias contained in the header (客户手机号码,
    车辆VIN码, 购车时间 → 购车…), unless the header is about a contact person (联系人电话);
    an English one with a word in front or a unit behind it (Plate No., Odometer (km)).
    Vehicle headers about a wish (意向车型, 拟购品牌) are not the customer's vehicle.
    """
    normal = normalize_header(text)
    key = _ALIASES.get(normal)
    if not key and normal.isascii() and normal.isalpha():
        key = _english(normal)
    if not key and normal and len(normal) <= 12:
        key = _contained(normal)
    if key in VEHICLE_KEYS and any(word in normal for word in _NOT_OWNED):
        return None  # 意向车型, 拟购品牌: what a prospect wants, not an owned car
    return key


def _contained(normal: str) -> str | None:
    if any(word in normal for word in _NOT_THE_CUSTOMER):
        return None
    found = [(len(a), normal.endswith(a), target) for a, target in _CONTAINED if a in normal]
    if found:  # the longest alias; on a tie the one ending the header (车主电话 → 电话)
        return max(found, key=lambda item: (item[0], item[1]))[2]
    if "vin" in normal:
        return "vin"
    return None


#: Exact names that say little: any column more specific takes their field first.
_VAGUE = frozenset(
    map(
        normalize_header,
        # a vehicle's first registration stands for its purchase only without a 购车日期
        ("联系人", "联系电话", "联系方式", "电话", "phone", "首次登记日期", "初次登记日期",
         "初登日期", "上牌日期", "registrationdate"),
    )
)  # fmt: skip
_PHONES = {"mobile": "landline", "landline": "mobile"}


def _strength(header: str, key: str) -> int:
    """How specifically a header names its field: 2 by an exact alias, 1 by a contained one
    (客户手机号码), 0 by a vague one (联系人, 联系电话)."""
    normal = normalize_header(header)
    if _ALIASES.get(normal) != key:
        return 1
    return 0 if normal in _VAGUE else 2


_MOBILE_RE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}(?:\.0)?$")
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$", re.I)
SNIFF_ROWS = 200


def _share(values: list[str], pattern: re.Pattern[str]) -> float:
    return sum(1 for v in values if pattern.match(v)) / len(values) if values else 0.0


def auto_mapping(headers: Sequence[str], rows: Sequence[Sequence[object]] = ()) -> list[str]:
    """One target key (or "" to skip) per column; each target is used once, first column wins.

    With sample rows, the values correct the names: a 电话 column holding mobile numbers is the
    mobile when no other column is, and an unnamed column of mobiles or VINs is recognised.
    """
    used: set[str] = set()
    mapping = [""] * len(headers)
    found = [(i, key, _strength(h, key)) for i, h in enumerate(headers) if (key := match_header(h))]
    # the most specific name first (车主姓名 before 联系人, 手机 before 联系电话), else the first
    for index, key, strength in sorted(found, key=lambda f: (-f[2], f[0])):
        if key in used and strength == 0 and key in _PHONES:
            key = _PHONES[key]  # 联系电话 beside a 手机 column: the other number
        if key not in used:
            used.add(key)
            mapping[index] = key
    sample = rows[:SNIFF_ROWS]
    for index, key in enumerate(mapping):
        values = [
            re.sub(r"[\s\-]", "", str(row[index]))
            for row in sample
            if index < len(row) and row[index] not in (None, "")
        ]
        if len(values) < 3:
            continue
        if key in ("landline", "") and "mobile" not in used and _share(values, _MOBILE_RE) > 0.6:
            used.discard(key)
            mapping[index] = "mobile"
            used.add("mobile")
        elif key == "" and "vin" not in used and _share(values, _VIN_RE) > 0.6:
            mapping[index] = "vin"
            used.add("vin")
    return mapping


def header_signature(headers: Sequence[str]) -> str:
    """A stable fingerprint of a header row, to recognise the same source next time."""
    joined = "\x1f".join(normalize_header(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()[:40]


def target_choices() -> list[tuple[str, object]]:
    return [(t.key, t.label) for t in TARGETS]
