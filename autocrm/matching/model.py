"""The probabilistic record-linkage model (Splink 5 on DuckDB) for duplicate customers.

Fellegi–Sunter: every candidate pair gets, per field, the level of agreement it shows (same
name, same pinyin, swapped given name, …); each level carries m = P(level | same person) and
u = P(level | different people); the match weight is log2 of the prior odds plus the sum of
log2(m/u). The m and u values are fixed priors kept here in code, not trained per run: a run is
then deterministic, takes no training time, and a dealer with 300 customers gets the same
model as one with 300,000 (docs/adr/0003-matching.md argues the choice and where the numbers
come from).

Blocking decides which pairs are compared at all: equal mobile, equal ID number, a shared VIN,
or the same name key (pinyin, given-name order ignored) together with the same district, birth
date, or the first seven / last four digits of the mobile. Dealer runs compare records of the
same dealer only; the HQ run compares records of *different* dealers only (撞单).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import duckdb
from django.conf import settings

#: Pairs at or above this match probability become candidates for review.
THRESHOLD: float = getattr(settings, "MATCHING_THRESHOLD", 0.9)
#: Two full names sharing no more than the surname (or differing) make a candidate only when
#: the ID numbers agree: a father and son with one phone and one address are two customers.
#: A placeholder (王先生, no name key) against a full name stays a candidate.
GUARD = (
    "(gamma_name NOT IN (0, 1) OR gamma_id_number = 1 OR name_key_l IS NULL OR name_key_r IS NULL)"
)
#: Prior: expected duplicate pairs per record inside one dealer (the demo generator and the
#: field reports of domain.md §10 put it between 5 and 40 %; a low prior keeps precision).
DEALER_DUPLICATE_RATE: float = getattr(settings, "MATCHING_DEALER_DUPLICATE_RATE", 0.08)
#: Prior for the cross-dealer (HQ) run: the share of records also held by another dealer.
CROSS_DEALER_RATE: float = getattr(settings, "MATCHING_CROSS_DEALER_RATE", 0.01)

Mode = Literal["dealer", "hq"]


@dataclass(frozen=True)
class Level:
    """One agreement level of a comparison: the SQL that recognises it, its label, m and u."""

    code: str
    sql: str
    m: float | None = None
    u: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sql_condition": self.sql, "label_for_charts": self.code}
        if self.m is None:
            out["is_null_level"] = True
        else:
            out["m_probability"] = self.m
            out["u_probability"] = self.u
        return out


@dataclass(frozen=True)
class Field:
    name: str
    levels: tuple[Level, ...]

    def as_comparison(self) -> dict[str, Any]:
        return {
            "output_column_name": self.name,
            "comparison_levels": [level.as_dict() for level in self.levels],
        }

    def code_of(self, gamma: int) -> str:
        """The level code for a Splink gamma value (-1 null, 0 the last level, …)."""
        if gamma == -1:
            return "null"
        return self.levels[len(self.levels) - 1 - gamma].code


# m: the generator's and the field's dirt rates (see ADR 0003); u: the chance that two different
# customers of one dealer agree this way, measured once on a generated million.
FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        (
            Level(
                "null",
                "(name_key_l IS NULL AND surname_l IS NULL)"
                " OR (name_key_r IS NULL AND surname_r IS NULL)",
            ),  # fmt: skip
            Level("exact", "name_l = name_r", 0.62, 6e-5),
            Level("same_pinyin", "name_py_l = name_py_r", 0.15, 1e-5),
            Level("swapped", "name_key_l = name_key_r", 0.08, 1e-5),
            Level("similar", "jaro_winkler_similarity(name_py_l, name_py_r) >= 0.92", 0.03, 2e-3),
            # One given-name syllable in common (王芳芳 / 王方): a re-typed given name.
            Level(
                "shared_given",
                "surname_py_l = surname_py_r AND len(list_intersect("
                "string_split(split_part(name_key_l, '|', 2), ' '),"
                " string_split(split_part(name_key_r, '|', 2), ' '))) > 0",
                0.08,
                4e-3,
            ),
            # Same surname only: mostly a placeholder (王先生) against the full name; between two
            # full names it is family members sharing a phone and an address (see GUARD).
            Level("same_surname", "surname_py_l = surname_py_r", 0.09, 0.02),
            Level("different", "ELSE", 0.03, 0.978),
        ),
    ),
    Field(
        "mobile",
        (
            Level("null", "mobile_l IS NULL OR mobile_r IS NULL"),
            Level("exact", "mobile_l = mobile_r", 0.68, 3e-6),
            Level("typo", "damerau_levenshtein(mobile_l, mobile_r) <= 1", 0.28, 3e-5),
            Level("different", "ELSE", 0.04, 0.999967),
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
            Level("exact", "street_part_l = street_part_r", 0.45, 1e-4),
            Level(
                "partial",
                "starts_with(street_part_l, street_part_r)"
                " OR starts_with(street_part_r, street_part_l)",
                0.2,
                2e-4,
            ),
            Level(
                "same_district",
                "district_l = district_r AND (street_part_l IS NULL OR street_part_r IS NULL)",
                0.22,
                0.05,
            ),
            Level("district_only", "district_l = district_r", 0.08, 0.1),
            Level("different", "ELSE", 0.05, 0.8497),
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


def blocking_rules(mode: Mode) -> list[Any]:
    """Which pairs are compared: equal mobile / ID / VIN, or the name key with one more key."""
    from splink.blocking_rule_library import CustomRule

    dealers = "l.dealer_id = r.dealer_id" if mode == "dealer" else "l.dealer_id <> r.dealer_id"
    rules = [
        "l.mobile = r.mobile",
        "l.id_number = r.id_number",
        "l.name_key = r.name_key AND l.district = r.district",
        "l.name_key = r.name_key AND l.birth_date = r.birth_date",
        "l.name_key = r.name_key AND substr(l.mobile, 1, 7) = substr(r.mobile, 1, 7)",
        "l.name_key = r.name_key AND substr(l.mobile, 8, 4) = substr(r.mobile, 8, 4)",
    ]
    out: list[Any] = [CustomRule(f"{rule} AND {dealers}") for rule in rules]
    out.insert(2, CustomRule(f"l.vins = r.vins AND {dealers}", arrays_to_explode=["vins"]))
    return out


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


def settings_dict(mode: Mode, probability: float) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": probability,
        "blocking_rules_to_generate_predictions": blocking_rules(mode),
        "comparisons": [f.as_comparison() for f in FIELDS],
        "retain_matching_columns": True,  # carries the gamma (level) columns
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": ["dealer_id"],
    }


@dataclass
class Prediction:
    records: int
    pairs_compared: int
    candidates: int
    table: str  # DuckDB table with unique_id_l, unique_id_r, dealer_id_l/_r, probability, …


def predict(
    con: duckdb.DuckDBPyConnection,
    *,
    mode: Mode,
    features: str = "customers",
    threshold: float | None = None,
    out: str = "candidates",
) -> Prediction:
    """Score the blocked pairs of the features table and keep those above the threshold."""
    from splink import DuckDBAPI, Linker

    threshold = THRESHOLD if threshold is None else threshold
    sizes = [
        int(n)
        for (n,) in con.execute(
            f"SELECT count(*) FROM {features} GROUP BY dealer_id ORDER BY dealer_id"
        ).fetchall()
    ]
    records = sum(sizes)
    empty = (
        f"CREATE OR REPLACE TABLE {out} (unique_id_l BIGINT, unique_id_r BIGINT,"
        " dealer_id_l BIGINT, dealer_id_r BIGINT, match_weight DOUBLE,"
        " match_probability DOUBLE, "
        + ", ".join(f"gamma_{name} INTEGER" for name in FIELD_NAMES)
        + ")"
    )
    if records < 2 or (mode == "hq" and len(sizes) < 2):
        con.execute(empty)
        return Prediction(records, 0, 0, out)
    db_api = DuckDBAPI(connection=con)
    frame = db_api.register(features)
    linker = Linker(frame, settings_dict(mode, prior(sizes, mode)), log_level=None)
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs_compared = int(
        con.execute(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]  # type: ignore[index]
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    gammas = ", ".join(f"gamma_{name}" for name in FIELD_NAMES)
    con.execute(
        f"CREATE OR REPLACE TABLE {out} AS SELECT unique_id_l, unique_id_r, dealer_id_l,"
        f" dealer_id_r, match_weight, match_probability, {gammas}"
        f" FROM {predictions.physical_name} WHERE {GUARD}"
    )
    candidates = int(con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0])  # type: ignore[index]
    predictions.drop_table_from_database_and_remove_from_cache()
    return Prediction(records, pairs_compared, candidates, out)


def summary(gammas: dict[str, int]) -> dict[str, str]:
    """{"name": "same_pinyin", "mobile": "typo", …} from the gamma columns of one pair."""
    by_name = {f.name: f for f in FIELDS}
    return {name: by_name[name].code_of(int(value)) for name, value in gammas.items()}


def match_weight_of(probability: float) -> float:
    probability = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(probability / (1 - probability))
