"""The bulk write functions of customer records: every set-based writer (the import, its undo,
a future nightly job) writes `Customer`, `Vehicle` and `MileageReading` rows through them.

Values come in by attname, already through the shared rules (`customers.cleaning`: the import
validates every row with the manual-entry rules). These functions keep what is derived from
the values (the name's search fields; the mileage readings of a vehicle whose mileage is set or
raised), write the history rows with the acting staff member and a reason, and, when the unit
of work closes, publish `customers_changed` once for every record whose quality may have
changed (quality re-scores them in one set-based refresh).

    with customer_writes(dealer_id=…, actor=…, reason=…, now=…) as writes:
        ids = writes.create_customers(values, scored=True)
        writes.update_customers(changed, fields={"address", …})
        writes.create_vehicles(vehicle_values, source=MileageSource.IMPORT)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from simple_history.utils import bulk_update_with_history

from autocrm.core.bulk import (
    build,
    copy_history,
    copy_insert,
    insert_derived,
    insert_values_with_history,
    insert_with_history,
    is_postgres,
)
from autocrm.core.models import Activity
from autocrm.customers.catalogue_links import vehicles_link_catalogue
from autocrm.customers.choices import (
    CustomerKind,
    HouseholdKind,
    HouseholdRelation,
    OwnershipHow,
)
from autocrm.customers.events import customers_changed
from autocrm.customers.models import (
    ContactPoint,
    Customer,
    Household,
    HouseholdMember,
    MileageReading,
    Vehicle,
    VehicleOwnership,
)
from autocrm.customers.names import set_name_search_fields
from autocrm.rules.names import NAME_SEARCH_FIELDS, name_search_values
from autocrm.tenancy.models import Staff

BATCH = 1000


class CustomerWrites:
    """One unit of bulk writes (inside the caller's transaction)."""

    def __init__(self, *, dealer_id: int, actor: Staff | None, reason: str, now: datetime) -> None:
        self.dealer_id = dealer_id
        self.actor = actor
        self.reason = reason
        self.now = now
        #: customers whose quality may have changed, and those already scored by the caller
        self.touched: set[int] = set()
        self.scored: set[int] = set()
        #: vehicles created or changed: linked to the catalogue from their text at the close
        self.vehicles: set[int] = set()

    # --- customers ---------------------------------------------------------------------------

    def create_customers(
        self, values_list: Sequence[Mapping[str, Any]], *, scored: bool = False
    ) -> list[int]:
        """Insert new records with their "created" history rows; returns their ids, in order.
        The actor is their creator and, unless the values name another, the responsible staff
        member. `scored`: the values carry the records' quality scores, computed by the same
        rules (the import's validation workers do it), so they are not scored again. On
        PostgreSQL, values that carry their ids (`next_ids`) go in as they are."""
        actor_id = self.actor.pk if self.actor is not None else None
        rows = []
        for values in values_list:
            row = {
                "dealer_id": self.dealer_id,
                "kind": CustomerKind.PERSON,
                "created_by_id": actor_id,
                "created_at": self.now,
                "updated_at": self.now,
                "responsible_staff_id": actor_id,
                **values,
            }
            if "name_pinyin" not in row:
                row.update(name_search_values(row.get("name", ""), row["kind"]))
            rows.append(row)
        ids = self._insert(Customer, rows)
        (self.scored if scored else self.touched).update(ids)
        return ids

    def _insert(self, model: type[Any], rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """New records of `model` with their "created" history rows; their ids, in order."""
        if not rows:
            return []
        actor, reason, now = self.actor, self.reason, self.now
        if is_postgres() and all(row.get("id") is not None for row in rows):
            return insert_values_with_history(model, rows, user=actor, reason=reason, date=now)
        created = [build(model, row) for row in rows]
        insert_with_history(model, created, user=actor, reason=reason, date=now)
        return [obj.pk for obj in created]

    def update_customers(
        self,
        customers: Sequence[Customer],
        fields: Iterable[str],
        *,
        renamed: Iterable[int] | None = None,
    ) -> None:
        """Save `fields` of records whose attributes the caller has set, with history rows;
        the name's search fields follow a changed name or customer type: of the records whose
        ids are in `renamed`, or of all of them when it is None and `fields` has the name or
        the type."""
        fields = set(fields)
        if fields & {"name", "kind"}:
            again = None if renamed is None else set(renamed)
            for customer in customers:
                if again is None or customer.pk in again:
                    set_name_search_fields(customer)
            fields |= set(NAME_SEARCH_FIELDS)
        self._save(Customer, customers, fields)
        self.touched.update(c.pk for c in customers)

    def delete_customers(self, ids: Sequence[int]) -> int:
        """Delete records (with their "deleted" history rows) and their timeline activities,
        e.g. when an import is undone."""
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            Activity.objects.filter(dealer_id=self.dealer_id, customer_id__in=chunk).delete()
            Customer.objects.filter(pk__in=chunk).delete()
        self.touched.difference_update(ids)
        self.scored.difference_update(ids)
        return len(ids)

    # --- vehicles ----------------------------------------------------------------------------

    def create_vehicles(
        self,
        values_list: Sequence[Mapping[str, Any]],
        *,
        source: str,
        how: str = OwnershipHow.ENTERED,
    ) -> list[int]:
        """Insert new vehicles with their history rows, a mileage reading (from `source`) for
        each one whose mileage is known, and the owner's open period (`how` they came to own
        it; bought here when the values say so); returns their ids, in order."""
        rows = [{"dealer_id": self.dealer_id, "created_at": self.now, **v} for v in values_list]
        if not rows:
            return []
        if is_postgres():  # the readings and periods made by the server from the vehicles
            ids = self._insert(Vehicle, rows)
            self._first_of_vehicles(ids, source=source, how=how)
            self.touched.update(row["customer_id"] for row in rows)
            self.vehicles.update(ids)
            return ids
        created = [build(Vehicle, row) for row in rows]
        insert_with_history(Vehicle, created, user=self.actor, reason=self.reason, date=self.now)
        self._readings(created, source=source)
        self._open_periods(
            [
                (v.pk, v.customer_id, v.purchase_date,
                 OwnershipHow.BOUGHT_HERE if v.bought_here else how)
                for v in created
            ]
        )  # fmt: skip
        self.touched.update(v.customer_id for v in created)
        self.vehicles.update(v.pk for v in created)
        return [v.pk for v in created]

    def _first_of_vehicles(self, ids: Sequence[int], *, source: str, how: str) -> None:
        """PostgreSQL: what `_readings` and `_open_periods` write for new vehicles, made by
        the server from the vehicle rows (an import's hundreds of thousands of vehicles are
        not built and sent twice more)."""
        insert_derived(
            MileageReading,
            {
                "dealer_id": "dealer_id",
                "vehicle_id": "id",
                "mileage_km": "mileage_km",
                "read_on": "COALESCE(mileage_read_on, %s)",
                "source": "%s",
                "recorded_by_id": "%s",
            },
            source=Vehicle,
            pks=ids,
            where="mileage_km IS NOT NULL",
            params=[self.now.date(), source, self.actor.pk if self.actor is not None else None],
        )
        periods = insert_derived(
            VehicleOwnership,
            {
                "dealer_id": "dealer_id",
                "vehicle_id": "id",
                "customer_id": "customer_id",
                "started_on": "purchase_date",
                "ended_on": "NULL",
                "how": "CASE WHEN bought_here THEN %s ELSE %s END",
                "created_at": "%s",
            },
            source=Vehicle,
            pks=ids,
            params=[OwnershipHow.BOUGHT_HERE.value, str(how), self.now],
        )
        copy_history(VehicleOwnership, periods, user=self.actor, reason=self.reason, date=self.now)

    # --- owners, numbers, households ------------------------------------------------------

    def _insert_periods(self, periods: Sequence[tuple[int, int, Any, Any, str]]) -> list[int]:
        """(vehicle, owner, from, until, how): ownership periods, with their history rows."""
        objs = [
            build(
                VehicleOwnership,
                {
                    "dealer_id": self.dealer_id,
                    "vehicle_id": vehicle,
                    "customer_id": owner,
                    "started_on": started,
                    "ended_on": until,
                    "how": how,
                    "created_at": self.now,
                },
            )  # fmt: skip
            for vehicle, owner, started, until, how in periods
        ]
        insert_with_history(
            VehicleOwnership, objs, user=self.actor, reason=self.reason, date=self.now
        )
        return [o.pk for o in objs]

    def _open_periods(self, periods: Sequence[tuple[int, int, Any, str]]) -> list[int]:
        """(vehicle, owner, from, how): open ownership periods."""
        return self._insert_periods([(v, o, started, None, how) for v, o, started, how in periods])

    def transfer_vehicles(
        self, transfers: Sequence[tuple[int, int, int, Any, str]]
    ) -> tuple[list[int], list[int], list[tuple[int, int]]]:
        """(vehicle, previous owner, new owner, on, how), in the order they happened: the
        vehicle's open period ends `on` (today when unknown) and the new owner's begins; the
        vehicle moves to the new owner with its readings and history. A vehicle already with
        its new owner (recorded under them first) gets the previous owner's period, closed.
        Returns (periods opened, periods closed, (vehicle, owner before) of moved vehicles)."""
        opened: list[int] = []
        closed: list[int] = []
        moved: list[tuple[int, int]] = []
        for vehicle_id, previous, owner, on, how in transfers:
            until = on or self.now.date()
            period = VehicleOwnership.objects.filter(
                vehicle_id=vehicle_id, ended_on__isnull=True
            ).first()
            if period is not None and period.customer_id == owner:
                if not VehicleOwnership.objects.filter(
                    vehicle_id=vehicle_id, customer_id=previous
                ).exists():
                    opened += self.former_owners([(vehicle_id, previous, until, how)])
                continue
            if period is not None:
                period.ended_on = until
                self._save(VehicleOwnership, [period], {"ended_on"})
                closed.append(period.pk)
            vehicle = Vehicle.objects.get(pk=vehicle_id)
            if vehicle.customer_id != owner:
                moved.append((vehicle_id, vehicle.customer_id))
                self.touched.add(vehicle.customer_id)
                vehicle.customer_id = owner
                self._save(Vehicle, [vehicle], {"customer_id"})
            opened += self._open_periods([(vehicle_id, owner, on, how)])
            self.touched.add(owner)
        return opened, closed, moved

    def former_owners(self, periods: Sequence[tuple[int, int, Any, str]]) -> list[int]:
        """(vehicle, customer, until, how): closed periods of earlier owners."""
        return self._insert_periods([(v, o, None, until, how) for v, o, until, how in periods])

    def reopen_periods(self, ids: Sequence[int]) -> None:
        """Reopen ownership periods (an undone transfer)."""
        periods = list(VehicleOwnership.objects.filter(pk__in=ids))
        for period in periods:
            period.ended_on = None
        self._save(VehicleOwnership, periods, {"ended_on"})

    def add_contact_points(self, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """Keep numbers seen for customers ({customer_id, number, kind, raw, source}); a number
        the customer holds already is seen again (its `last_seen` moves), not added twice."""
        if not rows:
            return []
        ids = {r["customer_id"] for r in rows}
        held: dict[tuple[int, str], ContactPoint] = {}
        for start in range(0, len(ids), BATCH):
            chunk = list(ids)[start : start + BATCH]
            for point in ContactPoint.objects.filter(customer_id__in=chunk):
                held[(point.customer_id, point.number)] = point
        new: dict[tuple[int, str], ContactPoint] = {}
        seen = []
        for row in rows:
            key = (row["customer_id"], row["number"])
            if key in held:
                held[key].last_seen = self.now
                seen.append(held[key])
            elif key not in new:
                new[key] = build(
                    ContactPoint,
                    {"dealer_id": self.dealer_id, "first_seen": self.now,
                     "last_seen": self.now, **row},
                )  # fmt: skip
        ContactPoint.objects.bulk_create(list(new.values()), batch_size=BATCH)
        if seen:
            ContactPoint.objects.bulk_update(seen, ["last_seen"], batch_size=BATCH)
        return [p.pk for p in new.values()]

    def link_households(
        self, links: Sequence[tuple[int, int, str, str]]
    ) -> tuple[list[int], list[int]]:
        """(customer, customer, shared number, household kind): two different people who share
        a number become members of one household (the household one of them is in already,
        else a new one); an organization's household has the organization and its drivers.
        Returns (households created, members created)."""
        if not links:
            return [], []
        ids = {c for a, b, _n, _k in links for c in (a, b)}
        member_of = dict(
            HouseholdMember.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "household_id"
            )
        )
        kinds = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "kind"))
        households: list[Household] = []
        planned: list[tuple[int, Any, str, str]] = []  # customer, household (id or new), …
        for a, b, number, kind in links:
            if a == b or (a in member_of and b in member_of):
                continue
            household: Any = member_of.get(a) or member_of.get(b)
            if household is None:
                household = build(
                    Household, {"dealer_id": self.dealer_id, "kind": kind, "created_at": self.now}
                )
                households.append(household)
            for customer_id in (a, b):
                if customer_id not in member_of:
                    member_of[customer_id] = household
                    planned.append((customer_id, household, number, kind))
        insert_with_history(
            Household, households, user=self.actor, reason=self.reason, date=self.now
        )
        members = []
        for customer_id, household, number, kind in planned:
            if kind == HouseholdKind.ORGANIZATION:
                relation = (
                    HouseholdRelation.ORGANIZATION
                    if kinds.get(customer_id) == CustomerKind.ORGANIZATION
                    else HouseholdRelation.DRIVER
                )
            else:
                relation = HouseholdRelation.UNKNOWN
            household_id = household if isinstance(household, int) else household.pk
            members.append(
                build(
                    HouseholdMember,
                    {
                        "dealer_id": self.dealer_id,
                        "household_id": household_id,
                        "customer_id": customer_id,
                        "relation": relation,
                        "shared_number": number,
                        "added_at": self.now,
                    },
                )  # fmt: skip
            )
        insert_with_history(
            HouseholdMember, members, user=self.actor, reason=self.reason, date=self.now
        )
        return [h.pk for h in households], [m.pk for m in members]

    def delete_links(self, model: str, ids: Sequence[int]) -> int:
        """Delete contact points, household members, households or ownership periods (e.g.
        those an undone import created)."""
        target: type[Any] = {
            "contact_point": ContactPoint,
            "household_member": HouseholdMember,
            "household": Household,
            "ownership": VehicleOwnership,
        }[model]
        deleted = 0
        for start in range(0, len(ids), BATCH):
            deleted += target.objects.filter(pk__in=ids[start : start + BATCH]).delete()[0]
        return deleted

    def update_vehicles(
        self,
        vehicles: Sequence[Vehicle],
        fields: Iterable[str],
        *,
        source: str,
        mileage_changed: Iterable[int] | None = None,
    ) -> None:
        """Save `fields` of vehicles whose attributes the caller has set, with history rows. A
        changed mileage is recorded as a reading (from `source`) too: for the vehicles whose
        ids are in `mileage_changed`, or for all of them when it is None and `fields` has the
        mileage."""
        fields = set(fields)
        self._save(Vehicle, vehicles, fields)
        if "mileage_km" in fields:
            changed = None if mileage_changed is None else set(mileage_changed)
            self._readings(
                [v for v in vehicles if changed is None or v.pk in changed], source=source
            )
        self.touched.update(v.customer_id for v in vehicles)
        if fields & {"brand", "model_name"}:
            self.vehicles.update(v.pk for v in vehicles)

    def delete_vehicles(self, ids: Sequence[int]) -> int:
        """Delete vehicles with their readings and the readings' timeline activities."""
        owners = set(Vehicle.objects.filter(pk__in=ids).values_list("customer_id", flat=True))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            self._forget_readings(MileageReading.objects.filter(vehicle_id__in=chunk))
            Vehicle.objects.filter(pk__in=chunk).delete()
        self.touched.update(owners)
        self.vehicles.difference_update(ids)
        return len(ids)

    def delete_readings(self, readings: Iterable[tuple[int, int]], *, source: str) -> int:
        """Delete the mileage readings (vehicle id, km) that `source` recorded, e.g. those an
        undone import wrote."""
        deleted = 0
        for vehicle_id, km in readings:
            doomed = MileageReading.objects.filter(
                vehicle_id=vehicle_id, mileage_km=km, source=source
            )
            self._forget_readings(doomed)
            deleted += doomed.delete()[0]
        return deleted

    def _forget_readings(self, readings: Any) -> None:
        """Delete the timeline activities of readings about to be deleted."""
        Activity.objects.filter(
            dealer_id=self.dealer_id,
            target_type=ContentType.objects.get_for_model(MileageReading),
            target_id__in=readings.values("id"),
        ).delete()

    # --- the rest ----------------------------------------------------------------------------

    def _readings(self, vehicles: Iterable[Vehicle], *, source: str) -> None:
        actor_id = self.actor.pk if self.actor is not None else None
        readings = [
            build(
                MileageReading,
                {
                    "dealer_id": self.dealer_id,
                    "vehicle_id": v.pk,
                    "mileage_km": v.mileage_km,
                    "read_on": v.mileage_read_on or self.now.date(),
                    "source": source,
                    "recorded_by_id": actor_id,
                },
            )
            for v in vehicles
            if v.mileage_km is not None
        ]
        copy_insert(MileageReading, readings, set_pks=False)

    def _save(self, model: type[Any], objs: Sequence[Any], fields: set[str]) -> None:
        if objs and fields:
            bulk_update_with_history(
                list(objs),
                model,
                sorted(fields),
                batch_size=BATCH,
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=self.now,
            )

    def close(self) -> None:
        """Link the vehicles written to the catalogue by their text (one read of their distinct
        brand and model pairs, `catalogue_links`), and publish `customers_changed` for what
        these writes touched (once)."""
        if self.vehicles:
            vehicles_link_catalogue(dealer_id=self.dealer_id, vehicle_ids=self.vehicles)
            self.vehicles = set()
        ids = self.touched - self.scored
        self.touched = set()
        if ids:
            customers_changed.publish(customer_ids=ids, instances=(), now=self.now)


@contextmanager
def customer_writes(
    *, dealer_id: int, actor: Staff | None, reason: str, now: datetime
) -> Iterator[CustomerWrites]:
    """A unit of bulk writes; `customers_changed` is published when the block ends without an
    error (an error rolls the caller's transaction back, scores and all)."""
    writes = CustomerWrites(dealer_id=dealer_id, actor=actor, reason=reason, now=now)
    yield writes
    writes.close()


def customer_scores_store(customers: Sequence[Customer], fields: Sequence[str]) -> None:
    """Store the quality scores quality's refresh has set on these records (no history row:
    scores are derived from the record, not a change anyone made)."""
    Customer.objects.bulk_update(list(customers), list(fields), batch_size=BATCH)
