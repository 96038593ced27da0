"""Match import rows to existing customers and vehicles and decide what each row does.

A row belongs to the customer owning its VIN, else the customer with its ID number, else the
customer with its normalized mobile (E.164) — for each key first among the dealer's records,
then among the rows before it in the same file (so the same new person twice in a file is
one customer). Within one file an earlier row wins: a later row of the same
person only fills fields still empty. A file value replaces a stored one only when it is
non-empty and different; a stored value is never blanked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max, QuerySet

from autocrm.customers.models import Customer, Vehicle
from autocrm.imports.rows import ValidRow
from autocrm.rules.phones import is_suspicious_mobile

#: Customer fields an import compares; each may bring derived fields along.
CUSTOMER_FIELDS: dict[str, tuple[str, ...]] = {
    "kind": (),
    "uscc": (),
    "name": (),
    "mobile": ("mobile_raw", "mobile_last4"),
    "landline": (),
    "email": (),
    "address": ("province", "city", "district", "street", "house_number"),
    "postcode": (),
    "id_number": ("id_type",),
    "gender": (),
    "birth_date": (),
    "employer": (),
    "remarks": (),
    "responsible_staff_id": (),
}
CUSTOMER_STORED = tuple(
    dict.fromkeys(f for main, deps in CUSTOMER_FIELDS.items() for f in (main, *deps))
)
VEHICLE_FIELDS: dict[str, tuple[str, ...]] = {
    "vin": (),
    "plate_number": (),
    "brand": (),
    "model_name": (),
    "color": (),
    "purchase_date": (),
    "purchase_price": (),
    "mileage_km": ("mileage_read_on",),
}
VEHICLE_STORED = tuple(
    dict.fromkeys(f for main, deps in VEHICLE_FIELDS.items() for f in (main, *deps))
)
LOOKUP_CHUNK = 2000
#: From this many keys on, a file is matched in one pass over the dealer's records when the
#: dealer has no more customers than the file has keys.
WHOLE_DEALER_MIN_KEYS = 5000

NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"


@dataclass
class Planned:
    """The planned state of one customer or vehicle after the file is applied."""

    existing_id: int | None
    original: dict[str, Any]  # stored values ({} for a new record)
    values: dict[str, Any]
    locked: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
    owner: str = ""  # vehicles: the key of the customer entity

    def apply(self, incoming: dict[str, Any], spec: dict[str, tuple[str, ...]]) -> bool:
        if self.existing_id is None and not self.locked:
            return self._first(incoming, spec)
        touched = False
        for main, deps in spec.items():
            value = incoming.get(main)
            if value in ("", None) or main in self.locked:
                continue
            self.locked.add(main)
            if main == "mileage_km" and (self.values.get(main) or 0) >= value:
                continue  # an odometer only goes up
            if self.values.get(main) != value:
                touched = True
                for name in (main, *deps):
                    if name in incoming:
                        self.values[name] = incoming[name]
                        if self.original.get(name) != incoming[name]:
                            self.changed.add(name)
                        else:
                            self.changed.discard(name)
        return touched

    def _first(self, incoming: dict[str, Any], spec: dict[str, tuple[str, ...]]) -> bool:
        """`apply` for the first row of a new record (nothing planned or stored yet): every
        non-empty value is taken."""
        values, locked, changed = self.values, self.locked, self.changed
        touched = False
        for main, deps in spec.items():
            value = incoming.get(main)
            if value is None or value == "":
                continue
            locked.add(main)
            if main == "mileage_km" and value <= 0:
                continue  # an odometer only goes up (from nothing)
            touched = True
            values[main] = value
            changed.add(main)
            for name in deps:
                if name in incoming:
                    dep = values[name] = incoming[name]
                    if dep is None:
                        changed.discard(name)
                    else:
                        changed.add(name)
        return touched


@dataclass
class Plan:
    customers: dict[str, Planned] = field(default_factory=dict)
    vehicles: dict[str, Planned] = field(default_factory=dict)
    statuses: dict[int, str] = field(default_factory=dict)  # row number → status

    def counts(self) -> dict[str, int]:
        result = {NEW: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0}
        for status in self.statuses.values():
            result[status] += 1
        return result


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = list(values)
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


@contextlib.contextmanager
def _btree_lookups() -> Iterator[None]:
    """PostgreSQL plans the lookups without bitmap scans, so `mobile IN (…2,000 numbers…)` is
    answered from the (dealer, mobile) b-tree. pg_trgm also answers equality, and the planner
    took the trigram index for it: one such lookup took 30 s while a large import's new rows
    sat in that GIN index's pending list (GIN indexes are only read by bitmap scans). The
    setting is restored afterwards, also inside a caller's transaction."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_bitmapscan')")
        (previous,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_bitmapscan', 'off', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('enable_bitmapscan', %s, true)", [previous])


class Matcher:
    """Looks up the dealer's existing records for a set of rows in a few chunked queries.

    Only records that existed when the matcher was made are found: an import writing chunk by
    chunk finds the records it created itself through its plan, as one file's rows find each
    other (ids only grow, so those are the records with higher ids)."""

    def __init__(self, dealer_id: int) -> None:
        self.dealer_id = dealer_id
        self.vehicle_by_vin: dict[str, dict[str, Any]] = {}
        self.customer_by_id_number: dict[str, int] = {}
        self.customer_by_mobile: dict[str, int] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        self.last_customer_id = Customer.objects.aggregate(m=Max("id"))["m"] or 0
        self.last_vehicle_id = Vehicle.objects.aggregate(m=Max("id"))["m"] or 0
        self._dealer_customers: int | None = None
        self._whole_dealer_loaded = False

    @property
    def looks_up_keys(self) -> bool:
        """False once the dealer's records are all loaded: no more lookups to plan."""
        return not self._whole_dealer_loaded

    def _customers(self) -> QuerySet[Customer]:
        return Customer.objects.filter(dealer_id=self.dealer_id, id__lte=self.last_customer_id)

    def _vehicles(self) -> QuerySet[Vehicle]:
        return Vehicle.objects.filter(dealer_id=self.dealer_id, id__lte=self.last_vehicle_id)

    def load(self, rows: Sequence[ValidRow]) -> None:
        vins = {r.vehicle["vin"] for r in rows if r.vehicle and r.vehicle.get("vin")}
        id_numbers = {r.customer["id_number"] for r in rows if r.customer.get("id_number")}
        mobiles = {r.customer["mobile"] for r in rows if r.customer.get("mobile")}
        wanted_keys = len(vins) + len(id_numbers) + len(mobiles)
        if self._whole_dealer_loaded:
            pass  # every key of the dealer's records is known
        elif wanted_keys >= WHOLE_DEALER_MIN_KEYS and self._dealer_count() <= wanted_keys:
            self._load_whole_dealer()
        else:
            self._load_keys(vins, id_numbers, mobiles)
        wanted = (
            {v["customer_id"] for v in self.vehicle_by_vin.values()}
            | set(self.customer_by_id_number.values())
            | set(self.customer_by_mobile.values())
        ) - self.customers.keys()
        for chunk in _chunks(wanted):
            for row in Customer.objects.filter(dealer_id=self.dealer_id, id__in=chunk).values(
                "id", *CUSTOMER_STORED
            ):
                self.customers[row.pop("id")] = row

    def _dealer_count(self) -> int:
        if self._dealer_customers is None:
            self._dealer_customers = self._customers().count()
        return self._dealer_customers

    def _load_whole_dealer(self) -> None:
        """The same lookups when the file has more keys than the dealer has customers: one
        pass over the dealer's records instead of thousands of keys in IN lists, once."""
        for row in (
            self._vehicles()
            .exclude(vin="")
            .order_by("id")
            .values("id", "customer_id", *VEHICLE_STORED)
        ):
            self.vehicle_by_vin.setdefault(row["vin"], row)
        active = self._customers().filter(merged_into__isnull=True, is_active=True)
        for pk, number, mobile in active.order_by("id").values_list("id", "id_number", "mobile"):
            if number:
                self.customer_by_id_number.setdefault(number, pk)
            if mobile:
                self.customer_by_mobile.setdefault(mobile, pk)
        self._whole_dealer_loaded = True

    def _load_keys(self, vins: set[str], id_numbers: set[str], mobiles: set[str]) -> None:
        with _btree_lookups():
            self._look_up(vins, id_numbers, mobiles)

    def _look_up(self, vins: set[str], id_numbers: set[str], mobiles: set[str]) -> None:
        active = self._customers().filter(merged_into__isnull=True, is_active=True)
        for chunk in _chunks(vins - self.vehicle_by_vin.keys()):
            for row in (
                self._vehicles().filter(vin__in=chunk).values("id", "customer_id", *VEHICLE_STORED)
            ):
                self.vehicle_by_vin.setdefault(row["vin"], row)
        for chunk in _chunks(id_numbers - self.customer_by_id_number.keys()):
            for pk, number in (
                active.filter(id_number__in=chunk).order_by("id").values_list("id", "id_number")
            ):
                self.customer_by_id_number.setdefault(number, pk)
        for chunk in _chunks(mobiles - self.customer_by_mobile.keys()):
            for pk, mobile in (
                active.filter(mobile__in=chunk).order_by("id").values_list("id", "mobile")
            ):
                self.customer_by_mobile.setdefault(mobile, pk)


def plan_rows(rows: Sequence[ValidRow], matcher: Matcher, plan: Plan | None = None) -> Plan:
    """Add the rows' effect to `plan` (rows in file order)."""
    plan = plan or Plan()
    matcher.load([r for r in rows if not r.errors])
    file_keys: dict[str, str] = {}  # "vin:…" / "id:…" / "m:…" → customer entity key
    if hasattr(plan, "_file_keys"):
        file_keys = plan._file_keys  # type: ignore[attr-defined]
    plan._file_keys = file_keys  # type: ignore[attr-defined]
    for row in rows:
        if row.errors:
            plan.statuses[row.number] = REJECTED
            continue
        customer, vehicle = row.customer, row.vehicle
        keys = []
        if vehicle and vehicle.get("vin"):
            keys.append(("vin:" + vehicle["vin"], _db_owner_of_vin(matcher, vehicle["vin"])))
        if customer.get("id_number"):
            number = customer["id_number"]
            keys.append(("id:" + number, matcher.customer_by_id_number.get(number)))
        if customer.get("mobile") and not is_suspicious_mobile(customer["mobile"]):
            # A made-up number (13800138000) is typed for many people: never a match key.
            keys.append(
                ("m:" + customer["mobile"], matcher.customer_by_mobile.get(customer["mobile"]))
            )
        entity_key = None
        for file_key, db_id in keys:
            entity_key = f"c{db_id}" if db_id else file_keys.get(file_key)
            if entity_key:
                break
        status = UNCHANGED
        if entity_key is None:
            entity_key = f"r{row.number}"
        entity = plan.customers.get(entity_key)
        if entity is None:
            if entity_key.startswith("c"):
                db_id = int(entity_key[1:])
                original = matcher.customers[db_id]
                entity = Planned(db_id, original, dict(original))
            else:
                entity = Planned(None, {}, {})
                status = NEW
            plan.customers[entity_key] = entity
        if entity.apply(customer, CUSTOMER_FIELDS) and status != NEW:
            status = UPDATED
        for file_key, _db_id in keys:
            file_keys.setdefault(file_key, entity_key)
        if vehicle and vehicle.get("vin"):
            vin = vehicle["vin"]
            planned_vehicle = plan.vehicles.get(vin)
            if planned_vehicle is None:
                stored = matcher.vehicle_by_vin.get(vin)
                if stored is not None:
                    original = {k: stored[k] for k in VEHICLE_STORED}
                    planned_vehicle = Planned(stored["id"], original, dict(original))
                    planned_vehicle.owner = f"c{stored['customer_id']}"
                else:
                    planned_vehicle = Planned(None, {}, {}, owner=entity_key)
                    if status != NEW:
                        status = UPDATED
                plan.vehicles[vin] = planned_vehicle
            if planned_vehicle.apply(vehicle, VEHICLE_FIELDS) and status != NEW:
                status = UPDATED
        row.entity = entity_key
        plan.statuses[row.number] = status
    return plan


def _db_owner_of_vin(matcher: Matcher, vin: str) -> int | None:
    stored = matcher.vehicle_by_vin.get(vin)
    return stored["customer_id"] if stored else None
