"""Match import rows to existing customers and vehicles and decide what each row does.

A row is the person of an existing customer (or of an earlier row of the file) only when the
identity rules say so (`autocrm.rules.identity.same_person`): the same ID number; the same
mobile with a compatible name; the same VIN with a compatible or unknown name. A row that
shares a mobile with a clearly different name is another person of the same household (or a
driver of the organization): a customer of its own, linked to the other. A row with the VIN of
someone else's vehicle and a clearly different owner is an ownership change: the vehicle moves
to the newer owner, the other keeps it as a former vehicle. What is neither clearly the same
nor clearly different becomes a customer of its own (duplicate detection puts the pair in the
review queue); nothing is merged on a guess.

When rows become one customer, each field keeps the best value (`planned._survive`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Max, QuerySet

from autocrm.customers.choices import CustomerKind, HouseholdKind
from autocrm.customers.models import ContactPoint, Customer, Vehicle
from autocrm.imports.planned import (
    CUSTOMER_FIELDS,
    CUSTOMER_READ,
    NEW,
    REJECTED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    VEHICLE_FIELDS,
    VEHICLE_STORED,
    Planned,
    Records,
    RowStatuses,
    facts_of,
)
from autocrm.imports.rows import ValidRow
from autocrm.rules.identity import NameAgreement, PersonFacts, Verdict, same_person
from autocrm.rules.phones import is_suspicious_mobile

LOOKUP_CHUNK = 2000
_MOBILE_E164_RE = re.compile(r"^\+861[3-9]\d{9}$")
#: From this many keys on, a file is matched in one pass over the dealer's records when the
#: dealer has no more customers than the file has keys.
WHOLE_DEALER_MIN_KEYS = 5000


def row_numbers(customer: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Every number a row gives: (kind, number, as written), the contact number first."""
    out = []
    if customer.get("mobile"):
        out.append(("mobile", customer["mobile"], customer.get("mobile_raw") or ""))
    if customer.get("landline"):
        out.append(("landline", customer["landline"], customer["landline"]))
    for kind, number, raw in customer.get("other_numbers") or ():
        out.append((kind, number, raw))
    return out


#: What later rows of a file find a customer of an earlier row by
FileKey = int | str


def id_file_key(number: str) -> FileKey:
    """The file key of an ID number: a resident ID number as an integer (its 17 digits and
    check character; a third of the memory of the text, and an import keeps one per
    customer), any other number as its text."""
    if len(number) == 18 and number[:17].isascii() and number[:17].isdigit():
        check = number[17]
        if check == "X":
            return int(number[:17]) * 11 + 10
        if check.isascii() and check.isdigit():
            return int(number[:17]) * 11 + int(check)
    return "id:" + number


def number_file_key(phone: str) -> FileKey:
    """The file key of a phone number: an E.164 number as a negative integer (apart from the
    ID numbers'), a number with an extension as its text."""
    digits = phone[1:]
    if phone[:1] == "+" and digits.isascii() and digits.isdigit():
        return -int(digits)
    return "m:" + phone


@dataclass(frozen=True)
class HouseholdLink:
    """Two different people who share a number: one household, or an organization's drivers."""

    first: str  # customer entity keys
    second: str
    number: str
    kind: str


@dataclass(frozen=True)
class OwnerChange:
    """A vehicle seen with a clearly different owner."""

    vin: str
    previous: str  # customer entity keys
    owner: str
    on: Any  # the day the new owner has it from (None: unknown)
    #: True when the row's owner is the earlier one (the vehicle stays with its owner; the
    #: row's person is recorded as a former owner until `on`)
    former: bool = False


