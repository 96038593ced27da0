"""Fast inserts for large imports: PostgreSQL COPY, with the same history rows
`simple_history.utils.bulk_create_with_history` would write.

On PostgreSQL the primary keys are taken from the table's sequence first, then rows stream in
through COPY (no SQL text with hundreds of thousands of placeholders to build and parse; values
go to psycopg as they are, only JSON is wrapped). Other databases use Django's bulk_create.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models import NOT_PROVIDED, Field, JSONField, Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from simple_history.utils import bulk_create_with_history

log = logging.getLogger(__name__)
M = TypeVar("M", bound=Model)
BATCH = 1000


@functools.cache
def _defaults(model: type[Model]) -> tuple[dict[str, Any], tuple[Field, ...], frozenset[str]]:
    """Per model: constant defaults by attname, fields whose default is made per instance,
    and every attname."""
    static: dict[str, Any] = {}
    dynamic: list[Field] = []
    for f in model._meta.concrete_fields:
        if (f.has_default() and callable(f.default)) or f.db_default is not NOT_PROVIDED:
            dynamic.append(f)
        else:
            static[f.attname] = f.get_default()
    return static, tuple(dynamic), frozenset(static) | {f.attname for f in dynamic}


def build(model: type[M], values: Mapping[str, Any]) -> M:
    """An unsaved instance equal to `model(**values)` (keys are attnames: `customer_id`, not
    `customer`), without Model.__init__'s per-field work — an import creates hundreds of
    thousands. Models with init signal receivers get the ordinary constructor."""
    if pre_init.receivers or post_init.receivers:  # any receiver at all: play safe
        return model(**values)
    static, dynamic, names = _defaults(model)
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
    obj = model.__new__(model)
    state = obj.__dict__
    state["_state"] = ModelState()
    state.update(static)
    for f in dynamic:
        if f.attname not in values:
            state[f.attname] = f.get_default()
    state.update(values)
    return obj


def _connection() -> Any:
    return connections[DEFAULT_DB_ALIAS]


def is_postgres() -> bool:
    return _connection().vendor == "postgresql"


def next_ids(model: type[Model], n: int) -> list[int]:
    """`n` new primary keys from the table's sequence (the sequence is looked up first: as an
    argument of nextval, pg_get_serial_sequence would be evaluated again for every row)."""
    if n == 0:
        return []
    opts = model._meta
    with _connection().cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [opts.db_table, opts.pk.column])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n])
        return [row[0] for row in cursor.fetchall()]


def refresh_statistics(model: type[Model], *fields: str) -> None:
    """ANALYZE a table's columns on PostgreSQL: after a table has grown severalfold within
    minutes, before autovacuum notices, the planner still believes the dealer has a few dozen
    records and reads all of them for every lookup of the next write batch instead of using
    the index. Only `fields` are analyzed when named (none: the whole table, a sample of
    30,000 rows). A failure (a role that may not analyze) only costs that speed."""
    if not is_postgres():
        return
    quote = _connection().ops.quote_name
    # `fields` name concrete columns: get_field gives a Field, never a relation's other side.
    columns = ", ".join(
        quote(cast("Field[Any, Any]", model._meta.get_field(f)).column) for f in fields
    )
    table = quote(model._meta.db_table)
    try:
        with transaction.atomic(), _connection().cursor() as cursor:
            cursor.execute(f"ANALYZE {table} ({columns})" if columns else f"ANALYZE {table}")
    except DatabaseError:
        log.warning("could not analyze %s", table, exc_info=True)


def _copy(model: type[Model], fields: Sequence[Any], rows: Iterable[Sequence[Any]]) -> None:
    connection = _connection()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _getter(names: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The named attributes of an object, as a tuple (one C call)."""
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return attrgetter(*names)


_SCALARS = (str, int, bool, type(None))


def _frozen(items: list[dict[str, Any]]) -> tuple[Any, ...] | None:
    """A list of flat dicts of strings and numbers as a hashable key (None for others)."""
    key: list[tuple[str, type, Any] | None] = []
    for item in items:
        for name, value in item.items():
            kind = type(value)
            if kind not in _SCALARS:
                return None
            key.append((name, kind, value))  # the type: True and 1 are equal keys
        key.append(None)  # the end of one dict
    return tuple(key)


