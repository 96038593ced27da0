"""Writing generated rows: COPY on PostgreSQL, executemany on SQLite.

Rows come as tuples in the column order of `autocrm.demo.columns`, primary keys included.
Historical (simple-history) tables are not written: a bulk load is not a change anyone made.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model

from autocrm.customers.catalogue_links import vehicles_link_catalogue
from autocrm.customers.models import Contact, Customer, Interaction, MileageReading, Vehicle
from autocrm.demo.columns import COLUMNS, TABLES
from autocrm.demo.generator import DemoGenerator
from autocrm.demo.models import DemoTruth
from autocrm.demo.world import World

MODELS: dict[str, type[Model]] = {
    "customer": Customer,
    "truth": DemoTruth,
    "hobby": Customer.hobbies.through,
    "contact": Contact,
    "vehicle": Vehicle,
    "reading": MileageReading,
    "interaction": Interaction,
}

Rows = Mapping[str, list[tuple]]


def open_ownership_periods() -> None:
    """Every loaded vehicle's owner history: its owner's open period (set-based, as the
    migration that introduced ownership did for the vehicles there were)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_vehicleownership"
            " (dealer_id, vehicle_id, customer_id, started_on, ended_on, how, created_at)"
            " SELECT v.dealer_id, v.id, v.customer_id, v.purchase_date, NULL,"
            " CASE WHEN v.bought_here THEN 'bought_here' ELSE 'entered' END, v.created_at"
            " FROM customers_vehicle v WHERE NOT EXISTS"
            " (SELECT 1 FROM customers_vehicleownership o WHERE o.vehicle_id = v.id)"
        )


def first_ids() -> dict[str, int]:
    """The first free primary key of every generated table."""
    ids = {}
    for table, model in MODELS.items():
        if table != "truth":
            ids[table] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return ids


def model_columns(model: type[Model]) -> set[str]:
    return {field.column for field in model._meta.concrete_fields}


class Writer:
    """Writes batches of rows; `finish` runs once after the last batch."""

    def start(self) -> None: ...

    def write(self, rows: Rows) -> None:
        raise NotImplementedError

    def finish(self) -> None: ...


class PostgresWriter(Writer):
    """COPY ... FROM STDIN per table and batch (psycopg 3).

    With `drop_constraints` (the default), the foreign-key constraints of the generated tables
    are dropped before the first batch and added again by `finish`: one join per constraint is
    much cheaper than tens of millions of per-row trigger checks. The secondary indexes stay:
    the server maintains them on its own core while the generator works on the other, which
    measured faster than rebuilding them at the end. Run it inside a transaction: a failure then
    leaves the schema as it was.
    """

    def __init__(self, *, drop_constraints: bool = True) -> None:
        self.drop_constraints = drop_constraints
        self.saved_constraints: list[str] = []
        self.sql = {
            table: 'COPY "{}" ({}) FROM STDIN'.format(
                MODELS[table]._meta.db_table, ", ".join(f'"{c}"' for c in COLUMNS[table])
            )
            for table in TABLES
        }

    def start(self) -> None:
        with connection.cursor() as cursor:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check each COPY at its
            # end instead of queueing millions of trigger events until the commit.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if not self.drop_constraints:
                return
            cursor.execute(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.conrelid"
                " WHERE t.relname = ANY(%s) AND c.contype = 'f'",
                [[MODELS[t]._meta.db_table for t in TABLES]],
            )
            for table, name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                self.saved_constraints.append(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'
                )

    def write(self, rows: Rows) -> None:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor
            for table in TABLES:
                batch = rows.get(table)
                if not batch:
                    continue
                with raw.copy(self.sql[table]) as copy:
                    write_row = copy.write_row
                    for row in batch:
                        write_row(row)

    def finish(self) -> None:
        with connection.cursor() as cursor:
            for definition in self.saved_constraints:
                cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for sql in connection.ops.sequence_reset_sql(no_style(), list(MODELS.values())):
                cursor.execute(sql)
            for table in TABLES:
                cursor.execute(f'ANALYZE "{MODELS[table]._meta.db_table}"')


