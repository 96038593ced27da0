"""The probabilistic record-linkage model for duplicate customers, in DuckDB.

Fellegi–Sunter: every candidate pair gets, per field, the level of agreement it shows (same
name, homophone, swapped given name, …); each level carries m = P(level | same person) and
u = P(level | different people); the match weight is log2 of the prior odds plus the sum of
log2(m/u). The m and u values are fixed priors kept here in code, not trained per run: a run is
then deterministic, takes no training time, and a dealer with 300 customers gets the same
model as one with 300,000 (docs/adr/0003-matching.md argues the choice, ADR 0010 the levels).

The name levels *are* the levels of `rules.identity.compare_names`, computed by that function
once per distinct pair of names (the identity rules are one function each, used by entry,
import and detection alike); the other levels are SQL over the features of `features.py`.

Blocking decides which pairs are compared at all (`BLOCKS`): any number the two records share
(mobile, landline, contact points), a mobile one digit or one swap away, the ID number, a VIN,
the name's fuzzy pinyin within a district or with the birth date, and the address key (road or
compound with building, or with room). Dealer runs compare records of the same dealer only;
the HQ run compares records of *different* dealers only (撞单).

What the identity rules call two people is never a candidate: `rules.identity.same_person`
decides on every pair above the threshold, and a `DIFFERENT` verdict (two valid ID numbers,
different names at one phone: a household, …) removes it. The weights are then calibrated
(`calibrated`), so that the probability shown is the share of such pairs that are one person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
import pyarrow as pa
from django.conf import settings

from autocrm.rules.identity import NameAgreement, PersonFacts, Verdict, compare_names, same_person

#: Pairs at or above this (calibrated) match probability become candidates for review.
THRESHOLD: float = getattr(settings, "MATCHING_THRESHOLD", 0.5)
#: Prior: expected duplicate pairs per record inside one dealer (the demo generator and the
#: field reports of domain.md §10 put it between 5 and 40 %; a low prior keeps precision).
DEALER_DUPLICATE_RATE: float = getattr(settings, "MATCHING_DEALER_DUPLICATE_RATE", 0.08)
#: Prior for the cross-dealer (HQ) run: the share of records also held by another dealer.
CROSS_DEALER_RATE: float = getattr(settings, "MATCHING_CROSS_DEALER_RATE", 0.01)
#: Calibration of the match weight (ADR 0010): probability = 1 / (1 + 2^-(SLOPE·w + OFFSET)),
#: fitted by logistic regression of the demo ground truth on the weights of every scored pair
#: of a 250,000-customer dealer (slope 0.96, offset -1.89 bits), rounded to the cautious side
#: because the generator makes no households: a pair of weight 0 shows 0.2, of 4 0.83, of 8
#: 0.98, so the queue's order and its figures say how sure the model is.
CALIBRATION_SLOPE: float = getattr(settings, "MATCHING_CALIBRATION_SLOPE", 0.9)
CALIBRATION_OFFSET: float = getattr(settings, "MATCHING_CALIBRATION_OFFSET", -2.0)
#: A blocking key held by more records than this says nothing (a big compound, a common name).
MAX_BLOCK: int = getattr(settings, "MATCHING_MAX_BLOCK", 40)

Mode = Literal["dealer", "hq"]


@dataclass(frozen=True)
class Level:
    """One agreement level of a comparison: the SQL that recognises it, its label, m and u."""

    code: str
    sql: str
    m: float | None = None
    u: float | None = None

    @property
    def weight(self) -> float:
        """log2(m/u): the evidence this level brings (0 for the null level)."""
        if self.m is None or self.u is None:
            return 0.0
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class Field:
    name: str
    levels: tuple[Level, ...]

    def gamma_sql(self) -> str:
        """CASE … END giving the level as Splink numbers it: -1 null, then from the last
        level (0) up to the first non-null one."""
        whens = []
        top = len(self.levels) - 1
        for index, level in enumerate(self.levels):
            value = -1 if level.m is None else top - index
            if level.sql == "ELSE":
                return "CASE " + " ".join(whens) + f" ELSE {value} END"
            whens.append(f"WHEN {level.sql} THEN {value}")
        return "CASE " + " ".join(whens) + " END"

    def weight_sql(self) -> str:
        top = len(self.levels) - 1
        cases = " ".join(
            f"WHEN {top - i} THEN {level.weight!r}"
            for i, level in enumerate(self.levels)
            if level.m is not None
        )
        return f"CASE gamma_{self.name} {cases} ELSE 0.0 END"

    def code_of(self, gamma: int) -> str:
        """The level code for a gamma value (-1 null, 0 the last level, …)."""
        if gamma == -1:
            return "null"
        return self.levels[len(self.levels) - 1 - gamma].code


def _name_level(agreement: NameAgreement, m: float, u: float) -> Level:
    return Level(agreement.name.lower(), f"name_level = {int(agreement)}", m, u)


# m: the generator's and the field's dirt rates (see ADR 0003); u: the chance that two different
# customers of one dealer agree this way (ADR 0003: measured once on a generated million).
FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        (
            Level("null", f"name_level = {int(NameAgreement.UNKNOWN)}"),
            _name_level(NameAgreement.EXACT, 0.60, 6e-5),
            _name_level(NameAgreement.SCRIPT, 0.01, 1e-6),
            _name_level(NameAgreement.SWAPPED, 0.08, 1e-5),
            _name_level(NameAgreement.HOMOPHONE, 0.15, 1e-5),
            _name_level(NameAgreement.SPELLING, 0.01, 1e-6),
            _name_level(NameAgreement.NEAR_SOUND, 0.02, 1e-4),
            # a placeholder (王先生) against the full name: how second entries often look
            _name_level(NameAgreement.SURNAME_ONLY, 0.08, 0.004),
            _name_level(NameAgreement.DIFFERENT_GIVEN, 0.03, 0.02),
            Level("different", "ELSE", 0.02, 0.976),
        ),
    ),
    Field(
        "mobile",
        (
            Level("null", "mobiles_l IS NULL OR mobiles_r IS NULL"),
            Level("exact", "mobile_l = mobile_r", 0.62, 3e-6),
            # another number in common: a second mobile, a contact point
            Level("shared", "len(list_intersect(mobiles_l, mobiles_r)) > 0", 0.06, 3e-6),
            Level(
                "typo",
                "list_bool_or(list_transform(mobiles_l, lambda x: list_bool_or(list_transform("
                "mobiles_r, lambda y: damerau_levenshtein(x, y) <= 1))))",
                0.28,
                3e-5,
            ),
            Level("different", "ELSE", 0.04, 0.999964),
        ),
    ),
    Field(
        "landline",
        (
            Level("null", "landlines_l IS NULL OR landlines_r IS NULL"),
            Level("exact", "len(list_intersect(landlines_l, landlines_r)) > 0", 0.5, 2e-5),
            # the same local number, one written without its area code
            Level(
                "same_local",
                "list_bool_or(list_transform(landlines_l, lambda x: list_bool_or(list_transform("
                "landlines_r, lambda y: right(x, 7) = right(y, 7)))))",
                0.1,
                5e-5,
            ),
            Level("different", "ELSE", 0.4, 0.99993),
        ),
    ),
    Field(
        "id_number",
        (
            Level("null", "id_number_l IS NULL OR id_number_r IS NULL"),
            Level("exact", "id_number_l = id_number_r", 0.97, 3e-6),
            Level("different", "ELSE", 0.03, 0.999997),
        ),
    ),
    Field(
        "vehicle",
        (
            Level("null", "vins_l IS NULL OR vins_r IS NULL"),
            Level("shared_vin", "len(list_intersect(vins_l, vins_r)) > 0", 0.6, 3e-6),
            Level("different", "ELSE", 0.4, 0.999997),
        ),
    ),
    Field(
        "address",
        (
            Level(
                "null",
                "(district_l IS NULL OR district_r IS NULL)"
                " AND (street_part_l IS NULL OR street_part_r IS NULL)",
            ),  # fmt: skip
            # the same home, however written (号 / 号院, 28栋1504 / 28-1504)
            Level(
                "exact",
                "street_part_l = street_part_r OR (addr_road_l = addr_road_r"
                " AND addr_building_l IS NOT DISTINCT FROM addr_building_r"
                " AND addr_unit_l IS NOT DISTINCT FROM addr_unit_r"
                " AND addr_room_l IS NOT DISTINCT FROM addr_room_r)",
                0.45,
                1e-4,
            ),
            # the same house, one side less detailed (28栋 / 28栋1504; no room)
            Level(
                "same_house",
                "(addr_road_l = addr_road_r AND coalesce(addr_building_l = addr_building_r, true)"
                " AND coalesce(addr_unit_l = addr_unit_r, true)"
                " AND coalesce(addr_room_l = addr_room_r, true))"
                " OR starts_with(street_part_l, street_part_r)"
                " OR starts_with(street_part_r, street_part_l)",
                0.2,
                2e-4,
            ),
            # the same road or compound, another building or room: neighbours, or a move
            Level("same_road", "addr_road_l = addr_road_r", 0.03, 2e-3),
            Level(
                "same_district",
                "district_l = district_r AND (street_part_l IS NULL OR street_part_r IS NULL)",
                0.2,
                0.05,
            ),
            Level("district_only", "district_l = district_r", 0.07, 0.1),
            Level("different", "ELSE", 0.05, 0.8447),
        ),
    ),
    Field(
        "birth_date",
        (
            Level("null", "birth_date_l IS NULL OR birth_date_r IS NULL"),
            Level("exact", "birth_date_l = birth_date_r", 0.95, 6e-5),
            Level("different", "ELSE", 0.05, 0.99994),
        ),
    ),
)

FIELD_NAMES = tuple(f.name for f in FIELDS)

#: The feature columns each side of a pair carries into the comparison.
PAIR_COLUMNS = (
    "dealer_id", "kind", "name", "plain_name", "fuzzy_surname", "title_gender", "gender",
    "mobile", "mobiles", "landlines", "id_number", "id_valid", "vins", "district",
    "street_part", "addr_road", "addr_building", "addr_unit", "addr_room", "birth_date",
)  # fmt: skip

#: Blocking keys: (name, SQL giving a list of keys per record, or one key, and whether the
#: group-size cap applies). Two records are compared when they share a key.
BLOCKS: tuple[tuple[str, str, bool], ...] = (
    ("phone", "list_concat(coalesce(mobiles, []), coalesce(landlines, []))", False),
    # one digit of a mobile masked (a substitution) or two neighbours (a swap)
    (
        "mobile_typo",
        "flatten(list_transform(coalesce(mobiles, []), lambda m: list_concat("
        "list_transform(range(4, 12), lambda i: substr(m, 1, i - 1) || '*'"
        " || substr(m, i + 1)), list_transform(range(4, 11), lambda i: substr(m, 1, i - 1)"
        " || '**' || substr(m, i + 2)))))",
        True,
    ),
    ("id", "[id_number]", False),
    ("vin", "coalesce(vins, [])", False),
    ("name_district", "[fuzzy_key || '|' || district]", True),
    ("name_birth", "[name_key || '|' || CAST(birth_date AS VARCHAR)]", True),
    (
        "name_mobile",
        "list_transform(coalesce(mobiles, []), lambda m: name_key || '|' || substr(m, 1, 7))",
        True,
    ),
    (
        "address",
        "[CASE WHEN addr_building IS NOT NULL THEN addr_road || '#' || addr_building"
        " WHEN addr_room IS NOT NULL THEN addr_road || '#' || addr_room END,"
        " CASE WHEN addr_room IS NOT NULL THEN addr_road || '#' || coalesce(addr_building, '')"
        " || '#' || addr_room END]",
        True,
    ),
)


def prior(records_by_dealer: list[int], mode: Mode) -> float:
    """P(two random compared records are the same person), from the dealer sizes."""
    if mode == "dealer":
        pairs = sum(n * (n - 1) / 2 for n in records_by_dealer)
        expected = DEALER_DUPLICATE_RATE * sum(records_by_dealer)
    else:
        total = sum(records_by_dealer)
        pairs = (total * total - sum(n * n for n in records_by_dealer)) / 2
        expected = CROSS_DEALER_RATE * total
    if pairs <= 0:
        return 1e-9
    return min(max(expected / pairs, 1e-12), 0.5)


def calibrated(weight: float) -> float:
    """The probability shown for a raw match weight (bits): sigmoid(SLOPE·w + OFFSET)."""
    bits = CALIBRATION_SLOPE * weight + CALIBRATION_OFFSET
    bits = min(max(bits, -60.0), 60.0)
    return 1.0 / (1.0 + 2.0 ** (-bits))


@dataclass
class Prediction:
    records: int
    pairs_compared: int
    candidates: int
    table: str  # DuckDB table with unique_id_l, unique_id_r, dealer_id_l/_r, probability, …


def _block_pairs(con: duckdb.DuckDBPyConnection, features: str, mode: Mode) -> None:
    """Create `blocked_pairs` (unique_id_l < unique_id_r): every pair sharing a key."""
    keys = " UNION ALL ".join(
        f"SELECT unique_id, dealer_id, '{name}:' || k AS k, {int(capped)} AS capped"
        f" FROM (SELECT unique_id, dealer_id, unnest({sql}) AS k FROM {features})"
        " WHERE k IS NOT NULL"
        for name, sql, capped in BLOCKS
    )
    group = "dealer_id, k" if mode == "dealer" else "k"
    dealers = "l.dealer_id = r.dealer_id" if mode == "dealer" else "l.dealer_id <> r.dealer_id"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE block_keys AS SELECT DISTINCT unique_id, dealer_id, k"
        f" FROM (SELECT *, count(*) OVER (PARTITION BY {group}) AS n FROM ({keys}))"
        f" WHERE n > 1 AND (capped = 0 OR n <= {MAX_BLOCK})"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE blocked_pairs AS SELECT DISTINCT"
        " l.unique_id AS unique_id_l, r.unique_id AS unique_id_r"
        " FROM block_keys l JOIN block_keys r ON l.k = r.k AND l.unique_id < r.unique_id"
        f" AND {dealers}"
    )
    con.execute("DROP TABLE block_keys")


def _name_levels(con: duckdb.DuckDBPyConnection) -> None:
    """Add `name_level` to `pairs`: compare_names' level, asked once per distinct pair of names
    it is not obvious for (the same name; two plain Chinese names of other surnames)."""
    con.execute(
        "ALTER TABLE pairs ADD COLUMN name_level INTEGER;"
        f" UPDATE pairs SET name_level = CASE"
        f" WHEN name_l = '' OR name_r = '' THEN {int(NameAgreement.UNKNOWN)}"
        f" WHEN name_l = name_r AND kind_l = kind_r THEN {int(NameAgreement.EXACT)}"
        f" WHEN plain_name_l AND plain_name_r AND kind_l = kind_r"
        f" AND fuzzy_surname_l <> fuzzy_surname_r THEN {int(NameAgreement.DIFFERENT)} END"
    )
    rows = con.execute(
        "SELECT DISTINCT name_l, kind_l, name_r, kind_r FROM pairs WHERE name_level IS NULL"
    ).fetchall()
    if not rows:
        return
    levels = pa.table(
        {
            "name_l": [r[0] for r in rows],
            "kind_l": [r[1] for r in rows],
            "name_r": [r[2] for r in rows],
            "kind_r": [r[3] for r in rows],
            "level": pa.array(
                [int(compare_names(a, b, kind_a=ka, kind_b=kb)) for a, ka, b, kb in rows],
                type=pa.int32(),
            ),
        }
    )
    con.register("name_levels", levels)
    con.execute(
        "UPDATE pairs SET name_level = n.level FROM name_levels n WHERE pairs.name_level IS NULL"
        " AND n.name_l = pairs.name_l AND n.kind_l = pairs.kind_l"
        " AND n.name_r = pairs.name_r AND n.kind_r = pairs.kind_r"
    )
    con.unregister("name_levels")


def _empty(con: duckdb.DuckDBPyConnection, out: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE {out} (unique_id_l BIGINT, unique_id_r BIGINT,"
        " dealer_id_l BIGINT, dealer_id_r BIGINT, match_weight DOUBLE,"
        " match_probability DOUBLE, "
        + ", ".join(f"gamma_{name} INTEGER" for name in FIELD_NAMES)
        + ")"
    )


def predict(
    con: duckdb.DuckDBPyConnection,
    *,
    mode: Mode,
    features: str = "customers",
    threshold: float | None = None,
    out: str = "candidates",
) -> Prediction:
    """Score the blocked pairs of the features table and keep those above the threshold that
    the identity rules do not call two people."""
    threshold = THRESHOLD if threshold is None else threshold
    sizes = [
        int(n)
        for (n,) in con.execute(
            f"SELECT count(*) FROM {features} GROUP BY dealer_id ORDER BY dealer_id"
        ).fetchall()
    ]
    records = sum(sizes)
    if records < 2 or (mode == "hq" and len(sizes) < 2):
        _empty(con, out)
        return Prediction(records, 0, 0, out)
    _block_pairs(con, features, mode)
    columns = ", ".join(
        f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in PAIR_COLUMNS
    )  # fmt: skip
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE pairs AS SELECT p.unique_id_l, p.unique_id_r, {columns}"
        f" FROM blocked_pairs p JOIN {features} l ON l.unique_id = p.unique_id_l"
        f" JOIN {features} r ON r.unique_id = p.unique_id_r"
    )
    con.execute("DROP TABLE blocked_pairs")
    pairs_compared = int(con.execute("SELECT count(*) FROM pairs").fetchall()[0][0])  # type: ignore[index]
    _name_levels(con)
    gammas = ", ".join(f"{f.gamma_sql()} AS gamma_{f.name}" for f in FIELDS)
    prior_bits = math.log2(prior(sizes, mode) / (1 - prior(sizes, mode)))
    weight = " + ".join(f.weight_sql() for f in FIELDS)
    minimum_bits = (_logit2(threshold) - CALIBRATION_OFFSET) / CALIBRATION_SLOPE
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE scored AS SELECT *, CAST({prior_bits!r} + {weight}"
        f" AS DOUBLE) AS match_weight FROM (SELECT *, {gammas} FROM pairs)"
    )
    con.execute("DROP TABLE pairs")
    con.execute(f"DELETE FROM scored WHERE match_weight < {minimum_bits!r}")
    kept = _identity_filter(con)  # noqa: F841  (registered as "kept" while it lives)
    gamma_columns = ", ".join(f"gamma_{name}" for name in FIELD_NAMES)
    bits = (
        f"least(greatest({CALIBRATION_SLOPE!r} * match_weight + {CALIBRATION_OFFSET!r}, -60), 60)"
    )
    con.execute(
        f"CREATE OR REPLACE TABLE {out} AS SELECT unique_id_l, unique_id_r, dealer_id_l,"
        f" dealer_id_r, match_weight, 1 / (1 + pow(2, -({bits}))) AS match_probability,"
        f" {gamma_columns} FROM scored JOIN kept USING (unique_id_l, unique_id_r)"
    )
    con.execute("DROP TABLE scored")
    con.unregister("kept")
    candidates = int(con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0])  # type: ignore[index]
    return Prediction(records, pairs_compared, candidates, out)


def _logit2(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def _facts(row: tuple[Any, ...], side: int) -> PersonFacts:
    """The identity facts of one side of a scored pair (see `_identity_filter`'s query)."""
    name, kind, id_number, id_valid, gender, birth, mobiles, landlines, vins = row[side : side + 9]
    return PersonFacts(
        name=name or "",
        kind=kind or "person",
        id_number=(id_number or "") if id_valid and kind != "organization" else "",
        gender=gender or "",
        birth_date=birth,
        mobiles=frozenset("+86" + m for m in mobiles or ()),
        landlines=frozenset(landlines or ()),
        vins=frozenset(vins or ()),
    )


_FACT_COLUMNS = ("name", "kind", "id_number", "id_valid", "gender", "birth_date", "mobiles")
_FACT_COLUMNS += ("landlines", "vins")


def _identity_filter(con: duckdb.DuckDBPyConnection) -> Any:
    """Register `kept`: the scored pairs `same_person` does not call two people."""
    select = (
        ", ".join(f"{c}_l" for c in _FACT_COLUMNS)
        + ", "
        + ", ".join(f"{c}_r" for c in _FACT_COLUMNS)
    )
    rows = con.execute(f"SELECT unique_id_l, unique_id_r, {select} FROM scored").fetchall()
    low, high = [], []
    width = len(_FACT_COLUMNS)
    for row in rows:
        decision = same_person(_facts(row, 2), _facts(row, 2 + width))
        if decision.verdict is not Verdict.DIFFERENT:
            low.append(row[0])
            high.append(row[1])
    kept = pa.table(
        {"unique_id_l": pa.array(low, pa.int64()), "unique_id_r": pa.array(high, pa.int64())}
    )
    con.register("kept", kept)
    return kept


def summary(gammas: dict[str, int]) -> dict[str, str]:
    """{"name": "homophone", "mobile": "typo", …} from the gamma columns of one pair."""
    by_name = {f.name: f for f in FIELDS}
    return {name: by_name[name].code_of(int(value)) for name, value in gammas.items()}


def match_weight_of(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))