def _converter(field: Any) -> Callable[[Any], Any] | None:
    """How a value goes to COPY: JSON as its text (what Django's Jsonb adapter would send;
    anything unusual goes through the field), everything else psycopg adapts."""
    if isinstance(field, JSONField):
        connection = _connection()
        dumps = functools.partial(json.dumps, cls=field.encoder) if field.encoder else json.dumps

        texts: dict[tuple[Any, ...], str] = {}  # lists of dicts seen in this COPY

        def convert(value: Any) -> Any:
            kind = type(value)
            if kind is list and all(type(item) is dict for item in value):
                # the same few lists again and again (no family members, the same quality
                # issues): each written as JSON once
                key = _frozen(value)
                if key is not None:
                    text = texts.get(key)
                    if text is None:
                        text = texts[key] = dumps(value)
                    return text
            if kind in (dict, list):
                return dumps(value)
            return field.get_db_prep_save(value, connection)

        return convert
    return None


def copy_insert(model: type[M], objs: Sequence[M], *, set_pks: bool = True) -> Sequence[M]:
    """Insert `objs` (unsaved model instances) and set their primary keys, unless they all
    have one already (taken from `next_ids`) — or unless `set_pks` is false: then PostgreSQL
    numbers the rows itself and the instances stay unsaved (for rows nobody refers to
    afterwards, such as change log entries)."""
    if not objs:
        return objs
    if not is_postgres():
        return model._default_manager.bulk_create(objs, batch_size=BATCH)
    opts = model._meta
    names = [f.attname for f in opts.concrete_fields if not f.primary_key]
    values_of = _getter(names)
    if not set_pks:
        copy_values(model, names, map(values_of, objs))
        return objs
    if any(obj.pk is None for obj in objs):
        ids = next_ids(model, len(objs))
        for obj, pk in zip(objs, ids, strict=True):
            obj.pk = pk
    alias = _connection().alias
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    copy_values(model, [opts.pk.attname, *names], ((obj.pk, *values_of(obj)) for obj in objs))
    return objs


