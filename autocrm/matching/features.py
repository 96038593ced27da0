"""Feature extraction for duplicate detection: one streaming read of the customer table into an
Arrow table, then the comparison features computed set-based in DuckDB.

What the features must survive is what people do to a second record of the same person
(domain.md §2, issue #12, and the demo generator's `autocrm/demo/duplicates.py`): a homophone
in the given name (芳 → 方), the given name swapped (明小 for 小明), traditional characters, a
pinyin spelling, a placeholder (王先生), one mistyped digit of the mobile, a second number, an
address typed another way or cut short (号 / 号院, 28栋1504 / 28-1504), no ID number, the same
car or another one, a copy at another dealer of the group.

* names → the parts `rules.identity.name_parts` sees (the detection compares names with
  `rules.identity.compare_names` itself, see model.py): a `name_key` of surname pinyin + the
  given name's syllables sorted, and a `fuzzy_key` of the same under fuzzy pinyin (林/凌),
  for blocking;
* phones → every number the record holds: the mobile, the landline and every contact point
  (`customers.ContactPoint`), 11-digit mobiles and landline digits without the trunk 0;
  placeholders (13800138000 …) and numbers shared by many records are dropped, they say
  nothing about identity;
* address → the part after the district, without spaces, and its key (`address_key`: road or
  compound, building, unit, room);
* ID number → upper case, with whether its check digit is right;
* vehicles → the list of the customer's VINs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection

from autocrm.customers.models import ContactPoint, Customer, Vehicle
from autocrm.rules.address import address_key
from autocrm.rules.id_numbers import id_check_digit
from autocrm.rules.identity import (
    fuzzy_syllable,
    name_parts,
    split_chinese_name,
    surname_syllables,
    syllables,
)
from autocrm.rules.names import COMPOUND_SURNAMES, is_organization_name, is_placeholder_name
from autocrm.rules.phones import is_suspicious_mobile
from autocrm.rules.text import to_simplified

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
    "gender",
    "landline",
    "numbers",
)


def _raw_sql(dealer_id: int | None) -> tuple[str, list[Any]]:
    customer = Customer._meta.db_table
    vehicle = Vehicle._meta.db_table
    point = ContactPoint._meta.db_table
    postgres = connection.vendor == "postgresql"
    vins = "string_agg(vin, ' ')" if postgres else "group_concat(vin, ' ')"
    numbers = "string_agg(number, ' ')" if postgres else "group_concat(number, ' ')"
    where, params = "c.merged_into_id IS NULL", []
    child_where = ""
    if dealer_id is not None:
        where += " AND c.dealer_id = %s"
        child_where = " WHERE dealer_id = %s"
        params = [dealer_id, dealer_id, dealer_id]
    sql = (
        "SELECT c.id, c.dealer_id, c.kind, c.name, c.mobile, c.id_number, c.district,"
        " c.address, c.birth_date, c.created_at, v.vins, c.gender, c.landline, p.numbers"
        f' FROM "{customer}" c LEFT JOIN (SELECT customer_id, {vins} AS vins FROM "{vehicle}"'
        f"{child_where} GROUP BY customer_id) v ON v.customer_id = c.id"
        f' LEFT JOIN (SELECT customer_id, {numbers} AS numbers FROM "{point}"'
        f"{child_where} GROUP BY customer_id) p ON p.customer_id = c.id"
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


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese personal name; ("", "") when it is not one."""
    return split_chinese_name(name)


#: The per-record name columns, in order (`name_columns`).
NAME_COLUMNS = ("name_key", "fuzzy_key", "fuzzy_surname", "plain_name", "title_gender")


@lru_cache(maxsize=400_000)
def name_columns(
    name: str, kind: str = "person"
) -> tuple[str | None, str | None, str | None, bool, str]:
    """(name key, fuzzy key, fuzzy surname, plain Chinese name, title's gender) of one name.

    The name key is the surname's pinyin, "|", then the given name's syllables sorted, so a
    homophone (芳/方) and a swapped given name (明小/小明) both give the key of the original;
    the fuzzy key is the same under fuzzy pinyin (林/凌). Both serve blocking only: the
    comparison is `compare_names`. A placeholder (王先生) has no key; "plain" is a Chinese
    personal name that is neither a placeholder, a spelling nor an organization's (two plain
    names of fuzzy-different surnames are `DIFFERENT` without asking `compare_names`).
    """
    parts = name_parts(name or "", kind or "person")
    if parts.organization or parts.placeholder or parts.latin or not parts.surname:
        fuzzy_surname = "".join(fuzzy_syllable(s) for s in parts.surname) or None
        return None, None, fuzzy_surname, False, parts.title_gender
    surname = "".join(parts.surname)
    fuzzy_surname = "".join(fuzzy_syllable(s) for s in parts.surname)
    key = surname + "|" + " ".join(sorted(parts.given))
    fuzzy = fuzzy_surname + "|" + " ".join(sorted(fuzzy_syllable(s) for s in parts.given))
    return key, fuzzy, fuzzy_surname, True, ""