@dataclass
class Plan:
    customers: Records = field(default_factory=Records)
    vehicles: Records = field(default_factory=Records)  # by VIN
    statuses: RowStatuses = field(default_factory=RowStatuses)
    households: list[HouseholdLink] = field(default_factory=list)
    owner_changes: list[OwnerChange] = field(default_factory=list)
    #: file keys (`id_file_key`, `number_file_key`) → customer entities: one entity key, or a
    #: tuple of several (one key is most keys' case: no container for it)
    file_keys: dict[FileKey, str | tuple[str, ...]] = field(default_factory=dict)
    #: Fields the importer may not change on a stored customer (`import_masked_fields`)
    masked: frozenset[str] = frozenset()

    def holders(self, file_key: FileKey) -> tuple[str, ...]:
        """The customer entities of this file so far with `file_key`."""
        found = self.file_keys.get(file_key, ())
        return (found,) if type(found) is str else found  # type: ignore[return-value]

    def add_holder(self, file_key: FileKey, entity: str) -> None:
        found = self.file_keys.get(file_key)
        if found is None:
            self.file_keys[file_key] = entity
        elif type(found) is str:
            if found != entity:
                self.file_keys[file_key] = (found, entity)
        elif entity not in found:
            self.file_keys[file_key] = (*found, entity)

    def counts(self) -> dict[str, int]:
        return self.statuses.counts()


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
    other (ids only grow, so those are the records with higher ids). A number finds every
    customer who holds it, as contact number, landline or another number."""

    def __init__(self, dealer_id: int) -> None:
        self.dealer_id = dealer_id
        self.vehicle_by_vin: dict[str, dict[str, Any]] = {}
        self.customer_by_id_number: dict[str, int] = {}
        self.customers_by_number: dict[str, list[int]] = {}
        self.customers: dict[int, dict[str, Any]] = {}
        #: numbers each loaded customer holds beside its mobile and landline
        self.numbers_of: dict[int, dict[str, tuple[str, str]]] = {}
        self.last_customer_id = Customer.objects.aggregate(m=Max("id"))["m"] or 0
        self.last_vehicle_id = Vehicle.objects.aggregate(m=Max("id"))["m"] or 0
        self._dealer_customers: int | None = None
        self._whole_dealer_loaded = False

    def _customers(self) -> QuerySet[Customer]:
        return Customer.objects.filter(dealer_id=self.dealer_id, id__lte=self.last_customer_id)

    def _vehicles(self) -> QuerySet[Vehicle]:
        return Vehicle.objects.filter(dealer_id=self.dealer_id, id__lte=self.last_vehicle_id)

    def _active(self) -> QuerySet[Customer]:
        return self._customers().filter(merged_into__isnull=True, is_active=True)

    def load(self, rows: Sequence[ValidRow], numbers: Iterable[str] | None = None) -> None:
        """Load what the rows may match: their VINs, ID numbers and numbers. `numbers`: the
        rows' numbers to look up, when the caller knows better (numbers an earlier call had
        are not looked up again); by default every number of the rows."""
        vins = {r.vehicle["vin"] for r in rows if r.vehicle and r.vehicle.get("vin")}
        id_numbers = {r.customer["id_number"] for r in rows if r.customer.get("id_number")}
        numbers = (
            {n for r in rows for _k, n, _raw in row_numbers(r.customer)}
            if numbers is None
            else set(numbers)
        )
        wanted_keys = len(vins) + len(id_numbers) + len(numbers)
        if self._whole_dealer_loaded:
            pass  # every key of the dealer's records is known
        elif wanted_keys >= WHOLE_DEALER_MIN_KEYS and self._dealer_count() <= wanted_keys:
            self._load_whole_dealer()
        else:
            self._load_keys(vins, id_numbers, numbers)
        wanted = (
            {v["customer_id"] for v in self.vehicle_by_vin.values()}
            | set(self.customer_by_id_number.values())
            | {pk for pks in self.customers_by_number.values() for pk in pks}
        ) - self.customers.keys()
        for chunk in _chunks(wanted):
            for row in Customer.objects.filter(dealer_id=self.dealer_id, id__in=chunk).values(
                "id", *CUSTOMER_READ
            ):
                self.customers[row.pop("id")] = row
            for pk, number, kind, raw in ContactPoint.objects.filter(
                dealer_id=self.dealer_id, customer_id__in=chunk
            ).values_list("customer_id", "number", "kind", "raw"):
                self.numbers_of.setdefault(pk, {})[number] = (kind, raw)

    def _dealer_count(self) -> int:
        if self._dealer_customers is None:
            self._dealer_customers = self._customers().count()
        return self._dealer_customers

    def _add_number(self, number: str, pk: int) -> None:
        holders = self.customers_by_number.setdefault(number, [])
        if pk not in holders:
            holders.append(pk)

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
        for pk, number, mobile, landline in (
            self._active().order_by("id").values_list("id", "id_number", "mobile", "landline")
        ):
            if number:
                self.customer_by_id_number.setdefault(number, pk)
            if mobile:
                self._add_number(mobile, pk)
            if landline:
                self._add_number(landline, pk)
        for pk, number in (
            ContactPoint.objects.filter(
                dealer_id=self.dealer_id, customer_id__lte=self.last_customer_id
            )
            .order_by("customer_id")
            .values_list("customer_id", "number")
        ):
            self._add_number(number, pk)
        self._whole_dealer_loaded = True

    def _load_keys(self, vins: set[str], id_numbers: set[str], numbers: set[str]) -> None:
        with _btree_lookups():
            self._look_up(vins, id_numbers, numbers)

    def _look_up(self, vins: set[str], id_numbers: set[str], numbers: set[str]) -> None:
        active = self._active()
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
        # both are E.164 (+8613…, +86755…): a number is looked up as either
        mobiles = {n for n in numbers if _MOBILE_E164_RE.match(n)}
        for chunk in _chunks(mobiles):
            for pk, mobile in (
                active.filter(mobile__in=chunk).order_by("id").values_list("id", "mobile")
            ):
                self._add_number(mobile, pk)
        for chunk in _chunks(numbers - mobiles):
            for pk, landline in (
                active.filter(landline__in=chunk).order_by("id").values_list("id", "landline")
            ):
                self._add_number(landline, pk)
        for chunk in _chunks(numbers):
            for pk, number in (
                ContactPoint.objects.filter(
                    dealer_id=self.dealer_id,
                    number__in=chunk,
                    customer_id__lte=self.last_customer_id,
                )
                .order_by("customer_id")
                .values_list("customer_id", "number")
            ):
                self._add_number(number, pk)


def plan_rows(rows: Sequence[ValidRow], matcher: Matcher, plan: Plan | None = None) -> Plan:
    """Add the rows' effect to `plan` (rows in file order)."""
    plan = plan or Plan()
    file_keys = plan.file_keys
    valid = [r for r in rows if not r.errors]
    # each row's numbers with their file keys, found once
    numbers_of = [row_numbers(r.customer) for r in valid]
    keys_of = [[number_file_key(n) for _k, n, _raw in numbers] for numbers in numbers_of]
    # a number of an earlier chunk's row was looked up with that chunk
    matcher.load(
        valid,
        numbers=[
            n
            for numbers, keys in zip(numbers_of, keys_of, strict=True)
            for (_k, n, _raw), key in zip(numbers, keys, strict=True)
            if key not in file_keys
        ],
    )
    found = iter(zip(numbers_of, keys_of, strict=True))
    for row in rows:
        if row.errors:
            # left out at the user's choice (a row with problems), or without an identity
            plan.statuses[row.number] = SKIPPED if row.problems else REJECTED
            continue
        _plan_row(row, *next(found), matcher, plan)
    return plan


