"""Writing an import's planned customers and vehicles, chunk by chunk.

`BatchWriter.take` turns what one chunk of rows plans into a `WriteJob`: a copy of the planned
records, since the plan goes on changing while later chunks are planned. On PostgreSQL the
job's new records get their ids from the sequences when it is taken, so the plan knows them at
once (a later row of the same person updates the record) and the job can be written by a
`WriterThread` on a connection of its own while the main thread plans the next chunk — the
database's work (COPY, indexes, foreign-key checks, COMMIT) then overlaps the client's.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.core.bulk import build, copy_insert, copy_values, next_ids, refresh_statistics
from autocrm.customers.choices import CustomerKind, MileageSource, OwnershipHow, PhoneSource
from autocrm.customers.models import (
    ContactPoint,
    Customer,
    MileageReading,
    Vehicle,
    VehicleOwnership,
)
from autocrm.customers.writes import CustomerWrites, customer_writes
from autocrm.imports.derived import new_customer_derived
from autocrm.imports.matching import Plan
from autocrm.imports.models import ImportBatch, ImportChange, ImportRow
from autocrm.imports.planned import Planned
from autocrm.imports.rows import RowError, ValidRow
from autocrm.rules.scoring import VehicleFacts
from autocrm.tenancy.models import Dealer, Staff

#: Statistics are refreshed when an import has created this many customers, then each time
#: it has created four times as many.
ANALYZE_FIRST = 5_000


def grown_tables() -> list[tuple[type[Any], tuple[str, ...]]]:
    """Every table an import grows, with the columns whose statistics are refreshed as it
    grows (none named: the whole table). Issue #13: in a database given a 30-customer demo,
    the statistics still said 30 vehicles when 100,000 had been written, so each mileage
    reading's foreign-key check read the whole vehicle table (4.6 billion rows read, 290 s);
    the lookups of the matching were not the only reads planned from them."""
    return [
        (Customer, ("id", "dealer", "mobile", "id_number")),
        (Vehicle, ("id", "dealer", "vin", "customer")),
        (VehicleOwnership, ()),
        (MileageReading, ()),
        (ContactPoint, ()),
        (ImportRow, ()),
        (Customer.history.model, ()),  # type: ignore[attr-defined]
        (Vehicle.history.model, ()),  # type: ignore[attr-defined]
        (VehicleOwnership.history.model, ()),  # type: ignore[attr-defined]
    ]


#: Jobs taken but not yet written, at most (each holds one chunk's records).
QUEUED_JOBS = 2
#: The fields of an `ImportRow` as a write job carries them (`RowOutcome`)
ROW_OUTCOME_FIELDS = (
    "dealer_id", "batch_id", "number", "customer_id", "vehicle_id", "status", "problems",
)  # fmt: skip


class RowOutcome(NamedTuple):
    """What became of one row of a chunk, written with the chunk (`ImportRow`): its customer
    entity and VIN, with their ids when they are known as the job is taken (a record new in
    the chunk gets its id as the job is written), its status and its problems."""

    number: int
    entity: str | None  # None: rejected, or left out
    customer_id: int | None
    vin: str | None
    vehicle_id: int | None
    status: str
    problems: list[dict[str, Any]] | None


def _problems(row: ValidRow) -> list[dict[str, Any]] | None:
    """A row's problems (or the errors that rejected it) as its `ImportRow` keeps them."""
    found: list[RowError] = row.problems or row.errors
    return [p.as_dict() for p in found] if found else None


def jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        out[key] = value
    return out


def change_reason(batch: ImportBatch) -> str:
    return _("Import #%(id)d: %(file)s") % {"id": batch.pk, "file": batch.file_name}


def _copy(planned: Planned) -> Planned:
    """What writing needs of a planned record, as it is now. The values and the changed
    fields are the planned record's own dict and set, not copies: the record is settled as
    soon as it is taken (`BatchWriter.settle`), and a settled record changed by a later row
    changes new ones (`Planned.apply`, `Planned.settle`)."""
    return Planned(
        planned.existing_id, {}, planned.values, changed=planned.changed, owner=planned.owner
    )