_PLAIN_HAN_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_COMPOUND = frozenset(COMPOUND_SURNAMES)


def _plain_name_columns(name: str) -> tuple[str | None, str | None, str | None, bool, str] | None:
    """`name_columns` of a name already in simplified characters, 2-4 Chinese characters,
    neither a placeholder nor an organization's, without parsing it in full (most names of a
    dealer are such); None for any other name."""
    if not _PLAIN_HAN_RE.match(name) or is_placeholder_name(name):
        return None
    if len(name) >= 4 and is_organization_name(name):
        return None
    surname = name[:2] if name[:2] in _COMPOUND and len(name) > 2 else name[0]
    surname_syllables_ = surname_syllables(surname)
    given = syllables(name[len(surname) :])
    fuzzy_surname = "".join(fuzzy_syllable(s) for s in surname_syllables_)
    key = "".join(surname_syllables_) + "|" + " ".join(sorted(given))
    fuzzy = fuzzy_surname + "|" + " ".join(sorted(fuzzy_syllable(s) for s in given))
    return key, fuzzy, fuzzy_surname, True, ""


def add_name_columns(table: pa.Table) -> pa.Table:
    """Compute the name columns once per distinct (name, kind) and spread them back.

    The distinct names are put into simplified characters in one OpenCC call; a plain Chinese
    name that the conversion leaves as it is takes the short way (`_plain_name_columns`, the
    same result as `name_columns`: tests compare them), any other the full parse."""
    import pyarrow.compute as pc

    combined = pc.binary_join_element_wise(
        pc.fill_null(table.column("kind"), "person"),
        pc.fill_null(table.column("name"), ""),
        "\x1f",
    )
    encoded = pc.dictionary_encode(_chunk(combined))
    values = encoded.dictionary.to_pylist()
    pairs = [v.split("\x1f", 1) for v in values]
    names = [name.replace("\n", " ") for _kind, name in pairs]
    simplified = to_simplified("\n".join(names)).split("\n") if names else []
    if len(simplified) != len(names):  # a conversion that changed the line count: one by one
        simplified = [to_simplified(n) for n in names]
    computed = []
    for (kind, name), plain in zip(pairs, simplified, strict=True):
        fast = _plain_name_columns(name) if kind != "organization" and plain == name else None
        computed.append(fast or name_columns(name, kind))
    out = table
    for position, column in enumerate(NAME_COLUMNS):
        kind = pa.bool_() if column == "plain_name" else pa.string()
        column_values = pa.array([c[position] for c in computed], type=kind)
        out = out.append_column(column, pc.take(column_values, encoded.indices))
    return out


def _chunk(values: Any) -> Any:
    return values.combine_chunks() if hasattr(values, "combine_chunks") else values


# --- phones ------------------------------------------------------------------------------------


def _mobile_ok(e164: str | None) -> str | None:
    if not e164 or not e164.startswith("+86") or len(e164) != 14:
        return None
    return None if is_suspicious_mobile(e164) else e164[3:]


def _landline_digits(value: str) -> str | None:
    """A landline as its national digits without the trunk 0 (2012345678), however written."""
    text = (value or "").split(";", 1)[0]
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.strip().startswith("+86") or (digits.startswith("86") and len(digits) >= 11):
        digits = digits[2:]
    digits = digits.lstrip("0")
    return digits if len(digits) >= 7 else None


