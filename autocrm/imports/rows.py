"""Turn one spreadsheet row into validated customer and vehicle values, or per-cell errors.

Validation uses exactly the rules of manual entry (`autocrm.customers.cleaning`); this module
only cleans cells first (`normalize`) and translates field-keyed errors into errors that name
the row number and the column header the user sees in Excel.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from autocrm.customers.choices import CustomerKind
from autocrm.customers.cleaning import clean_customer_fields, clean_vehicle_fields
from autocrm.imports.columns import (
    ADDRESS_PART_KEYS,
    CUSTOMER_KEYS,
    TARGETS_BY_KEY,
    VEHICLE_KEYS,
)
from autocrm.imports.normalize import (
    DATE_KEYS,
    CellError,
    clean_cell,
    date_order,
    may_hold_several,
    mobile_numbers,
)
from autocrm.rules.id_numbers import validate_id_number, validate_uscc
from autocrm.rules.regions import PROVINCE_CODES

#: Where an error on a derived field is shown when its own column is not in the file.
ERROR_FALLBACK = {
    "mobile_raw": "mobile",
    "mobile_last4": "mobile",
    "birth_date": "id_number",
    "gender": "id_number",
    "id_type": "id_number",
    "province": "address",
    "city": "address",
    "district": "address",
    "street": "address",
    "house_number": "address",
    "mileage_read_on": "mileage_km",
    "uscc": "id_number",  # a USCC written in the ID-number column
}

#: A name ending in one of these (and at least 4 characters long) is an organization's.
ORGANIZATION_NAME_ENDINGS = (
    "有限公司", "分公司", "公司", "集团", "厂", "银行", "医院", "学校", "大学", "学院",
    "研究所", "研究院", "事务所", "合作社", "委员会", "政府", "局", "中心", "协会", "商行",
    "经营部", "门市部", "工作室", "车队",
)  # fmt: skip
_TRAILING_BRACKET_RE = re.compile(r"[(（][^()（）]*[)）]$")


def is_organization_name(name: str) -> bool:
    """深圳市某某科技有限公司, 南山区人民医院, 某某车队（南山）: an organization, by its name."""
    name = _TRAILING_BRACKET_RE.sub("", name.strip()).strip()
    return len(name) >= 4 and name.endswith(ORGANIZATION_NAME_ENDINGS)


#: The first two digits of resident identity cards: the mainland's province-level regions,
#: and Taiwan, Hong Kong and Macau (residence permits).
_ID_PROVINCE_CODES = frozenset(PROVINCE_CODES) | {"71", "81", "82", "83"}
_RESIDENT_ID_SHAPE_RE = re.compile(r"^\d{17}[\dX]$")


def _is_uscc_not_resident_id(value: str, *, inferring: bool = False) -> bool:
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


# --- address written over several columns (省份, 城市, 区县, 详细地址) ----------------------

_DIVISION_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
    "地区", "新区", "省", "市", "区", "县", "旗", "盟",
)  # fmt: skip
#: What a province/city/district column holds when there is no such level.
_NO_DIVISION = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
#: Characters after a short name (朝阳) that make it part of a street name (朝阳路), not 朝阳区.
_STREET_AFTER_SHORT = frozenset("路街道巷弄胡同门桥村镇乡里湾港苑园楼号大")
_PART_JUNK_RE = re.compile(r"[\s/\\|,，、\-]+")
_ADDRESS_SEPARATORS = " ,，、-/"
#: How far into the rest of the address a division is looked for (广州天河… for 天河区), over
#: text that holds no other division or street word.
_SEARCH_WINDOW = 6
_DIVISION_OR_STREET_RE = re.compile(r"[省市区县旗盟路街道巷号]")


@functools.lru_cache(maxsize=4096)
def _short_division(name: str) -> str:
    """广东省 → 广东, 广西壮族自治区 → 广西, 南山区 → 南山 (at least two characters stay)."""
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _written_at(address: str, pos: int, part: str) -> tuple[int, int] | None:
    """Where `part` (广东省, or short: 广东) is written at `pos` of the address, or a little
    after it behind a short name without suffix (广州天河… for 天河区), as (start, end); None
    when it is not. A short name followed by a street word (朝阳路) is not the division."""
    window = address[: pos + _SEARCH_WINDOW + len(part)]
    short = _short_division(part)
    for name in (part, short) if len(short) >= 2 and short != part else (part,):
        start = window.find(name, pos)
        while start >= 0 and not _DIVISION_OR_STREET_RE.search(address, pos, start):
            end = start + len(name)
            after = _after_suffix(address, end)
            if name == part and short != part:
                return start, end  # 广东省 written in full
            if after != end or end == len(address) or address[end] not in _STREET_AFTER_SHORT:
                return start, after
            start = window.find(name, start + 1)
    return None


def _after_suffix(address: str, end: int) -> int:
    """`end`, moved past a division suffix written there (广东|省)."""
    for suffix in _DIVISION_SUFFIXES:
        if address.startswith(suffix, end):
            return end + len(suffix)
    return end


def join_address(parts: Sequence[str], address: str) -> str:
    """The address with the province, city and district columns' values in front of it, each
    only where the address does not already have it: 广东省 + 广州市 + 天河区 + 体育西路103号
    → 广东省广州市天河区体育西路103号; 广东省 + 广州市 + 天河区 + 广州市天河区体育西路103号
    → 广东省广州市天河区体育西路103号. A municipality's city (北京市, 北京市) is written once."""
    address = address.strip()
    out: list[str] = []
    pos = 0
    previous = ""
    for raw in parts:
        part = _PART_JUNK_RE.sub("", raw or "")
        short = _short_division(part)
        if not part or part in _NO_DIVISION or short == previous:
            continue
        previous = short
        while pos < len(address) and address[pos] in _ADDRESS_SEPARATORS:
            pos += 1
        found = _written_at(address, pos, part)
        if found is not None:  # already in the address
            out.append(address[pos : found[1]])
            pos = found[1]
            continue
        # a part holding several levels (广东省广州市) whose end the address starts with
        overlap = next(
            (k for k in range(len(part) - 1, 1, -1) if address.startswith(part[-k:], pos)), 0
        )
        out.append(part[: len(part) - overlap] + address[pos : pos + overlap])
        pos += overlap
    out.append(address[pos:])
    return "".join(out)


