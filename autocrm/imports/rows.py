"""Turn one spreadsheet row into validated customer and vehicle values, with per-cell problems.

Validation uses exactly the rules of manual entry (`autocrm.customers.cleaning`); this module
only cleans cells first (`normalize`) and translates field-keyed errors into problems that name
the row number and the column header the user sees in Excel.

Nothing is lost on import (issue #12): a value the rules refuse is left out of the customer
(with the values that depend on it) and kept as written in `rejected_values`; the row is
"imported with problems". Only a row with no usable identity (no name, and no phone, ID
number or VIN) is rejected. Manual entry and the API stay strict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from autocrm.customers.choices import CustomerKind, PhoneKind
from autocrm.customers.cleaning import ID_MISMATCH, clean_customer_fields, clean_vehicle_fields
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
    cell_cleaner,
    date_order,
    may_hold_several,
    phone_parts,
)
from autocrm.rules.id_numbers import is_uscc_not_resident_id, upgraded_id_number
from autocrm.rules.names import is_organization_name
from autocrm.rules.phones import normalize_landline, normalize_mobile

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
    columns = [(index, key) for index, key in enumerate(mapping) if key in DATE_KEYS]
    if not columns:
        return {}
    # the rows read once for all date columns (a large file's rows are stored compressed:
    # each pass unpacks them all again)
    texts: list[list[str]] = [[] for _column in columns]
    for row in sheet_rows:
        width = len(row)
        for (index, _key), values in zip(columns, texts, strict=True):
            if index < width:
                value = row[index]
                if isinstance(value, str) and value:
                    values.append(value)
    orders: dict[str, str] = {}
    for (_index, key), values in zip(columns, texts, strict=True):
        order = date_order(values)
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
    """One checked row. `errors` reject it; `problems` are values left out of an imported
    row (kept as written in `customer["rejected_values"]`); `notes` say what else was done.

    `customer` holds, besides the customer's field values: "responsible_staff_id" (always:
    the staff id, or None for unassigned), "rejected_values" (when there are problems, or an
    unknown consultant left unassigned: [{"field", "value", "message", "batch", "row"}], the
    batch id left None for the writer to fill) and "other_numbers" (numbers beyond the
    mobile and landline: [(kind, E.164 or landline digits, as written)])."""

    number: int
    customer: dict[str, Any] = field(default_factory=dict)
    vehicle: dict[str, Any] | None = None
    errors: list[RowError] = field(default_factory=list)
    #: values left out of the imported row (the row counts as "imported with problems")
    problems: list[RowError] = field(default_factory=list)
    #: what the row does not import but does not reject it for (vehicle columns without VIN)
    notes: list[RowError] = field(default_factory=list)
    #: the consultant name of the row when no staff member here has it ("" otherwise)
    unknown_staff: str = ""
    entity: str = ""  # the customer this row belongs to (set by matching)
    #: pinyin and scores of the row's customer as a new record of its own (set for valid rows)
    derived: dict[str, Any] | None = None


class RowValidator:
    """Validates rows of one file under one mapping.

    `date_orders` gives the day/month order of date columns written with the year last
    (field key → "dmy"/"mdy", see `date_orders_for`); without it, dates such as 05/11/2022
    are refused as ambiguous. `staff_mapping` maps consultant names that are not staff here.
    """

    def __init__(
        self,
        headers: Sequence[str],
        mapping: Sequence[str],
        *,
        staff_by_name: Mapping[str, int],
        today: date,
        date_orders: Mapping[str, str] | None = None,
        staff_mapping: Mapping[str, int | None] | None = None,
        near_province: str = "",
    ) -> None:
        self.headers = list(headers)
        #: the dealer's province: an address naming only a district (南山区…) is read there
        self.near_province = near_province
        #: consultant names unknown here → the staff id chosen at preview (None: unassigned)
        self.staff_mapping = dict(staff_mapping or {})
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
        self._rows_cleaned = 0
        #: Per column, the function that cleans its cells (`clean_cell`'s choice, made once).
        self._cleaners = {
            key: cell_cleaner(key, order=self.date_orders.get(key)) for key in self.columns
        }
        #: Each header's first column index, to sort a row's errors in the file's order.
        self._header_order = {h: i for i, h in reversed(list(enumerate(self.headers)))}

    def clean(self, key: str, value: Any) -> Any:
        """`clean_cell` of the column `key`, from the column's cache when the value was seen."""
        cache = self._cleaned[key]
        if cache is None:
            return self._cleaners[key](value)
        seen = (type(value), value)  # the type: True, 1 and 1.0 are equal keys
        try:
            result = cache.get(seen, _UNSEEN)
        except TypeError:  # a value that cannot be a key
            return self._cleaners[key](value)
        if result is _UNSEEN:
            result = self._clean_unseen(key, value, seen, cache)
        if type(result) is CellError:
            raise CellError(result.message)
        return result

    def _clean_unseen(
        self, key: str, value: Any, seen: tuple[type, Any], cache: dict[tuple[type, Any], Any]
    ) -> Any:
        """A value new to its column's cache: cleaned and kept (its error too). Hits are not
        counted one by one: every row looks each column up once, so the rows validated so far
        tell how many lookups the cache had."""
        try:
            result = self._cleaners[key](value)
        except CellError as exc:
            result = exc.with_traceback(None)  # cached: not with the frames it came from
        cache[seen] = result
        lookups = self._rows_cleaned
        if lookups >= _CACHE_TRIAL and len(cache) > lookups * _CACHE_MAX_DISTINCT:
            self._cleaned[key] = None  # mostly distinct values (mobiles, VINs)
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

    def _problem(
        self,
        result: ValidRow,
        rejected: list[dict[str, Any]],
        key: str,
        column: str,
        value: str,
        message: str,
    ) -> None:
        """A value left out of the imported row: listed with its row and column, and kept as
        written on the record."""
        result.problems.append(RowError(result.number, self.header_of(column), value, message))
        rejected.append(
            {"field": key, "value": value, "message": message, "batch": None, "row": result.number}
        )  # fmt: skip

    def _drop_refused(
        self,
        result: ValidRow,
        rejected: list[dict[str, Any]],
        cells: Sequence[Any],
        exc: ValidationError,
        data: dict[str, Any],
        shown: Mapping[str, str],
        moved: Mapping[str, str],
    ) -> bool:
        """The values the rules refused, taken out of `data` as problems (with the values that
        depend on them); a gender that disagrees with a valid ID number is taken from the ID
        number with a note. False when nothing could be taken out (nothing to retry)."""
        dropped = False
        for key, errors in exc.error_dict.items():
            column = moved.get(key, key)  # a number checked as the other kind of phone
            value = shown[key] if key in shown else self.raw_of(cells, column)
            if key == "gender" and all(e.code == ID_MISMATCH for e in errors):
                result.notes.append(
                    RowError(
                        result.number, self.header_of(column), value,
                        _("The gender does not match the ID number: the ID number's was "
                          "imported."),
                    )
                )  # fmt: skip
            else:
                for error in errors:
                    for message in error.messages:
                        self._problem(result, rejected, key, column, value, message)
            for name in (key, *_DROPPED_WITH.get(key, ())):
                if name in data:
                    del data[name]
                    dropped = True
        return dropped

    def _route_phones(
        self,
        result: ValidRow,
        rejected: list[dict[str, Any]],
        cells: Sequence[Any],
        cleaned: dict[str, Any],
        bad: set[str],
    ) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
        """A phone column holds what the customer gave: a mobile in the landline column (电话)
        is the mobile when the row has none, a landline in the mobile column the landline,
        and every further number (a second mobile in the same cell, a mobile in 电话 beside
        the mobile, a second landline) is kept. Returns the moved values' targets with the
        keys of the columns they came from, and the further numbers (kind, number, as
        written)."""
        found: list[tuple[str, str, str]] = []  # (column, as written, cleaned)
        for column in ("mobile", "landline"):
            if column not in self.columns or column in bad or not cleaned.get(column):
                continue
            raw = cells[self.columns[column]]
            if type(raw) is str and may_hold_several(raw):
                found += [(column, written, number) for written, number in phone_parts(raw)]
            else:
                found.append((column, self.raw_of(cells, column), cleaned[column]))
        slots: dict[str, tuple[str, str]] = {}  # target → (column, number)
        others: list[tuple[str, str, str]] = []  # (kind, as written, cleaned)
        for column, written, number in found:
            kind = (
                "mobile" if _MOBILE_SHAPE.fullmatch(number)
                else "landline" if _LANDLINE_SHAPE.fullmatch(number)
                else column
            )  # fmt: skip
            if kind not in slots:
                slots[kind] = (column, number)
            elif number != slots[kind][1] and all(number != n for _k, _w, n in others):
                others.append((kind, written, number))
        moved: dict[str, str] = {}
        for target in ("mobile", "landline"):
            if target in self.columns and target not in bad:
                cleaned[target] = ""
        for target, (column, number) in slots.items():
            cleaned[target] = number
            if column != target:
                moved[target] = column
                if target == "mobile":
                    moved["mobile_raw"] = moved["mobile_last4"] = column
        numbers = []
        for kind, written, number in others:
            try:
                normal = (
                    normalize_mobile(number) if kind == "mobile" else normalize_landline(number)
                )
            except ValidationError as exc:
                column = "mobile" if any(c == "mobile" and w == written for c, w, _n in found) \
                    else "landline"  # fmt: skip
                for message in exc.messages:
                    self._problem(result, rejected, kind, column, written, message)
                continue
            numbers.append((PhoneKind(kind).value, normal, written))
        return moved, numbers

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
        """One row through the manual-entry rules: 1. each cell cleaned; 2. every number of
        the phone cells routed; 3. the customer's values validated; 4. the responsible staff
        member found; 5. the vehicle's values validated; 6. a row that identifies nobody
        rejected. A refused value is left out and kept as written (a problem, not a
        rejection). Errors and problems come in the file's column order."""
        result = ValidRow(number=number)
        rejected: list[dict[str, Any]] = []
        cleaned, bad = self._clean_cells(result, rejected, cells)
        moved, other_numbers = self._route_phones(result, rejected, cells, cleaned, bad)
        shown: dict[str, str] = {}  # values shown with problems when not the cell as written
        customer = self._customer(result, rejected, cells, cleaned, bad, moved, shown)
        self._vehicle(result, rejected, cells, cleaned, bad, moved, shown)
        if other_numbers:
            customer["other_numbers"] = other_numbers
        result.customer = customer
        self._responsible_staff(result, rejected, cells, cleaned)
        if rejected:
            customer["rejected_values"] = rejected
        if not self._identifies(result):
            result.errors = [
                *result.problems,
                RowError(
                    number, self.header_of("name"), self.raw_of(cells, "name"),
                    _("Nothing identifies a customer in this row: no name, and no phone, ID "
                      "number or VIN."),
                ),
            ]  # fmt: skip
            result.problems = []
        order = self._header_order
        for found in (result.errors, result.problems):
            if len(found) > 1:  # in the order of the file's columns
                found.sort(key=lambda e: order.get(e.column, len(order)))
        return result

    @staticmethod
    def _identifies(result: ValidRow) -> bool:
        """A name, a phone, an ID number (or USCC) or a VIN: a row with any is a customer."""
        customer = result.customer
        return bool(
            customer.get("name")
            or customer.get("mobile")
            or customer.get("landline")
            or customer.get("other_numbers")
            or customer.get("id_number")
            or customer.get("uscc")
            or (result.vehicle and result.vehicle.get("vin"))
        )

    def _clean_cells(
        self, result: ValidRow, rejected: list[dict[str, Any]], cells: Sequence[Any]
    ) -> tuple[dict[str, Any], set[str]]:
        cleaned: dict[str, Any] = {}
        bad: set[str] = set()
        self._rows_cleaned += 1
        clean, count = self.clean, len(cells)
        caches, cleaners = self._cleaned, self._cleaners
        for key, index in self.columns.items():
            value = cells[index] if index < count else None
            try:
                # a column without a cache (mostly distinct values) straight to its cleaner
                cleaned[key] = cleaners[key](value) if caches[key] is None else clean(key, value)
            except CellError as exc:
                bad.add(key)
                self._problem(result, rejected, key, key, self.raw_of(cells, key), str(exc.message))
        return cleaned, bad

    def _customer(
        self,
        result: ValidRow,
        rejected: list[dict[str, Any]],
        cells: Sequence[Any],
        cleaned: Mapping[str, Any],
        bad: set[str],
        moved: dict[str, str],
        shown: dict[str, str],
    ) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if cleaned.get("name"):
            data["name"] = cleaned["name"]
        for key in self.customer_keys:
            value = cleaned.get(key)
            if key not in _NOT_CUSTOMER_DATA and key not in bad and value not in ("", None):
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
        upgraded = upgraded_id_number(data.get("id_number") or "")
        if upgraded:  # a first-generation card: the same person's current number
            result.notes.append(
                RowError(
                    result.number, self.header_of("id_number"), self.raw_of(cells, "id_number"),
                    _("An old 15-digit ID number: imported as %(number)s, the number of the "
                      "current card.") % {"number": upgraded},
                )
            )  # fmt: skip
            data["id_number"] = upgraded
        customer: dict[str, Any] = {}
        for _attempt in range(len(data) + 1):  # each retry leaves out at least one value
            try:
                customer = clean_customer_fields(data, kind=kind, near_province=self.near_province)
                break
            except ValidationError as exc:
                if not self._drop_refused(result, rejected, cells, exc, data, shown, moved):
                    break
        if not self.has_kind_column and customer.get("kind") == CustomerKind.PERSON:
            # "a person" only for want of signs of an organization: not a value the file
            # gives, so it never turns a stored organization into a person
            del customer["kind"]
        return customer

    def _responsible_staff(
        self,
        result: ValidRow,
        rejected: list[dict[str, Any]],
        cells: Sequence[Any],
        cleaned: Mapping[str, Any],
    ) -> None:
        """The consultant (销售顾问) by name; a name no staff member here has is looked up in
        the mapping chosen at preview, else the customer stays unassigned with the name kept
        as written (to be handed out later). The key is always set: an id or None."""
        staff_name = cleaned.get("responsible_staff")
        staff_id = None
        if staff_name:
            staff_id = self.staff_by_name.get(staff_name) or self.staff_by_name.get(
                staff_name.lower()
            )
            if staff_id is None:
                result.unknown_staff = staff_name
                staff_id = self.staff_mapping.get(staff_name)
                if staff_id is None:
                    entry = {
                        "field": "responsible_staff",
                        "value": self.raw_of(cells, "responsible_staff"),
                        "message": _("No staff member of this dealer has this name."),
                        "batch": None,
                        "row": result.number,
                    }
                    rejected.append(entry)
        result.customer["responsible_staff_id"] = staff_id

    def _vehicle(
        self,
        result: ValidRow,
        rejected: list[dict[str, Any]],
        cells: Sequence[Any],
        cleaned: Mapping[str, Any],
        bad: set[str],
        moved: dict[str, str],
        shown: dict[str, str],
    ) -> None:
        vehicle_data = {
            k: cleaned[k]
            for k in self.vehicle_keys
            if k not in bad and cleaned.get(k) not in ("", None)
        }
        if not vehicle_data or "vin" in bad:
            return
        if "vin" not in vehicle_data:
            # Without a VIN a vehicle cannot be recorded; the customer is still imported.
            result.notes.append(
                RowError(
                    result.number,
                    self.header_of("vin"),
                    self.raw_of(cells, "vin"),
                    _("No VIN: the vehicle columns of this row were not imported."),
                )
            )
            return
        if vehicle_data.get("mileage_km") is not None:
            vehicle_data["mileage_read_on"] = self.today
        for _attempt in range(len(vehicle_data) + 1):
            try:
                result.vehicle = clean_vehicle_fields(vehicle_data)
                return
            except ValidationError as exc:
                # a refused VIN: no vehicle (its values are kept as written with the rest)
                if (
                    not self._drop_refused(result, rejected, cells, exc, vehicle_data, shown, moved)
                    or "vin" in exc.error_dict
                ):
                    return


_UNSEEN = object()


#: Phone numbers as the cell cleaners leave them (separators removed).
_MOBILE_SHAPE = re.compile(r"(?:\+?86|0086)?1[3-9]\d{9}")


_LANDLINE_SHAPE = re.compile(r"0[1-9]\d{8,10}")


#: After this many cells of a column, its cache is dropped when more than this share of them
#: were distinct values.
_CACHE_TRIAL = 1000


_CACHE_MAX_DISTINCT = 0.5


#: What else is left out with a refused value (the ID type of a refused ID number).
_DROPPED_WITH = {"id_number": ("id_type",), "mileage_km": ("mileage_read_on",)}


#: Customer targets that are not passed to `clean_customer_fields` as they are.
_NOT_CUSTOMER_DATA = frozenset({"name", "responsible_staff", "kind", *ADDRESS_PART_KEYS})