@lru_cache(maxsize=200_000)
def phone_numbers(
    mobile: str, landline: str, numbers: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(mobiles, landlines) of a record: its mobile first, then every contact point's."""
    mobiles: list[str] = []
    landlines: list[str] = []
    first = _mobile_ok(mobile)
    if first:
        mobiles.append(first)
    line = _landline_digits(landline)
    if line:
        landlines.append(line)
    for number in (numbers or "").split():
        as_mobile = _mobile_ok(number) if number.startswith("+861") else None
        if as_mobile:
            if as_mobile not in mobiles:
                mobiles.append(as_mobile)
        elif not number.startswith("+861"):
            digits = _landline_digits(number)
            if digits and digits not in landlines:
                landlines.append(digits)
    return tuple(mobiles), tuple(landlines)


def add_phone_columns(table: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    parts = [pc.fill_null(table.column(n), "") for n in ("mobile", "landline", "numbers")]
    combined = pc.binary_join_element_wise(*parts, "\x1f")
    encoded = pc.dictionary_encode(_chunk(combined))
    computed = [phone_numbers(*v.split("\x1f")) for v in encoded.dictionary.to_pylist()]
    list_type = pa.list_(pa.string())
    out = table
    for position, column in enumerate(("mobiles_all", "landlines_all")):
        values = pa.array([list(c[position]) or None for c in computed], type=list_type)
        out = out.append_column(column, pc.take(values, encoded.indices))
    return out


# --- addresses and ID numbers ------------------------------------------------------------------

ADDRESS_COLUMNS = ("addr_road", "addr_building", "addr_unit", "addr_room")


def add_address_columns(table: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    combined = pc.binary_join_element_wise(
        pc.fill_null(table.column("address"), ""),
        pc.fill_null(table.column("district"), ""),
        "\x1f",
    )
    encoded = pc.dictionary_encode(_chunk(combined))
    # the district column only told the interim key where the street starts: the parser
    # finds the district in the text itself (today's name, 宝安县 as 宝安区)
    keys = [address_key(v.split("\x1f")[0]) for v in encoded.dictionary.to_pylist()]
    out = table
    for column, attr in zip(
        ADDRESS_COLUMNS, ("road_or_compound", "building", "unit", "room"), strict=True
    ):
        values = pa.array([getattr(k, attr) or None for k in keys], type=pa.string())
        out = out.append_column(column, pc.take(values, encoded.indices))
    return out


def id_number_valid(value: str | None) -> bool:
    """An 18-character resident ID whose check digit is right (two different valid IDs are two
    people: `rules.identity.same_person`)."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return id_check_digit(value[:17]) == value[17]


def add_id_column(table: pa.Table) -> pa.Table:
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(pc.fill_null(table.column("id_number"), "").combine_chunks())
    values = pa.array([id_number_valid(v) for v in encoded.dictionary.to_pylist()], pa.bool_())
    return table.append_column("id_valid", pc.take(values, encoded.indices))


#: The features table, built from the raw Arrow table inside DuckDB (set-based).
FEATURES_SQL = """
CREATE OR REPLACE TABLE {name} AS
WITH base AS (
    SELECT
        unique_id, dealer_id, coalesce(kind, 'person') AS kind, coalesce(name, '') AS name,
        name_key, fuzzy_key, fuzzy_surname, plain_name, nullif(title_gender, '') AS title_gender,
        nullif(gender, '') AS gender,
        mobiles_all, landlines_all, addr_road, addr_building, addr_unit, addr_room,
        nullif(upper(trim(id_number)), '') AS id_n, id_valid,
        nullif(trim(district), '') AS district,
        regexp_replace(coalesce(address, ''), '\\s+', '', 'g') AS addr,
        TRY_CAST(birth_date AS DATE) AS birth_date,
        TRY_CAST(created_at AS TIMESTAMP) AS created_at,
        CASE WHEN vins IS NULL OR vins = '' THEN NULL
             ELSE list_sort(list_distinct(string_split(upper(vins), ' '))) END AS vins
    FROM {raw}
),
shared AS (  -- numbers held by more than {max_shared} records of a dealer are no evidence
    SELECT dealer_id, number FROM (
        SELECT DISTINCT dealer_id, unique_id, unnest(list_concat(
            coalesce(mobiles_all, []), coalesce(landlines_all, []))) AS number FROM base
    ) GROUP BY dealer_id, number HAVING count(*) > {max_shared}
),
phones AS (
    SELECT b.unique_id,
        list_filter(b.mobiles_all, lambda x: NOT list_contains(coalesce(s.numbers, []), x))
            AS mobiles,
        list_filter(b.landlines_all, lambda x: NOT list_contains(coalesce(s.numbers, []), x))
            AS landlines
    FROM base b LEFT JOIN (
        SELECT s.dealer_id, u.unique_id, list(s.number) AS numbers
        FROM shared s JOIN (
            SELECT DISTINCT dealer_id, unique_id, unnest(list_concat(
                coalesce(mobiles_all, []), coalesce(landlines_all, []))) AS number FROM base
        ) u ON u.dealer_id = s.dealer_id AND u.number = s.number
        GROUP BY s.dealer_id, u.unique_id
    ) s ON s.unique_id = b.unique_id
)
SELECT
    b.unique_id, b.dealer_id, b.kind, b.name, b.name_key, b.fuzzy_key, b.fuzzy_surname,
    b.plain_name, b.title_gender, b.gender, b.district, b.birth_date, b.created_at, b.vins,
    nullif(p.mobiles, []) AS mobiles,
    nullif(p.landlines, []) AS landlines,
    nullif(p.mobiles, [])[1] AS mobile,
    nullif(p.landlines, [])[1] AS landline,
    CASE WHEN count(*) OVER (PARTITION BY b.dealer_id, b.id_n) > {max_shared}
         THEN NULL ELSE b.id_n END AS id_number,
    b.id_valid AND b.id_n IS NOT NULL AS id_valid,
    b.addr AS address,
    nullif(
        CASE WHEN b.district IS NOT NULL AND strpos(b.addr, b.district) > 0
             THEN substr(b.addr, strpos(b.addr, b.district) + length(b.district))
             ELSE regexp_replace(b.addr, '^.*?(省|自治区)?.*?(市|州|盟)', '') END,
        ''
    ) AS street_part,
    b.addr_road, b.addr_building, b.addr_unit, b.addr_room
FROM base b JOIN phones p ON p.unique_id = b.unique_id
"""


def build_features(
    con: duckdb.DuckDBPyConnection, raw: pa.Table, *, name: str = "customers"
) -> int:
    """Register the raw rows in DuckDB and create the features table `name`; returns rows."""
    table = add_id_column(add_address_columns(add_phone_columns(add_name_columns(raw))))
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
