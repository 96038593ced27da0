"""Repair of the past: the customers earlier imports merged wrongly, and their split (issue #12
part 10).

Earlier imports matched a row to a stored customer by VIN, ID number, then mobile, and let the
file's values replace the stored ones. A family sharing a mobile, a fleet's drivers under the
manager's number or a used car's new owner thus became one record, whose history
(`Customer.history`, reason "Import #N: file") shows another person's name or ID number
written over the first one's. `wrong_merges` finds those records: an import version whose name
clearly differs from the one before (rules.identity.compare_names conflicting) or whose valid
ID number replaced another valid one. `customer_split` is the reverse of such a merge: each
other person becomes a customer again with the values the history shows for them, the
original person's values are restored, the vehicles the other person's rows brought move to
them, people sharing the mobile are linked as a household, and both timelines record it.
`customer_split_undo` reverses a split while the records it made are untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from autocrm.core.activity import activity_record
from autocrm.core.models import Activity
from autocrm.customers.choices import CustomerKind, HouseholdRelation
from autocrm.customers.events import customers_changed
from autocrm.customers.households import household_link
from autocrm.customers.models import Customer, Vehicle, VehicleOwnership
from autocrm.customers.names import set_name_search_fields
from autocrm.rules.id_numbers import validate_id_number
from autocrm.rules.identity import compare_names
from autocrm.tenancy.models import Staff

#: The activity kinds of a split (registered in customers.registry).
SPLIT = "customer_split"  # on the record that held several people
SPLIT_FROM = "customer_split_from"  # on each person split off it
SPLIT_UNDONE = "customer_split_undone"

#: The reason an import wrote on the history rows ("Import #12: file.xlsx", in either language).
IMPORT_REASON = re.compile(r"^(?:Import|导入) #(\d+)")
_IMPORT_REASON_Q = Q(history_change_reason__startswith="Import #") | Q(
    history_change_reason__startswith="导入 #"
)

#: The fields that describe a person, restored and split field by field.
PERSON_FIELDS = (
    "name", "gender", "birth_date", "id_type", "id_number", "mobile", "mobile_raw", "landline",
    "email", "address", "province", "city", "district", "street", "house_number", "postcode",
    "native_place", "employer", "position", "education", "annual_income_band", "health", "fax",
)  # fmt: skip
#: Contact fields a person split off keeps even when their row did not change them: the
#: shared number or address is how the import matched the two people.
SHARED_FIELDS = ("mobile", "mobile_raw", "landline", "address", "province", "city", "district",
                 "street", "house_number", "postcode")  # fmt: skip


def _fields() -> tuple[str, ...]:
    names = {f.name for f in Customer._meta.concrete_fields}
    return tuple(f for f in PERSON_FIELDS if f in names)


def _valid_id(value: str) -> bool:
    if not value:
        return False
    try:
        validate_id_number(value)
    except ValidationError:
        return False
    return True


@dataclass
class Person:
    """One person the history shows in the record: their values, the imports that brought
    them, and the versions (history ids) where they appear."""

    values: dict[str, Any]
    imports: set[str] = field(default_factory=set)  # the change reasons of their rows
    first_at: datetime | None = None
    changed: set[str] = field(default_factory=set)  # fields their rows wrote

    @property
    def name(self) -> str:
        return str(self.values.get("name", ""))


@dataclass
class WrongMerge:
    customer: Customer
    people: list[Person]  # the original person first
    reasons: list[str]  # why: "名字 张伟 → 李娜 (Import #3)"


def _same_person(person: Person, values: dict[str, Any]) -> bool:
    a, b = person.values.get("id_number", ""), values.get("id_number", "")
    if _valid_id(a) and _valid_id(b):
        return a == b
    return compare_names(person.name, str(values.get("name", ""))).compatible


def _analyse(customer: Customer, records: list[Any]) -> WrongMerge | None:
    """Walk a record's history (oldest first) and tell the people in it apart."""
    fields = _fields()
    people: list[Person] = []
    reasons: list[str] = []
    current: Person | None = None
    previous: dict[str, Any] | None = None
    for record in records:
        values = {f: getattr(record, f) for f in fields}
        reason = record.history_change_reason or ""
        if previous is None:
            current = Person(values=dict(values), first_at=record.history_date)
            people.append(current)
            if IMPORT_REASON.match(reason):
                current.imports.add(reason)
            previous = values
            continue
        assert current is not None
        changed = {f for f in fields if values[f] != previous[f]}
        switched = False
        if IMPORT_REASON.match(reason) and changed & {"name", "id_number"}:
            name_conflict = (
                "name" in changed
                and compare_names(str(previous["name"]), str(values["name"])).conflicting
            )
            id_conflict = (
                "id_number" in changed
                and _valid_id(str(previous["id_number"]))
                and _valid_id(str(values["id_number"]))
            )
            if name_conflict or id_conflict:
                switched = True
                why = (
                    f"{previous['name']} → {values['name']}"
                    if name_conflict
                    else f"{_('ID number')} {previous['id_number'][-4:]} → "
                    f"{values['id_number'][-4:]}"
                )
                reasons.append(f"{why} ({reason})")
                known = next((p for p in people if _same_person(p, values)), None)
                if known is None:
                    known = Person(values={}, first_at=record.history_date)
                    for shared in SHARED_FIELDS:
                        if shared in fields:
                            known.values[shared] = values[shared]
                    people.append(known)
                current = known
        for f in changed:
            current.values[f] = values[f]
            current.changed.add(f)
        if switched:
            current.values["name"] = values["name"]
        if IMPORT_REASON.match(reason):
            current.imports.add(reason)
        previous = values
    if len(people) < 2:
        return None
    return WrongMerge(customer=customer, people=people, reasons=reasons)


