"""The planned state of an import: each customer and vehicle as the file leaves it
(`Planned`), the best value of each field when rows and records become one (`_survive`), the
records of a whole file kept packed once written (`Records`), and each row's outcome
(`RowStatuses`).

When rows become one customer, each field keeps the best value (`_survive`): a real name over
a placeholder, the more complete address, a verified record's values over a file's, the newer
mobile as the contact number with the older one kept as another number; an empty value never
blanks a stored one. Every number seen is kept (`Planned.numbers`).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, MutableMapping
from datetime import date
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any, cast

from autocrm.customers.choices import AccuracyStatus
from autocrm.rules.identity import PersonFacts
from autocrm.rules.names import is_placeholder_name

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
    "rejected_values": (),
}
CUSTOMER_STORED = tuple(
    dict.fromkeys(f for main, deps in CUSTOMER_FIELDS.items() for f in (main, *deps))
)
#: Read with a stored customer for the identity rules and survivorship, never written
CUSTOMER_READ = (*CUSTOMER_STORED, "accuracy_status")
#: Fields whose value a verified record keeps against a file's
VERIFIED_FIELDS = frozenset({"name", "mobile", "address", "id_number"})
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


class Planned:
    """The planned state of one customer or vehicle after the file is applied.

    `existing_id`: the record's id once it exists (stored before, or written by this import);
    `original`: its stored values ({} for a new record); `values`: the planned values;
    `locked`: the fields this file has given; `changed`: the fields to write; `owner`
    (vehicles): the key of the customer entity; `numbers`: numbers seen beside the contact
    number (number → (kind, as written)); `stored_numbers`: those the stored customer held
    before the import (not written again)."""

    __slots__ = (
        "existing_id", "original", "values", "locked", "changed", "owner", "numbers",
        "stored_numbers",
    )  # fmt: skip

    def __init__(
        self,
        existing_id: int | None,
        original: dict[str, Any],
        values: dict[str, Any],
        locked: set[str] | None = None,
        changed: set[str] | None = None,
        owner: str = "",
        numbers: dict[str, tuple[str, str]] | None = None,
        stored_numbers: frozenset[str] = frozenset(),
    ) -> None:
        self.existing_id = existing_id
        self.original = original
        self.values = values
        self.locked = set() if locked is None else locked
        self.changed = set() if changed is None else changed
        self.owner = owner
        self.numbers = {} if numbers is None else numbers
        self.stored_numbers = stored_numbers

    def __repr__(self) -> str:
        return (
            f"Planned(existing_id={self.existing_id!r}, values={self.values!r}, "
            f"changed={self.changed!r}, owner={self.owner!r})"
        )

    def settle(self) -> None:
        """The record is written as planned now: its stored values are its planned values (one
        dict for both until a later row changes it, see `apply`). The dict and the set of
        changed fields are left as they are, not cleared: a write job taken before holds them
        (`writing._copy`); what changes later goes to new ones."""
        self.original = self.values
        self.changed = _NO_CHANGES

    @property
    def settled(self) -> bool:
        """Written as planned (nothing left to write)."""
        return self.existing_id is not None and not self.changed

    def apply(self, incoming: dict[str, Any], spec: dict[str, tuple[str, ...]]) -> bool:
        if self.existing_id is None and not self.locked:
            return self._first(incoming, spec)
        if self.values is self.original:  # settled: the planned values part from the stored
            self.values = dict(self.original)
            if self.changed is _NO_CHANGES:
                self.changed = set()
        touched = False
        for main, deps in spec.items():
            value = incoming.get(main)
            if value in ("", None, []):
                continue
            if main in _SURVIVING:
                if not _survive(self, main, value, incoming):
                    continue
            elif main in self.locked and main != "rejected_values":
                continue
            self.locked.add(main)
            if main == "mileage_km" and (self.values.get(main) or 0) >= value:
                continue  # an odometer only goes up
            if main == "rejected_values" and isinstance(value, list):
                value = incoming[main] = _union(self.values.get(main) or [], value)
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

    def facts(self) -> PersonFacts:
        """The identity rules' view of this customer as planned now."""
        return facts_of(self.values, self.numbers)

    def keep_number(self, number: str, kind: str, raw: str) -> None:
        """Keep a number seen for this customer (unless it is the contact number itself)."""
        if number and number not in self.numbers and number != self.values.get(kind):
            self.numbers[number] = (kind, raw)

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


#: The changed fields of a settled record (shared, read-only: `apply` gives a record that
#: changes again a set of its own)
_NO_CHANGES = cast("set[str]", frozenset())
#: Past this many combinations of field names and locked fields in one file, a packed record
#: carries its own (a file has a few dozen)
MAX_SHAPES = 10_000

#: How a packed value becomes its value again (`date.fromordinal`, `Decimal`, an enum)
Restore = Callable[[Any], Any]
#: A packed record's field names, locked fields and how each value is restored
Shape = tuple[tuple[str, ...], frozenset[str], tuple[Restore | None, ...]]


