"""Feature extraction for duplicate detection: one streaming read of the customer table into an
Arrow table, then the comparison features computed set-based in DuckDB.

What the features must survive is what people do to a second record of the same person
(domain.md §2, and the demo generator's `autocrm/demo/duplicates.py`): a homophone in the given
name (芳 → 方), the two characters of the given name swapped (明小 for 小明), one mistyped digit
of the mobile, an address typed another way or cut short (广州市天河区 for the full address),
no ID number, the same car or another one, a copy at another dealer of the group.

* names → toneless pinyin (homophones collapse: 任芳敏 and 任方敏 are both "renfangmin") and a
  `name_key` of surname pinyin + the given name's syllables *sorted* (明小 and 小明 agree);
  placeholder names (王先生) keep only their surname;
* mobile → the 11-digit national number; placeholders (13800138000 …) and numbers shared by many
  records are dropped, they say nothing about identity;
* address → the part after the district, without spaces (so 广州天河区 天河路8号 and
  广东省广州市天河区天河路8号 agree), for exact / prefix comparison;
* vehicles → the list of the customer's VINs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection
from pypinyin import Style, lazy_pinyin

from autocrm.customers.models import Customer, Vehicle
from autocrm.rules.names import COMPOUND_SURNAMES, SURNAME_READINGS, is_placeholder_name
from autocrm.rules.phones import is_suspicious_mobile

#: A mobile / ID number shared by more records than this (inside one dealer) is a placeholder
#: or a fleet number, not an identity: it is left out of blocking and comparison.
MAX_SHARED_VALUE: int = getattr(settings, "MATCHING_MAX_SHARED_VALUE", 8)

RAW_COLUMNS = (
    "unique_id",
    "dealer_id",
    "kind",
    "name",
    "mobile",
    "id_number",
    "district",
    "address",
    "birth_date",
    "created_at",
    "vins",
)


def _raw_sql(dealer_id: int | None) -> tuple[str, list[Any]]:
    customer = Customer._meta.db_table
    vehicle = Vehicle._meta.db_table
    agg = "string_agg(vin, ' ')" if connection.vendor == "postgresql" else "group_concat(vin, ' ')"
    where, params = "c.merged_into_id IS NULL", []
    vehicle_where = ""
    if dealer_id is not None:
        where += " AND c.dealer_id = %s"
        vehicle_where = " WHERE dealer_id = %s"
        params = [dealer_id, dealer_id]
    sql = (
        "SELECT c.id, c.dealer_id, c.kind, c.name, c.mobile, c.id_number, c.district,"
        " c.address, c.birth_date, c.created_at, v.vins"
        f' FROM "{customer}" c LEFT JOIN (SELECT customer_id, {agg} AS vins FROM "{vehicle}"'
        f"{vehicle_where} GROUP BY customer_id) v ON v.customer_id = c.id"
        f" WHERE {where}"
    )
    return sql, params


def _rows_postgres(sql: str, params: list[Any]) -> pa.Table:
    """COPY (query) TO STDOUT as CSV, parsed by Arrow: the fastest way out of PostgreSQL."""
    import pyarrow.csv as pacsv

    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        query = raw.mogrify(sql, params) if params else sql
        with raw.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER false)") as copy:
            for block in copy:
                buffer.write(block)
    types = {name: pa.string() for name in RAW_COLUMNS}
    types["unique_id"] = types["dealer_id"] = pa.int64()
    if not buffer.tell():  # no customers: Arrow refuses an empty CSV file
        return pa.table(
            {name: pa.array([], type=t) for name, t in types.items()},
            schema=pa.schema(list(types.items())),
        )
    buffer.seek(0)
    return pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=list(RAW_COLUMNS)),
        convert_options=pacsv.ConvertOptions(
            column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )


def _rows_generic(sql: str, params: list[Any]) -> pa.Table:
    columns: list[list[Any]] = [[] for _ in RAW_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                for i, value in enumerate(row):
                    columns[i].append(None if value is None else value)
    data = {
        name: [None if v is None else (v if i < 2 else str(v)) for v in columns[i]]
        for i, name in enumerate(RAW_COLUMNS)
    }
    schema = pa.schema(
        [(n, pa.int64() if n in ("unique_id", "dealer_id") else pa.string()) for n in RAW_COLUMNS]
    )
    return pa.table(data, schema=schema)


def read_customers(*, dealer_id: int | None) -> pa.Table:
    """One query over the customer table (with each customer's VINs), streamed into Arrow.

    Merged records are left out; `dealer_id=None` reads every dealer (HQ).
    """
    sql, params = _raw_sql(dealer_id)
    if connection.vendor == "postgresql":
        return _rows_postgres(sql, params)
    return _rows_generic(sql, params)


# --- names -------------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def _syllables(text: str) -> tuple[str, ...]:
    return tuple(s.strip().lower() for s in lazy_pinyin(text, style=Style.NORMAL) if s.strip())


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese personal name; ("", "") when it is not one."""
    name = (name or "").strip()
    if len(name) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return "", ""
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return surname, name[len(surname) :]
    return name[0], name[1:]


def _surname_pinyin(surname: str) -> str:
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname].replace(" ", "")
    return "".join(_syllables(surname))