def copy_values(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows (each the values of the fields `names`, by attname, in that order):
    on PostgreSQL by COPY, JSON sent as its text and everything else as psycopg adapts it;
    elsewhere through `bulk_create` (primary keys, if any, as given)."""
    if not is_postgres():
        objs = [build(model, dict(zip(names, row, strict=True))) for row in rows]
        if objs:
            model._default_manager.bulk_create(objs, batch_size=BATCH)
        return
    fields = [model._meta.get_field(name) for name in names]
    converters = [(i, c) for i, f in enumerate(fields) if (c := _converter(f))]
    if not converters:
        _copy(model, fields, rows)
        return

    def converted() -> Iterable[list[Any]]:
        for values in rows:
            row = list(values)
            for i, convert in converters:
                row[i] = convert(row[i])
            yield row

    _copy(model, fields, converted())


def insert_values_with_history(
    model: type[Model],
    values_list: Sequence[Mapping[str, Any]],
    *,
    user: Any,
    reason: str,
    date: datetime,
) -> list[int]:
    """PostgreSQL: what `insert_with_history` does, for records given as their values (by
    attname, each with its primary key taken from `next_ids`) instead of instances: a field
    the values leave out takes its default, as `build` gives it. Hundreds of thousands of
    records are sent without building an instance and reading its fields back for each.
    Returns the primary keys, in order."""
    if not values_list:
        return []
    static, dynamic, names = _defaults(model)
    opts = model._meta
    pk = opts.pk.attname
    attnames = [pk, *(f.attname for f in opts.concrete_fields if not f.primary_key)]
    row_of = itemgetter(*attnames)
    rows = []
    for values in values_list:
        unknown = values.keys() - names
        if unknown:
            raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
        merged = {**static, **values}
        for f in dynamic:
            if f.attname not in values:
                merged[f.attname] = f.get_default()
        rows.append(row_of(merged))
    if any(values.get(pk) is None for values in values_list):
        raise ValueError(f"{model.__name__}: every record needs its primary key")
    ids: list[int] = [values[pk] for values in values_list]
    copy_values(model, attnames, rows)
    copy_history(model, ids, user=user, reason=reason, date=date)
    return ids


def insert_with_history(
    model: type[M], objs: Sequence[M], *, user: Any, reason: str, date: datetime
) -> Sequence[M]:
    """Insert new records and their "created" history rows (as bulk_create_with_history)."""
    if not objs:
        return objs
    if not is_postgres():
        return bulk_create_with_history(
            list(objs),
            model,
            batch_size=BATCH,
            default_user=user,
            default_change_reason=reason,
            default_date=date,
        )
    copy_insert(model, objs)
    copy_history(model, [obj.pk for obj in objs], user=user, reason=reason, date=date)
    return objs


def id_array(pks: Iterable[int]) -> str:
    """Primary keys as a PostgreSQL array literal, for `= ANY(%s::bigint[])`: psycopg adapts a
    Python list element by element in Python (0.45 s for the few hundred thousand ids of a
    100,000-row import's statements); the text is one join."""
    return "{" + ",".join(map(str, map(int, pks))) + "}"


def copy_history(
    model: type[Model], pks: Sequence[int], *, user: Any, reason: str, date: datetime
) -> None:
    """PostgreSQL: the "created" history rows of records just inserted, copied by the server
    from the rows themselves."""
    history = model.history.model  # type: ignore[attr-defined]  # simple-history adds `history`
    tracked = {f.attname for f in history.tracked_fields}
    fixed = {
        "history_date": date,
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": reason,
        "history_type": "+",
    }
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    unknown = [f.attname for f in fields if f.attname not in tracked and f.attname not in fixed]
    if unknown:  # a history field this helper does not know how to fill
        raise RuntimeError(f"unsupported history fields {unknown}")
    # The history rows are copied from the rows just written, by the server: the same values
    # as sending them again (bulk_create_with_history copies them from the instances), but
    # without formatting and parsing every column of every record a second time.
    # history_id is left to the database: nothing refers to these rows afterwards.
    from_obj = [f for f in fields if f.attname in tracked]
    fixed_fields = [f for f in fields if f.attname not in tracked]
    fixed_values = [fixed[f.attname] for f in fixed_fields]
    for i, f in enumerate(fixed_fields):
        if convert := _converter(f):
            fixed_values[i] = convert(fixed_values[i])
    source_column = {f.attname: f.column for f in model._meta.concrete_fields}
    quote = _connection().ops.quote_name
    targets = ", ".join(quote(f.column) for f in [*from_obj, *fixed_fields])
    sources = ", ".join(
        [quote(source_column[f.attname]) for f in from_obj] + ["%s"] * len(fixed_fields)
    )
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({targets}) "
        f"SELECT {sources} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} = ANY(%s::bigint[]) "
        f"ORDER BY {quote(model._meta.pk.column)}"
    )
    with _connection().cursor() as cursor:
        cursor.execute(sql, [*fixed_values, id_array(pks)])


def insert_derived(
    model: type[Model],
    values: Mapping[str, str],
    *,
    source: type[Model],
    pks: Sequence[int],
    where: str = "",
    params: Sequence[Any] = (),
) -> list[int]:
    """PostgreSQL: one record of `model` for each of the rows `pks` of `source` just written,
    made by the server (``INSERT … SELECT``) rather than built and sent row by row. `values`
    gives each of `model`'s columns (by attname) as an SQL expression over `source`'s columns,
    `%s` placeholders taking `params` in order; `where` narrows the rows (SQL, no
    placeholders). Returns the new primary keys, in the order of the source rows' keys."""
    if not pks:
        return []
    quote = _connection().ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    targets = ", ".join(quote(fields[name].column) for name in values)
    source_pk = quote(source._meta.pk.column)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({targets}) "
        f"SELECT {', '.join(values.values())} FROM {quote(source._meta.db_table)} "
        f"WHERE {source_pk} = ANY(%s::bigint[]){f' AND ({where})' if where else ''} "
        f"ORDER BY {source_pk} "
        f"RETURNING {quote(model._meta.pk.column)}"
    )
    with _connection().cursor() as cursor:
        cursor.execute(sql, [*params, id_array(pks)])
        return [row[0] for row in cursor.fetchall()]