def _conversion(kinds: tuple[type, ...]) -> Conversion:
    """How values of these types are packed: dates as day numbers, amounts as text, choices
    as their value (not their class's path, pickled again in every record); and restored."""
    restore: list[Restore | None] = []
    converts: list[tuple[int, Callable[[Any], Any]]] = []
    for index, kind in enumerate(kinds):
        if kind is date:
            restore.append(date.fromordinal)
            converts.append((index, date.toordinal))
        elif kind is Decimal:
            restore.append(Decimal)
            converts.append((index, str))
        elif issubclass(kind, Enum):
            restore.append(kind)
            converts.append((index, attrgetter("value")))
        else:
            restore.append(None)
    return tuple(restore), tuple(converts)


#: Which values of a record are packed, and how (index, to plain)
Converts = tuple[tuple[int, Callable[[Any], Any]], ...]
#: How each combination of value types is packed, and restored (`_conversion`)
Conversion = tuple[tuple["Restore | None", ...], Converts]
#: What a packed record's shape is found by: its names, value types and locked fields
ShapeKey = tuple[tuple[str, ...], tuple[type, ...], frozenset[str]]
_CONVERSIONS: dict[tuple[type, ...], Conversion] = {}


class Records:
    """The planned customers (by entity key: "r<row>" for a new one, "c<id>" for a stored one)
    or vehicles (by VIN) of one import.

    A record written as planned is kept packed (`settle_all`) until a later row of the file
    needs it: most records are never looked at again, and a million of them as objects do not
    fit in the memory an import may take. Packed, a record is one bytes object: its id, owner
    and values pickled as a tuple (dates as day numbers, amounts and choices as text), the
    names of the values, the fields the file gave (`locked`) and how each value is restored
    kept once for all records of the same shape. Reading a packed record
    (`records[key]`, `get`) unpacks it into a `Planned` of its own, values and stored values one
    dict (as `Planned.settle` leaves them). A record with numbers beside its contact number,
    or numbers stored before the import, stays unpacked: the end of the import writes them."""

    __slots__ = ("_live", "_packed", "_shape_ids", "_shapes", "_recent")

    def __init__(self) -> None:
        self._live: dict[str, Planned] = {}
        self._packed: dict[str, bytes] = {}
        self._shape_ids: dict[ShapeKey, tuple[int, Converts]] = {}
        self._shapes: list[Shape] = []
        #: keys made or unpacked since the last `settle_all` (the ones it may pack)
        self._recent: dict[str, None] = {}

    def __getitem__(self, key: str) -> Planned:
        planned = self._live.get(key)
        if planned is None:
            return self._unpack(key, self._packed.pop(key))
        return planned

    def get(self, key: str) -> Planned | None:
        planned = self._live.get(key)
        if planned is None:
            packed = self._packed.pop(key, None)
            return None if packed is None else self._unpack(key, packed)
        return planned

    def __setitem__(self, key: str, planned: Planned) -> None:
        self._packed.pop(key, None)
        self._live[key] = planned
        self._recent[key] = None

    def __contains__(self, key: object) -> bool:
        return key in self._live or key in self._packed

    def __len__(self) -> int:
        return len(self._live) + len(self._packed)

    def unpacked(self) -> Iterator[tuple[str, Planned]]:
        """The records not packed: every record with numbers to write at the end."""
        return iter(self._live.items())

    def settle_all(self) -> None:
        """Pack the records made or read since the last call that are written as planned."""
        live, packed = self._live, self._packed
        for key in self._recent:
            planned = live.get(key)
            if planned is None or not planned.settled or planned.numbers or planned.stored_numbers:
                continue
            packed[key] = self._pack(planned)
            del live[key]
        self._recent = {}

    def _pack(self, planned: Planned) -> bytes:
        values = planned.values
        names = tuple(values)
        kinds = tuple(map(type, values.values()))
        # one look-up of what the names, value types and locked fields make (a few dozen
        # combinations in a file): its shape's id and how its values are packed
        key = (names, kinds, frozenset(planned.locked))
        known = self._shape_ids.get(key)
        if known is None:
            known = self._new_shape(key)
        shape_id, converts = known
        plain = list(values.values())
        for index, to_plain in converts:
            plain[index] = to_plain(plain[index])
        return pickle.dumps(
            (planned.existing_id, planned.owner, shape_id, tuple(plain)), pickle.HIGHEST_PROTOCOL
        )

    def _new_shape(self, key: ShapeKey) -> tuple[int | Shape, Converts]:
        names, kinds, locked = key
        found = _CONVERSIONS.get(kinds)
        if found is None:
            found = _conversion(kinds)
            if len(_CONVERSIONS) < MAX_SHAPES:
                _CONVERSIONS[kinds] = found
        restore, converts = found
        shape: Shape = (names, locked, restore)
        if len(self._shapes) >= MAX_SHAPES:  # carried by each record of this shape
            return shape, converts
        known = self._shape_ids[key] = (len(self._shapes), converts)
        self._shapes.append(shape)
        return known

    def _unpack(self, key: str, packed: bytes) -> Planned:
        existing_id, owner, shape_id, plain = pickle.loads(packed)
        names, locked, restore = self._shapes[shape_id] if type(shape_id) is int else shape_id
        stored = {
            name: value if how is None else how(value)
            for name, value, how in zip(names, plain, restore, strict=True)
        }
        planned = Planned(existing_id, stored, stored, set(locked), _NO_CHANGES, owner)
        self._live[key] = planned
        self._recent[key] = None
        return planned


NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"
SKIPPED = "skipped"
_STATUS_CODES = {status: code for code, status in enumerate(
    ("", NEW, UPDATED, UNCHANGED, REJECTED, SKIPPED)
)}  # fmt: skip
_STATUSES = tuple(_STATUS_CODES)


class RowStatuses(MutableMapping[int, str]):
    """What each row of the file does (row number → NEW, UPDATED, …), one byte a row."""

    __slots__ = ("_codes", "_count")

    def __init__(self) -> None:
        self._codes = bytearray()
        self._count = 0

    def __getitem__(self, number: int) -> str:
        code = self._codes[number] if 0 <= number < len(self._codes) else 0
        if not code:
            raise KeyError(number)
        return _STATUSES[code]

    def __setitem__(self, number: int, status: str) -> None:
        codes = self._codes
        if number >= len(codes):
            codes.extend(bytes(max(number + 1 - len(codes), len(codes) // 2)))
        if not codes[number]:
            self._count += 1
        codes[number] = _STATUS_CODES[status]

    def __delitem__(self, number: int) -> None:
        self[number]  # noqa: B018 - KeyError for a row without a status
        self._codes[number] = 0
        self._count -= 1

    def __iter__(self) -> Iterator[int]:
        return (number for number, code in enumerate(self._codes) if code)

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"RowStatuses({dict(self.items())!r})"

    def counts(self) -> dict[str, int]:
        result = {NEW: 0, UPDATED: 0, UNCHANGED: 0, REJECTED: 0}
        for code in range(1, len(_STATUSES)):
            if found := self._codes.count(code):
                result[_STATUSES[code]] = found
        return result


#: Fields that take the best value rather than the file's (see `_survive`)
_SURVIVING = frozenset({"name", "mobile", "landline", "address", "responsible_staff_id"})


def _union(old: list[Any], new: list[Any]) -> list[Any]:
    return [*old, *(v for v in new if v not in old)]


def address_rank(values: dict[str, Any]) -> int:
    """How complete an address is: the parts it has, down to the house number."""
    parts = ("province", "city", "district", "street", "house_number")
    return sum(1 for p in parts if values.get(p))


def _survive(planned: Planned, main: str, value: Any, incoming: dict[str, Any]) -> bool:
    """Whether `value` replaces the planned value of `main` (best-value survivorship). A value
    an earlier row of the file gave is kept against a later row's unless the later one is
    better; a stored value gives way to the file's unless it is better or verified."""
    current = planned.values.get(main)
    if current in ("", None) or current == value:
        planned.locked.add(main)
        return True
    from_file = main in planned.locked  # the current value came from this file
    verified = planned.original.get("accuracy_status") == AccuracyStatus.VERIFIED
    if verified and main in VERIFIED_FIELDS and not from_file:
        if main == "mobile":
            planned.keep_number(value, "mobile", incoming.get("mobile_raw", value))
        return False
    if main == "name":
        fake_now, fake_new = is_placeholder_name(current), is_placeholder_name(value)
        if fake_now != fake_new:
            return fake_now  # a real name over a placeholder
        return not from_file
    if main == "address":
        now_rank, new_rank = address_rank(planned.values), address_rank(incoming)
        if now_rank != new_rank:
            return new_rank > now_rank  # the more complete address
        return not from_file
    if main in ("mobile", "landline"):
        # the newer number is the contact number; the older one is kept as another number
        raw_key = "mobile_raw" if main == "mobile" else main
        planned.numbers.pop(value, None)
        old_raw = planned.values.get(raw_key) or current
        planned.numbers[current] = (main, str(old_raw))
        planned.locked.add(main)
        return True
    if main == "responsible_staff_id":
        return False  # the consultant who has the customer keeps them
    return not from_file


def facts_of(values: dict[str, Any], numbers: dict[str, tuple[str, str]] | None = None) -> (
    PersonFacts
):  # fmt: skip
    numbers = numbers or {}
    mobiles = {n for n, (kind, _raw) in numbers.items() if kind == "mobile"}
    landlines = {n for n, (kind, _raw) in numbers.items() if kind == "landline"}
    if values.get("mobile"):
        mobiles.add(values["mobile"])
    if values.get("landline"):
        landlines.add(values["landline"])
    kind = values.get("kind") or ""  # a row without a 客户类型 column does not say
    return PersonFacts(
        name=values.get("name") or "",
        kind=kind,
        id_number=(values.get("id_number") or "").upper(),
        uscc=(values.get("uscc") or "").upper(),
        gender=values.get("gender") or "",
        birth_date=values.get("birth_date"),
        mobiles=frozenset(mobiles),
        landlines=frozenset(landlines),
    )