@lru_cache(maxsize=400_000)
def name_features(name: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(surname, name pinyin, name key, surname pinyin) of one name.

    The name key is the surname's pinyin, "|", then the given name's syllables sorted, so a
    homophone (芳/方) and a swapped given name (明小/小明) both give the key of the original.
    A placeholder name (王先生) keeps only its surname; a name that is not a Chinese personal
    name (a company) is compared as typed, without spaces.
    """
    cleaned = "".join((name or "").split())
    if not cleaned:
        return None, None, None, None
    surname, given = split_name(cleaned)
    if not surname:
        if is_placeholder_name(cleaned):
            return None, None, None, None
        lowered = cleaned.lower()
        return None, lowered, lowered, None
    surname_py = _surname_pinyin(surname)
    if is_placeholder_name(cleaned):
        return surname, None, None, surname_py
    given_syllables = _syllables(given)
    full = surname_py + "".join(given_syllables)
    key = surname_py + "|" + " ".join(sorted(given_syllables))
    return surname, full, key, surname_py


def add_name_columns(table: pa.Table) -> pa.Table:
    """Compute the name features once per distinct name and spread them back."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(table.column("name").combine_chunks())
    names = encoded.dictionary.to_pylist()
    computed = [name_features(n or "") for n in names]
    indices = encoded.indices
    out = table
    for position, column in enumerate(("surname", "name_py", "name_key", "surname_py")):
        values = pa.array([c[position] for c in computed], type=pa.string())
        out = out.append_column(column, pc.take(values, indices))
    return out


def _mobile_ok(e164: str | None) -> str | None:
    if not e164 or not e164.startswith("+86") or len(e164) != 14:
        return None
    return None if is_suspicious_mobile(e164) else e164[3:]


def add_mobile_column(table: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(table.column("mobile").combine_chunks())
    values = pa.array([_mobile_ok(m) for m in encoded.dictionary.to_pylist()], type=pa.string())
    return table.append_column("mobile_n", pc.take(values, encoded.indices))


#: The features table, built from the raw Arrow table inside DuckDB (set-based).
FEATURES_SQL = """
CREATE OR REPLACE TABLE {name} AS
WITH base AS (
    SELECT
        unique_id, dealer_id, kind, name, surname, name_py, name_key, surname_py,
        mobile_n,
        nullif(upper(trim(id_number)), '') AS id_n,
        nullif(trim(district), '') AS district,
        regexp_replace(coalesce(address, ''), '\\s+', '', 'g') AS addr,
        TRY_CAST(birth_date AS DATE) AS birth_date,
        TRY_CAST(created_at AS TIMESTAMP) AS created_at,
        CASE WHEN vins IS NULL OR vins = '' THEN NULL
             ELSE list_sort(list_distinct(string_split(upper(vins), ' '))) END AS vins
    FROM {raw}
)
SELECT
    unique_id, dealer_id, kind, name, surname, name_py, name_key, surname_py, district,
    birth_date, created_at, vins,
    vins[1] AS vin_first,
    CASE WHEN count(*) OVER (PARTITION BY dealer_id, mobile_n) > {max_shared}
         THEN NULL ELSE mobile_n END AS mobile,
    CASE WHEN count(*) OVER (PARTITION BY dealer_id, id_n) > {max_shared}
         THEN NULL ELSE id_n END AS id_number,
    addr AS address,
    nullif(
        CASE WHEN district IS NOT NULL AND strpos(addr, district) > 0
             THEN substr(addr, strpos(addr, district) + length(district))
             ELSE regexp_replace(addr, '^.*?(省|自治区)?.*?(市|州|盟)', '') END,
        ''
    ) AS street_part
FROM base
"""


def build_features(
    con: duckdb.DuckDBPyConnection, raw: pa.Table, *, name: str = "customers"
) -> int:
    """Register the raw rows in DuckDB and create the features table `name`; returns rows."""
    table = add_mobile_column(add_name_columns(raw))
    con.register("raw_customers", table)
    con.execute(FEATURES_SQL.format(name=name, raw="raw_customers", max_shared=MAX_SHARED_VALUE))
    con.unregister("raw_customers")
    return int(con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0])  # type: ignore[index]


def extract_features(
    con: duckdb.DuckDBPyConnection, *, dealer_id: int | None, name: str = "customers"
) -> int:
    """Read the customers of a dealer (or all, for HQ) and build their features in `con`."""
    return build_features(con, read_customers(dealer_id=dealer_id), name=name)


def rows_to_csv(rows: Iterable[tuple[Any, ...]]) -> io.StringIO:
    """Rows as CSV text (for COPY … FROM STDIN)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(rows)
    out.seek(0)
    return out
