"""Best-value survivorship: when two records (or rows) become one, each field takes its best
value, not the first one seen (issue #12, part 4; domain.md §2, *Identity*).

Pure functions of values, used by the merge of duplicates and by the import alike. A record is
described by a `SurvivorRecord`: its values (the customer's field names), whether a
verification call confirmed it, whether its mobile was found wrong, and when it was last
updated. One function per rule:

* `verified_first`: a verified value over an unverified one;
* `best_name`: a real name over a placeholder (王先生, 客户1);
* `best_id_number`: a checksum-valid ID number over an invalid one or none;
* `best_address`: the more complete address (more of province … house number, building,
  unit, room);
* `best_mobile`: the newer mobile as the contact number; the others are kept (`kept_numbers`);
* `best_plain`: any other field: the verified record's, else the newer record's non-empty one.

`best_sources(records)` answers, per field group, which record's value wins (an index into
`records`); `best_values(records)` the winning values themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from autocrm.rules.address import address_key
from autocrm.rules.id_numbers import validate_id_number
from autocrm.rules.identity import name_parts
from autocrm.rules.names import is_placeholder_name

#: Fields that move together (an address is one choice; a mobile goes with its raw text).
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "gender": ("gender",),
    "birth_date": ("birth_date",),
    "id_number": ("id_type", "id_number"),
    "mobile": ("mobile", "mobile_raw", "mobile_flagged_wrong"),
    "landline": ("landline",),
    "email": ("email",),
    "address": ("address", "province", "city", "district", "street", "house_number", "postcode"),
    "employer": ("employer", "position"),
    "native_place": ("native_place",),
    "education": ("education",),
    "annual_income_band": ("annual_income_band",),
    "trade_relationship": ("trade_relationship",),
    "nature": ("nature",),
    "product_line": ("product_line",),
    "info_source": ("info_source",),
    "activity_level": ("activity_level",),
    "credit_rating": ("credit_rating",),
    "responsible_staff": ("responsible_staff",),
    "remarks": ("remarks",),
}

_EARLIEST = datetime.min


@dataclass(frozen=True)
class SurvivorRecord:
    """One record's values as survivorship sees them.

    `values` maps the customer's field names (those of `FIELD_GROUPS`) to values; a missing
    key or "" / None is an empty value. `verified` is a verification call's "verified" outcome
    (回访核实, seed 000); `updated_at` tells the newer record from the older.
    """

    values: Mapping[str, Any]
    verified: bool = False
    mobile_wrong: bool = False
    updated_at: datetime | None = None
    kind: str = "person"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.values.get(name)

    @property
    def when(self) -> datetime:
        value = self.updated_at or _EARLIEST
        return value.replace(tzinfo=None) if value.tzinfo else value


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _ranked(
    records: Sequence[SurvivorRecord], name: str, key: Callable[[SurvivorRecord], tuple[Any, ...]]
) -> int | None:
    """The index of the best record with a non-empty `name`: highest `key`, then the first."""
    best: tuple[tuple[Any, ...], int] | None = None
    for index, record in enumerate(records):
        if is_empty(record.get(name)):
            continue
        rank = (key(record), -index)
        if best is None or rank > best[0]:
            best = (rank, index)
    return None if best is None else best[1]


def verified_first(records: Sequence[SurvivorRecord], name: str) -> int | None:
    """A verified value over an unverified one; among equals, the newer record's.

    "a verified value over an unverified one" (issue #12, part 4).
    """
    return _ranked(records, name, lambda r: (r.verified, r.when))


def best_plain(records: Sequence[SurvivorRecord], name: str) -> int | None:
    """Any field without a rule of its own: the verified record's value, else the newer
    record's; an empty value never wins over a filled one."""
    return verified_first(records, name)


def best_name(records: Sequence[SurvivorRecord]) -> int | None:
    """A real name over a placeholder (王先生, 张女士, 客户1: `rules.names.is_placeholder_name`),
    then a placeholder that keeps a surname (王先生 over 客户1), then a verified one, then the
    newer.

    "a real name over a placeholder" (issue #12, part 4: a merge kept 张女士 over the name).
    """

    def rank(record: SurvivorRecord) -> tuple[Any, ...]:
        name = str(record.get("name"))
        with_surname = bool(name_parts(name, record.kind).surname)  # 王先生 over 客户1
        return (not is_placeholder_name(name), with_surname, record.verified, record.when)

    return _ranked(records, "name", rank)


def is_valid_id_number(value: str) -> bool:
    """A resident ID number with a valid check digit (and a real date and region)."""
    try:
        validate_id_number(value or "")
    except ValidationError:
        return False
    return True


def best_id_number(records: Sequence[SurvivorRecord]) -> int | None:
    """A checksum-valid ID over an invalid one or none; then a verified one, then the newer.

    "a checksum-valid ID over none" (issue #12, part 4). Two *different* valid IDs are two
    people (rules.identity): the caller never merges them; here the verified, newer one wins.
    """
    return _ranked(
        records,
        "id_number",
        lambda r: (is_valid_id_number(str(r.get("id_number"))), r.verified, r.when),
    )


ADDRESS_PARTS = ("province", "city", "district", "street", "house_number")


def address_completeness(values: Mapping[str, Any]) -> int:
    """How many parts of an address are known: province, city, district, street, house
    number (from the parsed columns), and a building, unit and room found in the text."""
    known = sum(1 for part in ADDRESS_PARTS if not is_empty(values.get(part)))
    key = address_key(str(values.get("address") or ""))
    known += sum(1 for part in (key.building, key.unit, key.room) if part)
    if not known and not is_empty(values.get("address")):
        known = 1
    return known


def best_address(records: Sequence[SurvivorRecord]) -> int | None:
    """The more complete address; on a tie a verified one, then the newer, then the longer.

    "the more complete address" (issue #12, part 4): 广州市天河区 loses to 广东省广州市天河区
    天河路385号 whatever the order of the records.
    """
    return _ranked(
        records,
        "address",
        lambda r: (
            address_completeness(r.values),
            r.verified,
            r.when,
            len(str(r.get("address"))),
        ),
    )


def best_mobile(records: Sequence[SurvivorRecord]) -> int | None:
    """The newer mobile as the contact number: a mobile found wrong loses, then a verified
    one wins, then the newer record's.

    "the newer mobile as the contact number, with the older one kept" (issue #12, part 4):
    `kept_numbers` lists the others, which the caller keeps as contact points.
    """
    return _ranked(
        records,
        "mobile",
        lambda r: (not (r.mobile_wrong or r.get("mobile_flagged_wrong")), r.verified, r.when),
    )


def kept_numbers(records: Sequence[SurvivorRecord], chosen: Mapping[str, int | None]) -> list[
    tuple[str, str]
]:  # fmt: skip
    """Every mobile and landline of the records that is not the chosen contact number, as
    (kind, number) in record order, without repeats: "every number ever seen is kept"."""
    mobile_at, landline_at = chosen.get("mobile"), chosen.get("landline")
    keep_mobile = records[mobile_at].get("mobile") if mobile_at is not None else None
    keep_landline = records[landline_at].get("landline") if landline_at is not None else None
    out: list[tuple[str, str]] = []
    for record in records:
        for kind, name, chosen_value in (
            ("mobile", "mobile", keep_mobile),
            ("landline", "landline", keep_landline),
        ):
            value = record.get(name)
            if is_empty(value) or value == chosen_value or (kind, value) in out:
                continue
            out.append((kind, str(value)))
    return out


_GROUP_RULES: dict[str, Callable[[Sequence[SurvivorRecord]], int | None]] = {
    "name": best_name,
    "id_number": best_id_number,
    "address": best_address,
    "mobile": best_mobile,
}


def best_sources(records: Sequence[SurvivorRecord]) -> dict[str, int | None]:
    """Per field group of `FIELD_GROUPS`, the index of the record whose value wins (None when
    every record leaves it empty)."""
    out: dict[str, int | None] = {}
    for group, names in FIELD_GROUPS.items():
        rule = _GROUP_RULES.get(group)
        out[group] = rule(records) if rule else best_plain(records, names[0])
    return out


def best_values(records: Sequence[SurvivorRecord]) -> dict[str, Any]:
    """The best value of every field of `FIELD_GROUPS` over `records` (a group's fields come
    from one record), plus "kept_numbers": the mobiles and landlines that did not win."""
    sources = best_sources(records)
    out: dict[str, Any] = {}
    for group, names in FIELD_GROUPS.items():
        index = sources[group]
        for name in names:
            out[name] = records[index].get(name) if index is not None else None
    out["kept_numbers"] = kept_numbers(records, sources)
    return out