@dataclass
class WriteJob:
    """One chunk's writes, independent of the plan's later changes."""

    keys: list[str]  # customer entities with something to write
    customers: dict[str, Planned]  # by entity key (copies)
    vehicles: dict[str, list[tuple[str, Planned]]]  # per customer: (VIN, copy)
    #: derived values of a new customer made by one row (computed by the validation worker)
    derived: dict[str, dict[str, Any] | None]
    customer_ids: dict[str, int] = field(default_factory=dict)  # existing, or reserved/new
    vehicle_ids: dict[str, int] = field(default_factory=dict)  # VIN → id of new vehicles
    first_row: int | None = None  # the first valid row of the chunk (for a failure message)
    outcomes: list[RowOutcome] = field(default_factory=list)  # each row's, written with it
    rows_done: int = 0  # progress once written
    analyze: bool = False  # refresh the lookup columns' statistics once written


class WriteFailed(Exception):
    """Writing a job failed; the cause is chained."""

    def __init__(self, job: WriteJob) -> None:
        super().__init__(job.first_row)
        self.job = job


class BatchWriter:
    """Takes the planned customers and vehicles chunk by chunk as the rows are planned, and
    writes them.

    A customer or vehicle a later chunk changes again (the same person further down the file)
    is updated then, like any record that existed before the import."""

    def __init__(self, *, batch: ImportBatch, actor: Staff, plan: Plan, reserve_ids: bool) -> None:
        self.batch = batch
        self.actor = actor
        self.plan = plan
        self.reserve_ids = reserve_ids
        self.reason = change_reason(batch)
        self.dealer = Dealer.objects.get(pk=batch.dealer_id)
        self.now = timezone.now()
        # Of the chunk being written: the vehicles with writes per customer entity, the rows
        # per customer entity (for deriving pinyin and scores once per customer), what each
        # row's checks derived, and what became of each row
        self.vehicles_of: dict[str, list[tuple[str, Planned]]] = {}
        self.rows_of: dict[str, list[int]] = {}
        self.derived_of: dict[int, dict[str, Any]] = {}
        self._outcomes: list[RowOutcome] = []
        self.created = 0
        self._analyze_at = ANALYZE_FIRST

    def add(self, rows: list[ValidRow]) -> list[str]:
        """Take in planned rows; returns the customers they have something to write for."""
        touched: dict[str, None] = {}
        # a new customer or vehicle is taken (and settled) in the chunk that plans it, and so
        # is every change a row makes to an earlier one: what writing needs is kept for this
        # chunk only
        self.vehicles_of = {}
        self.rows_of = {}
        self.derived_of = {}
        self._outcomes = []
        statuses, customers, vehicles = self.plan.statuses, self.plan.customers, self.plan.vehicles
        for row in rows:
            status = statuses.get(row.number)
            if status is None:
                continue
            if row.errors:
                self._outcomes.append(
                    RowOutcome(row.number, None, None, None, None, status, _problems(row))
                )
                continue
            key = row.entity
            vin = row.vehicle.get("vin") if row.vehicle else None
            self._outcomes.append(
                RowOutcome(
                    row.number, key, customers[key].existing_id, vin,
                    vehicles[vin].existing_id if vin else None, status, _problems(row),
                )
            )  # fmt: skip
            self.rows_of.setdefault(key, []).append(row.number)
            if row.derived is not None:
                self.derived_of[row.number] = row.derived
            touched[key] = None
            if vin:
                # with the customer who owns it once the chunk is planned (a vehicle sold on
                # moves to its new owner in `finish`; its writes go with the new owner)
                vehicle = self.plan.vehicles[vin]
                own = self.vehicles_of.setdefault(vehicle.owner, [])
                if all(v is not vehicle for _vin, v in own):
                    own.append((vin, vehicle))
                touched[vehicle.owner] = None
        return [k for k in touched if self._has_work(k, self.plan.customers[k])]

    def _has_work(self, key: str, planned: Planned) -> bool:
        return (
            planned.existing_id is None
            or bool(planned.changed)
            or any(v.existing_id is None or v.changed for _vin, v in self.vehicles_of.get(key, []))
        )

    def take(self, keys: list[str], rows: list[ValidRow], rows_done: int) -> WriteJob:
        """The writes of these customers as they are planned now. As the tables grow, the
        statistics the next writes are planned with are refreshed (`GROWN_TABLES`)."""
        job = WriteJob(
            keys=keys, customers={}, vehicles={}, derived={}, rows_done=rows_done,
            outcomes=self._outcomes,
        )  # fmt: skip
        self._outcomes = []
        for key in keys:
            planned = self.plan.customers[key]
            job.customers[key] = _copy(planned)
            job.vehicles[key] = [(vin, _copy(v)) for vin, v in self.vehicles_of.get(key, [])]
            if planned.existing_id is not None:
                job.customer_ids[key] = planned.existing_id
            else:
                numbers = self.rows_of[key]
                job.derived[key] = self.derived_of.get(numbers[0]) if len(numbers) == 1 else None
        job.first_row = min((r.number for r in rows if not r.errors), default=None)
        new = [k for k in keys if job.customers[k].existing_id is None]
        self.created += len(new)
        if self.created >= self._analyze_at:
            # the tables have grown severalfold: let the planner know before the next
            # chunks are matched against them and written (each written row's foreign keys
            # are checked by a look-up the planner plans from these statistics too)
            job.analyze = True
            self._analyze_at *= 4
        if self.reserve_ids:
            job.customer_ids.update(zip(new, next_ids(Customer, len(new)), strict=True))
            vins = [vin for k in keys for vin, v in job.vehicles[k] if v.existing_id is None]
            job.vehicle_ids = dict(zip(vins, next_ids(Vehicle, len(vins)), strict=True))
        return job

    def settle(self, job: WriteJob) -> None:
        """Once the job's ids are known: its records exist as planned now, so a later row of the
        same customer or vehicle changes them like stored ones, and matching the next chunks
        against the database does not find them (`Matcher` knows only older records). Each
        row of the chunk is noted with its customer and vehicle, and the chunk's records are
        packed (`Records.settle_all`)."""
        plan = self.plan
        for key in job.keys:
            planned = plan.customers[key]
            if planned.existing_id is None:
                planned.existing_id = job.customer_ids[key]
            planned.settle()
            for vin, vehicle in self.vehicles_of.get(key, []):
                if vehicle.existing_id is None:
                    vehicle.existing_id = job.vehicle_ids[vin]
                vehicle.settle()
        # what the chunk's writes needed: its records are packed now (the job has its own)
        self.vehicles_of, self.rows_of, self.derived_of = {}, {}, {}
        plan.customers.settle_all()
        plan.vehicles.settle_all()

    def write(self, job: WriteJob) -> None:
        """Write one job in a transaction of its own, with its rows' outcomes and the batch's
        progress."""
        with transaction.atomic():
            self._write(job)
            self._write_outcomes(job)
            ImportBatch.objects.filter(pk=self.batch.pk).update(rows_done=job.rows_done)
        if job.analyze:
            for model, columns in grown_tables():
                refresh_statistics(model, *columns)

    def _write(self, job: WriteJob) -> None:
        changes: list[ImportChange] = []
        with customer_writes(
            dealer_id=self.dealer.pk, actor=self.actor, reason=self.reason, now=self.now
        ) as writes:
            changes += self._write_customers(job, writes)
            changes += self._write_vehicles(job, writes)
        copy_insert(ImportChange, changes, set_pks=False)

    def _write_outcomes(self, job: WriteJob) -> None:
        """What became of each row of the job's chunk; the ids of the records the chunk made
        are known now that they are written."""
        dealer_id, batch_id = self.dealer.pk, self.batch.pk
        customer_ids, vehicle_ids = job.customer_ids, job.vehicle_ids
        copy_values(
            ImportRow,
            ROW_OUTCOME_FIELDS,
            [
                (
                    dealer_id,
                    batch_id,
                    o.number,
                    o.customer_id or (customer_ids[o.entity] if o.entity else None),
                    o.vehicle_id or (vehicle_ids[o.vin] if o.vin else None),
                    o.status,
                    o.problems,
                )  # fmt: skip
                for o in job.outcomes
            ],
        )

    def _write_customers(self, job: WriteJob, writes: CustomerWrites) -> list[ImportChange]:
        """1. new customers, scored before they are inserted; 2. changed customers."""
        changes: list[ImportChange] = []
        customers = job.customers
        new_keys = [k for k in job.keys if customers[k].existing_id is None]
        upd_keys = [k for k in job.keys if customers[k].existing_id and customers[k].changed]
        rows = []
        for key in new_keys:
            # without a known consultant a customer stays unassigned (not the importing clerk's)
            values = {
                "kind": CustomerKind.PERSON,
                "responsible_staff_id": None,
                **customers[key].values,
            }
            if values.get("rejected_values"):
                values["rejected_values"] = self._of_batch(values["rejected_values"])
            if key in job.customer_ids:
                values["id"] = job.customer_ids[key]
            derived = job.derived[key]
            if derived is None:  # several rows make this customer: derive from them all
                derived = new_customer_derived(
                    values,
                    dealer_province=self.dealer.province,
                    vehicles=[
                        VehicleFacts(vin, v.values.get("purchase_date"), False)
                        for vin, v in job.vehicles[key]
                    ],
                    now=self.now,
                )
            rows.append({**values, **derived})
        created = writes.create_customers(rows, scored=True)
        job.customer_ids.update(zip(new_keys, created, strict=True))
        if created:
            changes.append(self._created("customer", created))
        if upd_keys:
            by_id = Customer.objects.in_bulk([customers[k].existing_id for k in upd_keys])
            fields: set[str] = {"updated_at"}
            objs = []
            renamed = []
            for key in upd_keys:
                planned = customers[key]
                customer = by_id[planned.existing_id]
                before = {f: getattr(customer, f) for f in (*planned.changed, "updated_at")}
                for name in planned.changed:
                    value = planned.values[name]
                    if name == "rejected_values":
                        value = self._of_batch(value)
                    setattr(customer, name, value)
                fields |= planned.changed
                customer.updated_at = self.now
                objs.append(customer)
                if planned.changed & {"name", "kind"}:
                    renamed.append(customer.pk)
                changes.append(self._updated("customer", customer, before, planned))
            writes.update_customers(objs, fields, renamed=renamed)
        return changes

    def _write_vehicles(self, job: WriteJob, writes: CustomerWrites) -> list[ImportChange]:
        """3. new vehicles (with their first mileage reading) and changed ones."""
        changes: list[ImportChange] = []
        new_rows: list[dict[str, Any]] = []
        new_vins: list[str] = []
        upd_vehicles: list[Planned] = []
        for key in job.keys:
            for vin, planned in job.vehicles[key]:
                if planned.existing_id is None:
                    values = {"customer_id": job.customer_ids[key], **planned.values}
                    if vin in job.vehicle_ids:
                        values["id"] = job.vehicle_ids[vin]
                    new_vins.append(vin)
                    new_rows.append(values)
                elif planned.changed:
                    upd_vehicles.append(planned)
        new_vehicles = writes.create_vehicles(
            new_rows, source=MileageSource.IMPORT, how=OwnershipHow.IMPORTED
        )
        if new_vehicles:
            job.vehicle_ids.update(zip(new_vins, new_vehicles, strict=True))
            changes.append(self._created("vehicle", new_vehicles))
        if upd_vehicles:
            by_id = Vehicle.objects.in_bulk([p.existing_id for p in upd_vehicles])
            objs = []
            fields: set[str] = set()
            for planned in upd_vehicles:
                vehicle = by_id[planned.existing_id]
                before = {f: getattr(vehicle, f) for f in planned.changed}
                for name in planned.changed:
                    setattr(vehicle, name, planned.values[name])
                fields |= planned.changed
                objs.append(vehicle)
                changes.append(self._updated("vehicle", vehicle, before, planned))
            writes.update_vehicles(
                objs,
                fields,
                source=MileageSource.IMPORT,
                mileage_changed=[
                    p.existing_id
                    for p in upd_vehicles
                    if p.existing_id is not None and "mileage_km" in p.changed
                ],
            )
        return changes

    def _vehicle_id(self, vin: str) -> int:
        vehicle_id = self.plan.vehicles[vin].existing_id
        assert vehicle_id is not None, vin  # every planned vehicle is written by now
        return vehicle_id

    def _of_batch(self, rejected: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rejected values with this import named (the preview checks rows before there is
        a batch to name)."""
        return [{**v, "batch": v.get("batch") or self.batch.pk} for v in rejected]

    def finish(self) -> None:
        """Once every chunk is written: the numbers seen beside the contact numbers, the
        households of people who share a number and the vehicles sold on, in one transaction,
        recorded for undo."""
        plan = self.plan
        ids = _Ids(plan)
        changes: list[ImportChange] = []
        with transaction.atomic():
            with customer_writes(
                dealer_id=self.dealer.pk, actor=self.actor, reason=self.reason, now=self.now
            ) as writes:
                points = [
                    {"customer_id": ids[key], "number": number, "kind": kind,
                     "raw": raw[:40], "source": PhoneSource.IMPORT}
                    for key, planned in plan.customers.unpacked()
                    if key in ids
                    for number, (kind, raw) in planned.numbers.items()
                    if number not in planned.stored_numbers
                    and number not in (planned.values.get("mobile"), planned.values.get("landline"))
                ]  # fmt: skip
                created = writes.add_contact_points(points)
                households, members = writes.link_households(
                    [
                        (ids[link.first], ids[link.second], link.number, link.kind)
                        for link in plan.households
                        if link.first in ids and link.second in ids
                    ]
                )
                opened = writes.former_owners(
                    [
                        (self._vehicle_id(c.vin), ids[c.previous], c.on, OwnershipHow.IMPORTED)
                        for c in plan.owner_changes
                        if c.former and c.previous in ids
                    ]
                )  # fmt: skip
                more, closed, moved = writes.transfer_vehicles(
                    [
                        (self._vehicle_id(c.vin), ids[c.previous], ids[c.owner], c.on,
                         OwnershipHow.TRANSFERRED)
                        for c in plan.owner_changes
                        if not c.former and c.previous in ids and c.owner in ids
                    ]
                )  # fmt: skip
            for model, pks in (
                ("contact_point", created), ("household", households),
                ("household_member", members), ("ownership", opened + more),
            ):  # fmt: skip
                if pks:
                    changes.append(self._created(model, pks))
            for period in closed:
                changes.append(self._link_updated("ownership", period, {"ended_on": None}))
            for vehicle_id, before in moved:
                changes.append(self._link_updated("vehicle", vehicle_id, {"customer_id": before}))
            copy_insert(ImportChange, changes, set_pks=False)

    def _link_updated(self, model: str, pk: int, before: dict[str, Any]) -> ImportChange:
        return build(
            ImportChange,
            {
                "dealer_id": self.dealer.pk, "batch_id": self.batch.pk, "model": model,
                "object_id": pk, "action": "updated", "before": jsonable(before), "after": {},
            },
        )  # fmt: skip

    def _created(self, model: str, pks: list[int]) -> ImportChange:
        return build(
            ImportChange,
            {
                "dealer_id": self.dealer.pk,
                "batch_id": self.batch.pk,
                "model": model,
                "object_id": None,
                "object_ids": pks,
                "action": "created",
            },
        )

    def _updated(
        self, model: str, obj: Any, before: dict[str, Any], planned: Planned
    ) -> ImportChange:
        after = {name: getattr(obj, name) for name in planned.changed}
        if model == "customer":
            after["updated_at"] = obj.updated_at
        return build(
            ImportChange,
            {
                "dealer_id": self.dealer.pk,
                "batch_id": self.batch.pk,
                "model": model,
                "object_id": obj.pk,
                "action": "updated",
                "before": jsonable(before),
                "after": jsonable(after),
            },
        )


class _Ids:
    """The written customers' ids by entity key (unpacking the few records asked for)."""

    def __init__(self, plan: Plan) -> None:
        self._customers = plan.customers

    def __contains__(self, key: str) -> bool:
        planned = self._customers.get(key)
        return planned is not None and planned.existing_id is not None

    def __getitem__(self, key: str) -> int:
        existing_id = self._customers[key].existing_id
        assert existing_id is not None, key
        return existing_id


def can_write_in_thread() -> bool:
    """A thread of its own writes on a connection of its own: only on PostgreSQL, and not
    inside a caller's transaction (whose rows another connection would not see, and whose
    roll-back would not undo the thread's commits)."""
    connection = connections[DEFAULT_DB_ALIAS]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


class WriterThread:
    """Writes jobs in order, in a thread with its own database connection (Django's
    connections are per thread), while the caller takes the next ones. The caller's context
    (the dealer scope) goes with it. After a failed job the rest are skipped; `submit` and
    `close` raise the `WriteFailed`."""

    def __init__(self, writer: BatchWriter) -> None:
        self._writer = writer
        self._jobs: queue.Queue[WriteJob | None] = queue.Queue(maxsize=QUEUED_JOBS)
        self._failure: WriteFailed | None = None
        context = contextvars.copy_context()
        self._thread = threading.Thread(
            target=context.run, args=(self._run,), name="import-writer", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        try:
            while (job := self._jobs.get()) is not None:
                if self._failure is not None:
                    continue  # skip the rest after a failure
                try:
                    self._writer.write(job)
                except Exception as exc:  # noqa: BLE001 - reported to the caller
                    failure = WriteFailed(job)
                    failure.__cause__ = exc
                    self._failure = failure
        finally:
            connections.close_all()  # this thread's connection

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def submit(self, job: WriteJob) -> None:
        self._raise_failure()
        self._jobs.put(job)

    def close(self) -> None:
        """Wait until every submitted job is written (or skipped after a failure)."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        self._raise_failure()
