"""Turn one spreadsheet row into validated customer and vehicle values, or per-cell errors.

Validation uses exactly the rules of manual entry (`autocrm.customers.cleaning`); this module
only cleans cells first (`normalize`) and translates field-keyed errors into errors that name
the row number and the column header the user sees in Excel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from autocrm.customers.choices import CustomerKind
from autocrm.customers.cleaning import clean_customer_fields, clean_vehicle_fields
from autocrm.imports.address_columns import join_address
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
from autocrm.rules.id_numbers import is_uscc_not_resident_id
from autocrm.rules.names import is_organization_name

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
            or (id_number and is_uscc_not_resident_id(id_number, inferring=True))
        ):
            return CustomerKind.ORGANIZATION.value
        return CustomerKind.PERSON.value

    def validate(self, number: int, cells: Sequence[Any]) -> ValidRow:
        """One row through the manual-entry rules: 1. each cell cleaned; 2. a second number in
        the mobile cell noted; 3. the customer's values validated; 4. the responsible staff
        member found; 5. the vehicle's values validated. Errors come in the file's column
        order."""
        result = ValidRow(number=number)
        cleaned, bad = self._clean_cells(result, cells)
        self._note_other_mobiles(result, cells, cleaned)
        moved = self._route_phones(cleaned, bad)
        shown: dict[str, str] = {}  # values shown with errors when not the cell as written
        result.customer = self._customer(result, cells, cleaned, bad, moved, shown)
        self._responsible_staff(result, cells, cleaned)
        self._vehicle(result, cells, cleaned, bad, moved, shown)
        if len(result.errors) > 1:  # in the order of the file's columns
            order = {header: i for i, header in reversed(list(enumerate(self.headers)))}
            result.errors.sort(key=lambda e: order.get(e.column, len(order)))
        return result

    def _clean_cells(
        self, result: ValidRow, cells: Sequence[Any]
    ) -> tuple[dict[str, Any], set[str]]:
        cleaned: dict[str, Any] = {}
        bad: set[str] = set()
        for key, index in self.columns.items():
            try:
                cleaned[key] = self.clean(key, cells[index] if index < len(cells) else None)
            except CellError as exc:
                bad.add(key)
                result.errors.append(
                    RowError(
                        result.number, self.header_of(key), self.raw_of(cells, key),
                        str(exc.message),
                    )
                )  # fmt: skip
        return cleaned, bad

    def _note_other_mobiles(
        self, result: ValidRow, cells: Sequence[Any], cleaned: Mapping[str, Any]
    ) -> None:
        raw_mobile = cells[self.columns["mobile"]] if cleaned.get("mobile") else None
        if type(raw_mobile) is str and may_hold_several(raw_mobile):
            others = mobile_numbers(raw_mobile)[1:]
            if others:  # 13800138000/13900139000: one mobile per customer
                result.notes.append(
                    RowError(
                        result.number,
                        self.header_of("mobile"),
                        self.raw_of(cells, "mobile"),
                        _("Only the first number was imported as the mobile; not imported: "
                          "%(numbers)s.") % {"numbers": "、".join(others)},
                    )
                )  # fmt: skip

    def _customer(
        self,
        result: ValidRow,
        cells: Sequence[Any],
        cleaned: Mapping[str, Any],
        bad: set[str],
        moved: dict[str, str],
        shown: dict[str, str],
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"name": cleaned.get("name", "")}
        for key in self.customer_keys:
            value = cleaned.get(key)
            if key not in _NOT_CUSTOMER_DATA and value not in ("", None):
                data[key] = value
        for key in ("mobile", "landline"):
            if key in moved:
                data[key] = cleaned[key]
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
            if data.get("uscc", id_number) == id_number and is_uscc_not_resident_id(id_number):
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
        return customer

    def _responsible_staff(
        self, result: ValidRow, cells: Sequence[Any], cleaned: Mapping[str, Any]
    ) -> None:
        staff_name = cleaned.get("responsible_staff")
        if not staff_name:
            return
        staff_id = self.staff_by_name.get(staff_name) or self.staff_by_name.get(staff_name.lower())
        if staff_id is None:
            result.errors.append(
                RowError(
                    result.number,
                    self.header_of("responsible_staff"),
                    self.raw_of(cells, "responsible_staff"),
                    _("No staff member of this dealer has this name."),
                )
            )
        else:
            result.customer["responsible_staff_id"] = staff_id

    def _vehicle(
        self,
        result: ValidRow,
        cells: Sequence[Any],
        cleaned: Mapping[str, Any],
        bad: set[str],
        moved: dict[str, str],
        shown: dict[str, str],
    ) -> None:
        vehicle_data = {
            k: cleaned[k] for k in self.vehicle_keys if cleaned.get(k) not in ("", None)
        }
        vehicle_bad = any(k in bad for k in self.vehicle_keys)
        if vehicle_data and "vin" not in vehicle_data and not vehicle_bad:
            # Without a VIN a vehicle cannot be recorded; the customer is still imported.
            result.notes.append(
                RowError(
                    result.number,
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