def _entity(plan: Plan, matcher: Matcher, key: str) -> Planned:
    """The planned customer of an entity key ("c<id>": a stored one, loaded on first use)."""
    entity = plan.customers.get(key)
    if entity is None:
        db_id = int(key[1:])
        original = matcher.customers[db_id]
        entity = Planned(db_id, original, dict(original))
        entity.numbers = dict(matcher.numbers_of.get(db_id, {}))
        entity.stored_numbers = frozenset(entity.numbers)
        plan.customers[key] = entity
    return entity


def _candidates(
    row: ValidRow,
    numbers: list[tuple[str, str, str]],
    keys: list[FileKey],
    matcher: Matcher,
    plan: Plan,
) -> list[tuple[str, str]]:
    """The customers the row could be, with what they share: ("id" | "number" | "vin", key);
    the ID number's first, then the numbers' (`numbers`: the row's), then the vehicle's
    owner."""
    customer, vehicle = row.customer, row.vehicle
    found: dict[str, str] = {}

    def add(key: str | None, how: str) -> None:
        if key and key not in found:
            found[key] = how

    number = customer.get("id_number")
    if number:
        if "id_number" not in plan.masked:  # see `_seen_facts`
            db_id = matcher.customer_by_id_number.get(number)
            add(f"c{db_id}" if db_id else None, "id")
        for key in plan.holders(id_file_key(number)):
            add(key, "id")
    for (kind, phone, _raw), key in zip(numbers, keys, strict=True):
        stored = matcher.customers_by_number.get(phone, ())
        in_file = plan.holders(key)
        if (stored or in_file) and kind == "mobile" and is_suspicious_mobile(phone):
            continue  # a made-up number (13800138000) is typed for many people
        for db_id in stored:
            if db_id in matcher.customers:
                add(f"c{db_id}", "number")
        for key in in_file:
            add(key, "number")
    vin = vehicle.get("vin") if vehicle else None
    if vin:
        add(_owner_of_vin(plan, matcher, vin), "vin")
    return list(found.items())