def wrong_merges(*, dealer_id: int, customer_ids: list[int] | None = None) -> list[WrongMerge]:
    """The dealer's customers whose import history holds several people (newest first)."""
    history = Customer.history.filter(dealer_id=dealer_id)  # type: ignore[attr-defined]
    if customer_ids is not None:
        history = history.filter(id__in=customer_ids)
    candidates = (
        history.values("id")
        .annotate(
            names=Count("name", distinct=True),
            ids=Count("id_number", distinct=True, filter=~Q(id_number="")),
            imports=Count("history_id", filter=_IMPORT_REASON_Q),
        )
        .filter(imports__gt=0)
        .filter(Q(names__gt=1) | Q(ids__gt=1))
        .values_list("id", flat=True)
    )
    ids = list(candidates)
    customers = {
        c.pk: c
        for c in Customer.objects.filter(
            pk__in=ids, dealer_id=dealer_id, merged_into__isnull=True
        ).select_related("responsible_staff")
    }
    grouped: dict[int, list[Any]] = {}
    for record in history.filter(id__in=list(customers)).order_by("history_date", "history_id"):
        grouped.setdefault(record.id, []).append(record)
    # a record split before is read from its split on (the versions before are repaired)
    split_at: dict[int, datetime] = {}
    for customer_id, at, data in Activity.objects.filter(
        dealer_id=dealer_id, kind=SPLIT, customer_id__in=list(customers)
    ).values_list("customer_id", "at", "data"):
        if not data.get("undone"):
            split_at[customer_id] = max(at, split_at.get(customer_id, at))
    found = []
    for customer_id in sorted(grouped, reverse=True):
        records = grouped[customer_id]
        if customer_id in split_at:
            before = [i for i, r in enumerate(records) if r.history_date <= split_at[customer_id]]
            records = records[before[-1] if before else 0 :]
        merge = _analyse(customers[customer_id], records)
        if merge is not None:
            found.append(merge)
    return found


def vehicles_brought(customer: Customer, person: Person) -> list[Vehicle]:
    """The vehicles the person's import rows created for the record, or moved to it, that it
    still has (the vehicle history names the import that wrote each)."""
    if not person.imports:
        return []
    rows = Vehicle.history.filter(  # type: ignore[attr-defined]
        dealer_id=customer.dealer_id,
        customer_id=customer.pk,
        history_change_reason__in=sorted(person.imports),
    )
    brought = set()
    for row in rows.order_by("history_date", "history_id"):
        if row.history_type == "+":
            brought.add(row.id)
        elif row.history_type == "~":
            before = row.prev_record
            if before is not None and before.customer_id != customer.pk:
                brought.add(row.id)
    return list(Vehicle.objects.filter(pk__in=brought, customer=customer).order_by("id"))


def _reason(customer: Customer) -> str:
    return str(_("Split from #%(id)d (merged by an import)") % {"id": customer.pk})


def _save(record: Any, actor: Staff | None, reason: str, **kwargs: Any) -> None:
    record._history_user = actor
    record._change_reason = reason
    record.save(**kwargs)


