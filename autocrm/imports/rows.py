"""Turn one spreadsheet row into validated customer and vehicle values, or per-cell errors.

Validation uses exactly the rules of manual entry (`autocrm.customers.cleaning`); this module
only cleans cells first (`normalize`) and translates field-keyed errors into errors that name
the row number and the column header the user sees in Excel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from autocrm.customers.choices import CustomerKind
from autocrm.customers.cleaning import clean_customer_fields, clean_vehicle_fields
from autocrm.imports.columns import CUSTOMER_KEYS, TARGETS_BY_KEY, VEHICLE_KEYS
from autocrm.imports.normalize import CellError, clean_cell

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
}


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
    entity: str = ""  # the customer this row belongs to (set by matching)
    #: pinyin and scores of the row's customer as a new record of its own (set for valid rows)
    derived: dict[str, Any] | None = None


class RowValidator:
    """Validates rows of one file under one mapping."""

    def __init__(
        self,
        headers: Sequence[str],
        mapping: Sequence[str],
        *,
        staff_by_name: Mapping[str, int],
        today: date,
    ) -> None:
        self.headers = list(headers)
        self.columns = {key: i for i, key in enumerate(mapping) if key}
        self.staff_by_name = staff_by_name
        self.today = today
        self.customer_keys = [k for k in CUSTOMER_KEYS if k in self.columns]
        self.vehicle_keys = [k for k in VEHICLE_KEYS if k in self.columns]

    def header_of(self, key: str) -> str:
        key = key if key in self.columns else ERROR_FALLBACK.get(key, key)
        if key in self.columns:
            return self.headers[self.columns[key]] or str(TARGETS_BY_KEY[key].label)
        target = TARGETS_BY_KEY.get(key)
        return str(target.label) if target else key

    def raw_of(self, cells: Sequence[Any], key: str) -> str:
        key = key if key in self.columns else ERROR_FALLBACK.get(key, key)
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return ""
        value = cells[index]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value)

    def _add_errors(
        self, result: ValidRow, cells: Sequence[Any], exc: ValidationError, skip: set[str]
    ) -> None:
        for key, errors in exc.error_dict.items():
            if key in skip:
                continue
            for error in errors:
                for message in error.messages:
                    result.errors.append(
                        RowError(
                            result.number, self.header_of(key), self.raw_of(cells, key), message
                        )
                    )

    def validate(self, number: int, cells: Sequence[Any]) -> ValidRow:
        result = ValidRow(number=number)
        cleaned: dict[str, Any] = {}
        bad: set[str] = set()
        for key, index in self.columns.items():
            try:
                cleaned[key] = clean_cell(key, cells[index] if index < len(cells) else None)
            except CellError as exc:
                bad.add(key)
                result.errors.append(
                    RowError(number, self.header_of(key), self.raw_of(cells, key), str(exc.message))
                )

        data: dict[str, Any] = {"name": cleaned.get("name", "")}
        for key in self.customer_keys:
            value = cleaned.get(key)
            if key not in ("name", "responsible_staff") and value not in ("", None):
                data[key] = value
        try:
            customer = clean_customer_fields(data, kind=CustomerKind.PERSON)
        except ValidationError as exc:
            self._add_errors(result, cells, exc, bad)
            customer = {}
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
        if vehicle_data or any(k in bad for k in self.vehicle_keys):
            vehicle_data.setdefault("vin", "")
            if vehicle_data.get("mileage_km") is not None:
                vehicle_data["mileage_read_on"] = self.today
            try:
                result.vehicle = clean_vehicle_fields(vehicle_data)
            except ValidationError as exc:
                self._add_errors(result, cells, exc, bad)
        if len(result.errors) > 1:  # in the order of the file's columns
            order = {header: i for i, header in reversed(list(enumerate(self.headers)))}
            result.errors.sort(key=lambda e: order.get(e.column, len(order)))
        return result