def _sqlite_converter(model: type[Model], column: str) -> Callable[[Any], Any] | None:
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    kind = field.get_internal_type()
    ops = connection.ops
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DecimalField":
        return lambda value: None if value is None else str(value)
    return None


class SqliteWriter(Writer):
    """executemany per table and batch, values adapted as Django would store them."""

    def __init__(self) -> None:
        self.sql: dict[str, str] = {}
        self.converters: dict[str, list[tuple[int, Callable[[Any], Any]]]] = {}
        for table in TABLES:
            model, columns = MODELS[table], COLUMNS[table]
            self.sql[table] = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
                model._meta.db_table,
                ", ".join(f'"{c}"' for c in columns),
                ", ".join(["%s"] * len(columns)),
            )
            converters = [(i, _sqlite_converter(model, c)) for i, c in enumerate(columns)]
            self.converters[table] = [(i, f) for i, f in converters if f is not None]

    def write(self, rows: Rows) -> None:
        with connection.cursor() as cursor:
            for table in TABLES:
                batch = rows.get(table)
                if not batch:
                    continue
                converters = self.converters[table]
                if converters:
                    batch = [_convert(row, converters) for row in batch]
                cursor.executemany(self.sql[table], batch)


def _convert(row: tuple, converters: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    values = list(row)
    for i, convert in converters:
        values[i] = convert(values[i])
    return tuple(values)


def make_writer(*, drop_constraints: bool = True) -> Writer:
    if connection.vendor == "postgresql":
        return PostgresWriter(drop_constraints=drop_constraints)
    return SqliteWriter()


# --- the pipeline ------------------------------------------------------------------------------


@dataclass
class LoadStats:
    customers: int = 0
    duplicates: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    seconds: float = 0.0


def load(
    world: World,
    *,
    seed: int,
    customers: int,
    batch_size: int,
    writer: Writer,
    progress: Callable[[LoadStats], None] | None = None,
) -> LoadStats:
    """Generate `customers` customers and write them in batches of about `batch_size`.

    The rows are generated in a background thread while this thread writes the previous batch
    (the database works on the other core meanwhile); only this thread touches the database, so
    the load runs inside the caller's transaction.
    """
    started = time.monotonic()
    batches: queue.Queue[object] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item: object) -> None:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.5)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            generator = DemoGenerator(world, seed)
            batch: dict[str, list[tuple]] = {t: [] for t in TABLES}
            duplicates = 0
            for chunk in generator.chunks(customers):
                for table, rows in chunk.rows.items():
                    batch[table].extend(rows)
                duplicates += chunk.duplicates
                if len(batch["customer"]) >= batch_size:
                    put((batch, duplicates))
                    batch, duplicates = {t: [] for t in TABLES}, 0
                if stop.is_set():
                    return
            if batch["customer"]:
                put((batch, duplicates))
            put(None)
        except BaseException as error:  # noqa: BLE001 - handed to the writing thread
            put(error)

    stats = LoadStats()
    producer = threading.Thread(target=produce, name="demo-generator", daemon=True)
    producer.start()
    try:
        writer.start()
        while (item := batches.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            batch, duplicates = item  # type: ignore[misc]
            writer.write(batch)
            stats.customers += len(batch["customer"])
            stats.duplicates += duplicates
            for table, rows in batch.items():
                stats.rows[table] += len(rows)
            stats.seconds = time.monotonic() - started
            if progress:
                progress(stats)
        writer.finish()
        open_ownership_periods()
        # the generated brand and model texts are the catalogue's (catalogue_data covers
        # every demo series), so every vehicle is linked to its series
        vehicles_link_catalogue()
    finally:
        stop.set()
        producer.join(timeout=5)
    stats.seconds = time.monotonic() - started
    return stats