@transaction.atomic
def customer_split(*, actor: Staff | None, customer: Customer) -> list[Customer]:
    """Split a record an import merged wrongly: each other person the history shows becomes a
    customer again (their values, the vehicles their rows brought), the original person's
    values are restored, the people who share the mobile are linked as a household, and both
    timelines record it. Returns the customers split off. The caller checked the policy."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    merges = wrong_merges(dealer_id=customer.dealer_id, customer_ids=[customer.pk])
    if not merges:
        raise ValidationError(_("The history of this customer shows one person only."))
    merge = merges[0]
    original, others = merge.people[0], merge.people[1:]
    reason = _reason(customer)
    restored: dict[str, Any] = {}
    overwritten = set().union(*(p.changed for p in others))
    for f in sorted(overwritten):
        value = original.values.get(f)
        if getattr(customer, f) != value:
            restored[f] = getattr(customer, f)
            setattr(customer, f, value)
    set_name_search_fields(customer)
    _save(customer, actor, reason)
    split_off: list[Customer] = []
    moved: dict[str, int] = {}
    for person in others:
        values = {f: v for f, v in person.values.items() if v is not None}
        new = Customer(
            dealer_id=customer.dealer_id,
            kind=CustomerKind.PERSON,
            responsible_staff_id=customer.responsible_staff_id,
            created_by=actor,
            **values,
        )
        new.mobile_last4 = new.mobile[-4:] if new.mobile else ""
        set_name_search_fields(new)
        _save(new, actor, reason)
        split_off.append(new)
        for vehicle in vehicles_brought(customer, person):
            vehicle.customer = new
            _save(vehicle, actor, reason, update_fields=["customer"])
            VehicleOwnership.objects.filter(
                vehicle=vehicle, customer=customer, ended_on__isnull=True
            ).update(customer=new)
            moved[str(vehicle.pk)] = new.pk
        if new.mobile and new.mobile == customer.mobile:
            household_link(
                actor=actor, customer=customer, member=new, relation=HouseholdRelation.UNKNOWN
            )
        activity_record(
            dealer_id=customer.dealer_id,
            customer_id=new.pk,
            kind=SPLIT_FROM,
            actor=actor,
            data={"customer_id": customer.pk, "name": customer.name},
        )
    activity_record(
        dealer_id=customer.dealer_id,
        customer_id=customer.pk,
        kind=SPLIT,
        actor=actor,
        data={
            "names": [c.name for c in split_off],
            "customer_ids": [c.pk for c in split_off],
            "restored": {k: _json(v) for k, v in restored.items()},
            "vehicles": moved,
            "reasons": merge.reasons,
        },
    )
    customers_changed.publish(
        customer_ids=[customer.pk, *(c.pk for c in split_off)], instances=[customer], now=None
    )
    return split_off


def _json(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def customer_split_undo(*, actor: Staff | None, split: Activity) -> Customer:
    """Reverse a split: the vehicles go back, the values written over are put back, and the
    customers split off are deleted. Refused once one of them was changed or given anything
    since (a history row, a vehicle of their own, an activity other than the split)."""
    if split.kind != SPLIT or split.data.get("undone"):
        raise ValidationError(_("This split cannot be undone."))
    customer = Customer.objects.select_for_update().get(pk=split.customer_id)
    ids = list(split.data.get("customer_ids", []))
    vehicles = {int(k): v for k, v in split.data.get("vehicles", {}).items()}
    for new in Customer.objects.filter(pk__in=ids):
        touched = (
            new.history.count() > 1  # type: ignore[attr-defined]
            or new.vehicles.exclude(pk__in=list(vehicles)).exists()
            or Activity.objects.filter(customer_id=new.pk)
            .exclude(kind__in=[SPLIT_FROM])
            .exclude(kind__startswith="household_member")
            .exists()
        )
        if touched:
            raise ValidationError(
                _("%(name)s was changed since the split: it cannot be undone.") % {"name": new.name}
            )
    reason = str(_("Undo of the split of #%(id)d") % {"id": customer.pk})
    for vehicle in Vehicle.objects.filter(pk__in=list(vehicles)):
        owner = vehicle.customer_id
        vehicle.customer = customer
        _save(vehicle, actor, reason, update_fields=["customer"])
        VehicleOwnership.objects.filter(
            vehicle=vehicle, customer_id=owner, ended_on__isnull=True
        ).update(customer=customer)
    for f, value in split.data.get("restored", {}).items():
        model_field = Customer._meta.get_field(f)
        setattr(customer, f, model_field.to_python(value))  # type: ignore[union-attr]
    set_name_search_fields(customer)
    _save(customer, actor, reason)
    Activity.objects.filter(customer_id__in=ids).delete()
    for new in Customer.objects.filter(pk__in=ids):
        new._history_user = actor  # type: ignore[attr-defined]
        new._change_reason = reason  # type: ignore[attr-defined]
        new.delete()
    split.data = {**split.data, "undone": True}
    split.save(update_fields=["data"])
    activity_record(
        dealer_id=customer.dealer_id,
        customer_id=customer.pk,
        kind=SPLIT_UNDONE,
        actor=actor,
        data={"names": split.data.get("names", [])},
    )
    customers_changed.publish(customer_ids=[customer.pk], instances=[customer], now=None)
    return customer