def _owner_of_vin(plan: Plan, matcher: Matcher, vin: str) -> str | None:
    planned = plan.vehicles.get(vin)
    if planned is not None:
        return planned.owner
    stored = matcher.vehicle_by_vin.get(vin)
    return f"c{stored['customer_id']}" if stored else None


def _plan_row(
    row: ValidRow,
    numbers: list[tuple[str, str, str]],
    keys: list[FileKey],
    matcher: Matcher,
    plan: Plan,
) -> None:
    """Plan one row: `numbers` are the row's (`row_numbers`), `keys` their file keys."""
    customer, vehicle = row.customer, row.vehicle
    candidates = _candidates(row, numbers, keys, matcher, plan)
    entity_key: str | None = None
    different: list[tuple[str, str]] = []  # (entity, shared number) of other people
    same: list[tuple[int, str]] = []  # (strength, entity) of the customers the row may be
    facts = facts_of(customer, {n: (k, r) for k, n, r in numbers}) if candidates else None
    for key, how in candidates:
        assert facts is not None
        other = _entity(plan, matcher, key)
        other_facts = _seen_facts(other.facts(), plan.masked) if key[0] == "c" else other.facts()
        decision = same_person(facts, other_facts)
        if decision.verdict is Verdict.SAME and decision.reason == "same_id":
            same = [(_BY_ID, key)]
            break
        if decision.verdict is Verdict.SAME or (
            how == "vin"
            and decision.verdict is Verdict.UNSURE
            and (decision.names.compatible or _vehicle_row_of_owner(facts, decision.names))
        ):  # the owner's vehicle under a compatible name is the owner's
            same.append((int(decision.names), key))
        elif decision.verdict is Verdict.DIFFERENT and how == "number":
            shared = (facts.mobiles | facts.landlines) & (
                other_facts.mobiles | other_facts.landlines
            )
            if shared:
                different.append((key, min(shared)))
    if same:
        same.sort(key=lambda s: -s[0])
        best = same[0]
        # 刘女士 on a number that 刘娟 and her daughter 刘慧红 share is either of them: the
        # row is a customer of its own (detection puts the pairs to review), not a guess
        ambiguous = len(same) > 1 and same[1][0] == best[0] and best[0] < _BY_ID
        if not ambiguous or _one_person(plan, [k for strength, k in same if strength == best[0]]):
            entity_key = best[1]
    status = UNCHANGED
    if entity_key is None:
        entity_key = f"r{row.number}"
        plan.customers[entity_key] = Planned(None, {}, {})
        status = NEW
    entity = plan.customers[entity_key]
    if plan.masked and entity_key[0] == "c":
        customer = _without_masked(customer, plan.masked, entity)
    if entity.apply(customer, CUSTOMER_FIELDS) and status != NEW:
        status = UPDATED
    stored = entity_key[0] == "c"
    for kind, phone, raw in numbers:
        if stored and kind in plan.masked:
            continue  # a number the importer sees masked: neither kept nor compared
        if phone != entity.values.get(kind):
            before = len(entity.numbers)
            entity.keep_number(phone, kind, raw)
            if len(entity.numbers) > before and status != NEW:
                status = UPDATED
    for other_key, number in different:
        organization = CustomerKind.ORGANIZATION in (
            entity.values.get("kind"), plan.customers[other_key].values.get("kind"),
        )  # fmt: skip
        kind = HouseholdKind.ORGANIZATION if organization else HouseholdKind.FAMILY
        plan.households.append(HouseholdLink(other_key, entity_key, number, kind))
    _index(plan, entity_key, entity, customer, keys)
    if vehicle and vehicle.get("vin"):
        status = _plan_vehicle(row, matcher, plan, entity_key, status)
    row.entity = entity_key
    plan.statuses[row.number] = status


#: The strength of a match by ID number, above every name agreement
_BY_ID = 100


def _one_person(plan: Plan, keys: list[str]) -> bool:
    """Whether the customers are one person by the rules themselves (stored duplicates)."""
    first = plan.customers[keys[0]].facts()
    return all(same_person(first, plan.customers[k].facts()).same for k in keys[1:])


def _vehicle_row_of_owner(facts: PersonFacts, names: NameAgreement) -> bool:
    """A row with a vehicle's VIN and no identity that tells another person (no name or a
    placeholder without a surname, no ID number): the owner's vehicle data (a service visit)."""
    return names is NameAgreement.UNKNOWN and not facts.identity_number


