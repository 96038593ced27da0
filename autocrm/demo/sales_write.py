"""Writing the demo's sales rows: COPY on PostgreSQL (with the tables' foreign keys dropped
for the load and added back), executemany on SQLite with the values as Django stores them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import JSONField, Model


class TableWriter:
    """Rows (tuples in a table's column order) to one table: COPY on PostgreSQL, executemany
    with the values adapted as Django stores them on SQLite. JSON columns take Python values."""

    def __init__(self, model: type[Model], columns: tuple[str, ...]) -> None:
        self.model = model
        fields = {f.column: f for f in model._meta.concrete_fields}
        self.json = [i for i, c in enumerate(columns) if isinstance(fields[c], JSONField)]
        table = model._meta.db_table
        names = ", ".join(f'"{c}"' for c in columns)
        self.postgres = connection.vendor == "postgresql"
        self.converters: list[tuple[int, Callable[[Any], Any]]] = [(i, _dumps) for i in self.json]
        if self.postgres:
            self.sql = f'COPY "{table}" ({names}) FROM STDIN'
            return
        self.sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join(["%s"] * len(columns))})'
        for i, column in enumerate(columns):
            kind = fields[column].get_internal_type()
            if kind == "DateTimeField":
                self.converters.append((i, _sqlite_datetime))
            elif kind in ("DateField", "DecimalField"):
                self.converters.append((i, _text))

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if self.converters:
            rows = [_convert(row, self.converters) for row in rows]
        with connection.cursor() as cursor:
            if not self.postgres:
                cursor.executemany(self.sql, rows)
                return
            with cursor.cursor.copy(self.sql) as copy:
                for row in rows:
                    copy.write_row(row)


def _sqlite_datetime(value: datetime | None) -> str | None:
    """An aware datetime as Django keeps it in SQLite: naive UTC text (what
    `adapt_datetimefield_value` gives, without its per-value settings lookups)."""
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _convert(row: tuple, converters: list[tuple[int, Callable[[Any], Any]]]) -> tuple:
    values = list(row)
    for i, convert in converters:
        values[i] = convert(values[i])
    return tuple(values)


class Constraints:
    """PostgreSQL: the foreign keys of the tables dropped for the load and added back (one
    join each instead of a trigger per row), as the demo loader does."""

    def __init__(self, models: Iterable[type[Model]]) -> None:
        self.models = list(models)
        self.tables = [m._meta.db_table for m in self.models]
        self.saved: list[str] = []

    def drop(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                " JOIN pg_class t ON t.oid = c.conrelid"
                " WHERE t.relname = ANY(%s) AND c.contype = 'f'",
                [self.tables],
            )
            for table, name, definition in cursor.fetchall():
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                self.saved.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')

    def restore(self) -> None:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            for definition in self.saved:
                cursor.execute(definition)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for sql in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(sql)
            for table in self.tables:
                cursor.execute(f'ANALYZE "{table}"')