def date_orders_for(sheet_rows: Sequence[Sequence[Any]], mapping: Sequence[str]) -> dict[str, str]:
    """The day/month order ("dmy"/"mdy") of each mapped date column whose values tell it
    (30/11/2022 → "dmy"), for `RowValidator(date_orders=...)`; columns that do not tell are
    left out, and their ambiguous values (05/11/2022) are refused."""
    orders: dict[str, str] = {}
    for index, key in enumerate(mapping):
        if key not in DATE_KEYS:
            continue
        order = date_order(row[index] for row in sheet_rows if index < len(row))
        if order:
            orders[key] = order
    return orders


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number
    column: str  # the header as written in the file
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class ValidRow:
    number: int
    customer: dict[str, Any] = field(default_factory=dict)
    vehicle: dict[str, Any] | None = None
    errors: list[RowError] = field(default_factory=list)
    #: what the row does not import but does not reject it for (vehicle columns without VIN)
    notes: list[RowError] = field(default_factory=list)
    entity: str = ""  # the customer this row belongs to (set by matching)
    #: pinyin and scores of the row's customer as a new record of its own (set for valid rows)
    derived: dict[str, Any] | None = None


class RowValidator:
    """Validates rows of one file under one mapping.

    `date_orders` gives the day/month order of date columns written with the year last
    (field key → "dmy"/"mdy", see `date_orders_for`); without it, dates such as 05/11/2022
    are refused as ambiguous.
    """

    def __init__(
        self,
        headers: Sequence[str],
        mapping: Sequence[str],
        *,
        staff_by_name: Mapping[str, int],
        today: date,
        date_orders: Mapping[str, str] | None = None,
    ) -> None:
        self.headers = list(headers)
        self.columns = {key: i for i, key in enumerate(mapping) if key}
        self.staff_by_name = staff_by_name
        self.today = today
        self.date_orders = dict(date_orders or {})
        self.customer_keys = [k for k in CUSTOMER_KEYS if k in self.columns]
        self.vehicle_keys = [k for k in VEHICLE_KEYS if k in self.columns]
        self.address_parts = [k for k in ADDRESS_PART_KEYS if k in self.columns]
        #: True when the file says who is an organization (else it is inferred per row)
        self.has_kind_column = "kind" in self.columns
        #: Per column, cleaned cells by raw value: a column's values repeat (gender, dates,
        #: brand, model, colour …). A column found to repeat too little stops being cached.
        self._cleaned: dict[str, dict[tuple[type, Any], Any] | None] = {
            key: {} for key in self.columns
        }
        self._lookups = dict.fromkeys(self.columns, 0)

    def clean(self, key: str, value: Any) -> Any:
        """`clean_cell` of the column `key`, from the column's cache when the value was seen."""
        cache = self._cleaned[key]
        if cache is None:
            return clean_cell(key, value, order=self.date_orders.get(key))
        seen = (type(value), value)  # the type: True, 1 and 1.0 are equal keys
        try:
            result = cache.get(seen, _UNSEEN)
        except TypeError:  # a value that cannot be a key
            return clean_cell(key, value, order=self.date_orders.get(key))
        if result is _UNSEEN:
            try:
                result = clean_cell(key, value, order=self.date_orders.get(key))
            except CellError as exc:
                result = exc
            cache[seen] = result
            lookups = self._lookups[key] = self._lookups[key] + 1
            if lookups >= _CACHE_TRIAL and len(cache) > lookups * _CACHE_MAX_DISTINCT:
                self._cleaned[key] = None  # mostly distinct values (mobiles, VINs)
        else:
            self._lookups[key] += 1
        if type(result) is CellError:
            raise CellError(result.message)
        return result

    def _column_key(self, key: str) -> str:
        """The target whose column an error on `key` is shown at."""
        key = key if key in self.columns else ERROR_FALLBACK.get(key, key)
        if key == "address" and key not in self.columns and self.address_parts:
            return self.address_parts[0]  # the address was built from 省份/城市/区县
        return key

    def header_of(self, key: str) -> str:
        key = self._column_key(key)
        if key in self.columns:
            return self.headers[self.columns[key]] or str(TARGETS_BY_KEY[key].label)
        target = TARGETS_BY_KEY.get(key)
        return str(target.label) if target else key

    def raw_of(self, cells: Sequence[Any], key: str) -> str:
        index = self.columns.get(self._column_key(key))
        if index is None or index >= len(cells):
            return ""
        value = cells[index]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value)

    def _add_errors(
        self,
        result: ValidRow,
        cells: Sequence[Any],
        exc: ValidationError,
        skip: set[str],
        shown: Mapping[str, str],
        moved: Mapping[str, str],
    ) -> None:
        for key, errors in exc.error_dict.items():
            if key in skip:
                continue
            column = moved.get(key, key)  # a number checked as the other kind of phone
            value = shown[key] if key in shown else self.raw_of(cells, column)
            for error in errors:
                for message in error.messages:
                    result.errors.append(
                        RowError(result.number, self.header_of(column), value, message)
                    )

    def _route_phones(self, cleaned: dict[str, Any], bad: set[str]) -> dict[str, str]:
        """A phone column holds what the customer gave: a mobile in the landline column (电话)
        is the mobile when the row has none, a landline in the mobile column the landline.
        Returns the moved values' targets with the keys of the columns they came from."""
        landline, mobile = cleaned.get("landline") or "", cleaned.get("mobile") or ""
        if landline and not mobile and "landline" not in bad and _MOBILE_SHAPE.fullmatch(landline):
            cleaned["mobile"], cleaned["landline"] = landline, ""
            return {"mobile": "landline", "mobile_raw": "landline", "mobile_last4": "landline"}
        if mobile and not landline and "mobile" not in bad and _LANDLINE_SHAPE.fullmatch(mobile):
            cleaned["landline"], cleaned["mobile"] = mobile, ""
            return {"landline": "mobile"}
        return {}

    def _kind(self, cleaned: Mapping[str, Any], data: dict[str, Any]) -> str:
        """The row's customer type: the 客户类型 column's, else an organization when the row
        has a unified social credit code (also in the ID-number column) or an organization's
        name (某某有限公司)."""
        kind = cleaned.get("kind") or ""
        if kind:
            return kind
        id_number = data.get("id_number", "")
        if (
            data.get("uscc")
            or is_organization_name(data.get("name", ""))
            or (id_number and _is_uscc_not_resident_id(id_number, inferring=True))
        ):
            return CustomerKind.ORGANIZATION.value
        return CustomerKind.PERSON.value

    def validate(self, number: int, cells: Sequence[Any]) -> ValidRow:
        result = ValidRow(number=number)
        cleaned: dict[str, Any] = {}
        bad: set[str] = set()
        for key, index in self.columns.items():
            try:
                cleaned[key] = self.clean(key, cells[index] if index < len(cells) else None)
            except CellError as exc:
                bad.add(key)
                result.errors.append(
                    RowError(number, self.header_of(key), self.raw_of(cells, key), str(exc.message))
                )

        raw_mobile = cells[self.columns["mobile"]] if cleaned.get("mobile") else None
        if type(raw_mobile) is str and may_hold_several(raw_mobile):
            others = mobile_numbers(raw_mobile)[1:]
            if others:  # 13800138000/13900139000: one mobile per customer
                result.notes.append(
                    RowError(
                        number,
                        self.header_of("mobile"),
                        self.raw_of(cells, "mobile"),
                        _("Only the first number was imported as the mobile; not imported: "
                          "%(numbers)s.") % {"numbers": "、".join(others)},
                    )
                )  # fmt: skip

        moved = self._route_phones(cleaned, bad)
        data: dict[str, Any] = {"name": cleaned.get("name", "")}
        for key in self.customer_keys:
            value = cleaned.get(key)
            if key not in _NOT_CUSTOMER_DATA and value not in ("", None):
                data[key] = value
        for key in ("mobile", "landline"):
            if key in moved:
                data[key] = cleaned[key]
        shown: dict[str, str] = {}  # values shown with errors when not the cell as written
        if self.address_parts:
            parts = [cleaned.get(k) or "" for k in self.address_parts]
            if any(parts):
                data["address"] = shown["address"] = join_address(
                    parts, cleaned.get("address") or ""
                )
        kind = self._kind(cleaned, data)
        if kind == CustomerKind.ORGANIZATION and data.get("id_number"):
            # an organization's 证件号码 is often its unified social credit code
            id_number = data["id_number"]
            if data.get("uscc", id_number) == id_number and _is_uscc_not_resident_id(id_number):
                data["uscc"] = data.pop("id_number")
        if "kind" not in bad:
            data["kind"] = kind
        try:
            customer = clean_customer_fields(data, kind=kind)
        except ValidationError as exc:
            self._add_errors(result, cells, exc, bad, shown, moved)
            customer = {}
        if not self.has_kind_column and customer.get("kind") == CustomerKind.PERSON:
            # "a person" only for want of signs of an organization: not a value the file
            # gives, so it never turns a stored organization into a person
            del customer["kind"]
        staff_name = cleaned.get("responsible_staff")
        if staff_name:
            staff_id = self.staff_by_name.get(staff_name) or self.staff_by_name.get(
                staff_name.lower()
            )
            if staff_id is None:
                result.errors.append(
                    RowError(
                        number,
                        self.header_of("responsible_staff"),
                        self.raw_of(cells, "responsible_staff"),
                        _("No staff member of this dealer has this name."),
                    )
                )
            else:
                customer["responsible_staff_id"] = staff_id
        result.customer = customer

        vehicle_data = {
            k: cleaned[k] for k in self.vehicle_keys if cleaned.get(k) not in ("", None)
        }
        vehicle_bad = any(k in bad for k in self.vehicle_keys)
        if vehicle_data and "vin" not in vehicle_data and not vehicle_bad:
            # Without a VIN a vehicle cannot be recorded; the customer is still imported.
            result.notes.append(
                RowError(
                    number,
                    self.header_of("vin"),
                    self.raw_of(cells, "vin"),
                    _("No VIN: the vehicle columns of this row were not imported."),
                )
            )
        elif vehicle_data or vehicle_bad:
            vehicle_data.setdefault("vin", "")
            if vehicle_data.get("mileage_km") is not None:
                vehicle_data["mileage_read_on"] = self.today
            try:
                result.vehicle = clean_vehicle_fields(vehicle_data)
            except ValidationError as exc:
                self._add_errors(result, cells, exc, bad, shown, moved)
        if len(result.errors) > 1:  # in the order of the file's columns
            order = {header: i for i, header in reversed(list(enumerate(self.headers)))}
            result.errors.sort(key=lambda e: order.get(e.column, len(order)))
        return result


_UNSEEN = object()
#: Phone numbers as the cell cleaners leave them (separators removed).
_MOBILE_SHAPE = re.compile(r"(?:\+?86|0086)?1[3-9]\d{9}")
_LANDLINE_SHAPE = re.compile(r"0[1-9]\d{8,10}")
#: After this many cells of a column, its cache is dropped when more than this share of them
#: were distinct values.
_CACHE_TRIAL = 1000
_CACHE_MAX_DISTINCT = 0.5

#: Customer targets that are not passed to `clean_customer_fields` as they are.
_NOT_CUSTOMER_DATA = frozenset({"name", "responsible_staff", "kind", *ADDRESS_PART_KEYS})