def _index(
    plan: Plan,
    key: str,
    entity: Planned,
    customer: dict[str, Any],
    keys: list[FileKey],
) -> None:
    """Let later rows of the file find this customer by its ID number and every number (the
    file `keys` of the row's numbers)."""
    number = entity.values.get("id_number") or customer.get("id_number")
    if number:
        plan.add_holder(id_file_key(number), key)
    for file_key in keys:
        plan.add_holder(file_key, key)


def _seen_facts(facts: PersonFacts, masked: frozenset[str]) -> PersonFacts:
    """A stored customer's identity facts as an importer who sees some of them masked may
    have them compared: without those. A match on a hidden ID number, or a row split off
    because its ID differs from the hidden one, would tell the importer whether a guess was
    right (issue #13); such a row is matched on what the importer sees (name, numbers), and
    a customer found by a hidden ID alone is left to duplicate detection."""
    if "id_number" not in masked:
        return facts
    return replace(facts, id_number="", gender="", birth_date=None)


def _without_masked(
    customer: dict[str, Any], masked: frozenset[str], stored: Planned
) -> dict[str, Any]:
    """A row's values for a stored customer without those the importer may not change
    (`Plan.masked`), never compared with the stored ones; an empty stored field is still
    filled (that it is empty shows in every mask). The sex only where it is read from the
    stored customer's ID number (`tenancy.policies.DERIVED_FROM`)."""
    stored_values = stored.values
    applies = masked if stored_values.get("id_number") else masked - {"gender"}
    hidden = {f for f in applies if stored_values.get(f) not in (None, "")}
    if not hidden.intersection(customer) and "rejected_values" not in customer:
        return customer
    fields = {f for main in hidden for f in (main, *CUSTOMER_FIELDS.get(main, ()))}
    kept = {name: value for name, value in customer.items() if name not in fields}
    if "rejected_values" in kept:  # the raw text of a refused value goes with its field
        kept["rejected_values"] = [
            v for v in kept["rejected_values"] if v.get("field") not in hidden
        ]
    return kept


def _plan_vehicle(row: ValidRow, matcher: Matcher, plan: Plan, entity_key: str, status: str) -> str:
    assert row.vehicle is not None
    vehicle = row.vehicle
    vin = vehicle["vin"]
    planned = plan.vehicles.get(vin)
    if planned is None:
        stored = matcher.vehicle_by_vin.get(vin)
        if stored is not None:
            original = {k: stored[k] for k in VEHICLE_STORED}
            planned = Planned(stored["id"], original, dict(original))
            planned.owner = f"c{stored['customer_id']}"
        else:
            planned = Planned(None, {}, {}, owner=entity_key)
            if status != NEW:
                status = UPDATED
        plan.vehicles[vin] = planned
    if planned.owner != entity_key:
        owner = _entity(plan, matcher, planned.owner)
        entity = plan.customers[entity_key]
        if same_person(entity.facts(), owner.facts()).verdict is Verdict.DIFFERENT:
            return _owner_change(row, plan, planned, entity_key, status)
        # not clearly another person: the vehicle stays with its owner, and duplicate
        # detection compares the two customers (they share the VIN)
        return status
    if planned.apply(vehicle, VEHICLE_FIELDS) and status != NEW:
        status = UPDATED
    return status


def _owner_change(row: ValidRow, plan: Plan, planned: Planned, entity_key: str, status: str) -> str:
    """The row's person is clearly not the vehicle's owner: a used car sold on. The row with
    the later purchase date is the newer owner; without dates, the row is (it is the newer
    record)."""
    assert row.vehicle is not None
    vin = row.vehicle["vin"]
    row_date = row.vehicle.get("purchase_date")
    owner_date = planned.values.get("purchase_date")
    if row_date and owner_date and row_date < owner_date:
        plan.owner_changes.append(
            OwnerChange(vin, entity_key, planned.owner, owner_date, former=True)
        )
        return status if status == NEW else UPDATED
    plan.owner_changes.append(OwnerChange(vin, planned.owner, entity_key, row_date))
    planned.owner = entity_key
    # the new owner's purchase: its date and price replace the previous owner's
    for name in ("purchase_date", "purchase_price"):
        if name in planned.locked:
            planned.locked.discard(name)
    planned.apply(row.vehicle, VEHICLE_FIELDS)
    return status if status == NEW else UPDATED
