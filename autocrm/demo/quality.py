"""Quality columns of generated customers, scored with the project's own rules.

`autocrm.rules.scoring.score_customer` parses the address with `parse_address`, about half a
millisecond a call: far too slow for a million rows. So each record is mapped to a *canonical*
`CustomerFacts` that the same rules judge identically, and scores are cached per canonical facts:

* name, mobile, address and staleness: the project's `check_name`, `check_mobile`,
  `check_address` and `check_stale` run on the record (the address check cached per *address
  key*, see below) and the field is replaced by a representative value with the same outcome;
* vehicles: the VIN and the purchase date itself do not matter, only whether there is one.

The address key is the address without the building/room part that follows the house number,
with every digit run replaced by "8" (the address grammar treats all digit runs alike); the
generator builds it from the parts it generated. The tests re-score stored rows through
`autocrm.quality.refresh.quality_refresh` and compare, and check that parsing
an address and its key gives the same missing parts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from typing import Any

from autocrm.rules.regions import id_region_province
from autocrm.rules.scoring import (
    CustomerFacts,
    VehicleFacts,
    check_address,
    check_mobile,
    check_name,
    check_stale,
    score_customer,
)

_DIGIT_RUNS = re.compile(r"\d+")
_SOME_DATE = date(2020, 1, 1)
#: Representative names per (kind, issue code of check_name).
_NAMES = {
    ("person", None): "张伟",
    ("person", "name_missing"): "",
    ("person", "name_placeholder"): "王先生",
    ("organization", None): "广州市鑫盛贸易有限公司",
    ("organization", "name_missing"): "",
    ("organization", "name_placeholder"): "鑫盛",
}
#: Representative mobiles per issue code of check_mobile.
_MOBILES = {
    None: "+8613912345678",
    "mobile_missing": "",
    "mobile_wrong": "+8613912345678",
    "mobile_suspicious": "+8613800138000",
}
#: Representative (address, province, dealer province, ID province) per check_address code.
_ADDRESSES: dict[str | None, tuple[str, str, str, str]] = {
    None: ("广东省广州市天河区天河路8号", "广东省", "广东省", ""),
    "address_missing": ("", "", "广东省", ""),
    "address_incomplete": ("广州市天河区", "广东省", "广东省", ""),
    "address_id_card_copy": ("湖南省衡阳市衡阳县人民路8号", "湖南省", "广东省", "湖南省"),
    "address_out_of_area": ("湖南省衡阳市衡阳县人民路8号", "湖南省", "广东省", ""),
}

#: (accuracy, completeness, accuracy level, completeness level, issues as JSON text)
Scores = tuple[int, int, str, str, str]


def address_key(text: str, rest: str = "") -> str:
    """The address without its trailing building/room part, digit runs replaced by "8"."""
    if rest and text.endswith(rest):
        text = text[: -len(rest)]
    return _DIGIT_RUNS.sub("8", text)


class QualityScorer:
    """Scores generated records; one instance per generator run (it caches)."""

    def __init__(self, config: Mapping[str, Any], now: datetime) -> None:
        self.config = config
        self.now = now
        self.stale_days = int(config["STALE_AFTER_DAYS"])
        self.cache: dict[CustomerFacts, Scores] = {}
        self.address_codes: dict[tuple[str, str, str, str], str | None] = {}
        self.updated = {
            stale: now - timedelta(days=self.stale_days + 1 if stale else 1)
            for stale in (False, True)
        }

    def _address_code(self, facts: CustomerFacts, key: str) -> str | None:
        cache_key = (key, facts.province, facts.dealer_province, facts.id_region_province)
        if cache_key not in self.address_codes:
            issue = check_address(replace(facts, address=key))
            self.address_codes[cache_key] = issue.code if issue else None
        return self.address_codes[cache_key]

    def canonical(self, facts: CustomerFacts, key: str) -> CustomerFacts:
        name_issue = check_name(facts)
        mobile_issue = check_mobile(facts)
        address, province, dealer_province, id_province_ = _ADDRESSES[
            self._address_code(facts, key)
        ]
        stale = check_stale(facts, now=self.now, stale_after_days=self.stale_days)
        return CustomerFacts(
            kind=facts.kind,
            name=_NAMES[facts.kind, name_issue.code if name_issue else None],
            mobile=_MOBILES[mobile_issue.code if mobile_issue else None],
            mobile_flagged_wrong=facts.mobile_flagged_wrong,
            address=address,
            province=province,
            dealer_province=dealer_province,
            id_region_province=id_province_,
            is_prospect=facts.is_prospect,
            vehicles=tuple(
                VehicleFacts("", _SOME_DATE if v.purchase_date else None, v.bought_here)
                for v in facts.vehicles
            ),
            hobby_count=facts.hobby_count,
            activity_level=facts.activity_level,
            has_follow_up_result=facts.has_follow_up_result,
            has_event_participation=facts.has_event_participation,
            has_referral=facts.has_referral,
            last_verified_at=None,
            updated_at=self.updated[stale],
        )

    def score(self, facts: CustomerFacts, key: str) -> Scores:
        """Scores of `facts`; `key` is `address_key` of its address."""
        canonical = self.canonical(facts, key)
        scores = self.cache.get(canonical)
        if scores is None:
            result = score_customer(canonical, config=self.config, now=self.now)
            issues = json.dumps([issue.as_dict() for issue in result.issues])
            scores = (
                result.accuracy_score,
                result.completeness_score,
                result.accuracy_level,
                result.completeness_level,
                issues,
            )
            self.cache[canonical] = scores
        return scores


_KNOWN_FACTS = {
    "kind",
    "name",
    "mobile",
    "mobile_flagged_wrong",
    "address",
    "province",
    "dealer_province",
    "id_region_province",
    "is_prospect",
    "vehicles",
    "hobby_count",
    "activity_level",
    "has_follow_up_result",
    "has_event_participation",
    "has_referral",
    "last_verified_at",
    "updated_at",
    "parsed_address",  # a cache of parse_address(address): no outcome of its own
    "rejected_fields",  # values an import could not accept: the generator writes none
}


def check_representatives() -> None:
    """Fail loudly if the representatives no longer give their outcome or the facts changed
    (then `QualityScorer.canonical` must learn about it)."""
    assert {f.name for f in fields(CustomerFacts)} == _KNOWN_FACTS, "CustomerFacts changed"
    base = CustomerFacts(
        "person", "", "", False, "", "", "", "", False, (), 0, "", False, False, False
    )
    for (kind, code), name in _NAMES.items():
        issue = check_name(replace(base, kind=kind, name=name))
        assert (issue.code if issue else None) == code, (kind, name)
    for code, mobile in _MOBILES.items():
        issue = check_mobile(
            replace(base, mobile=mobile, mobile_flagged_wrong=code == "mobile_wrong")
        )
        assert (issue.code if issue else None) == code, mobile
    for code, (address, province, dealer, id_prov) in _ADDRESSES.items():
        facts = replace(
            base,
            address=address,
            province=province,
            dealer_province=dealer,
            id_region_province=id_prov,
        )
        issue = check_address(facts)
        assert (issue.code if issue else None) == code, address


_ID_PROVINCES: dict[str, str] = {}


def id_province(id_number: str) -> str:
    """`id_region_province` of the project, cached on what it depends on: the region code and
    the birth year (the first 10 characters of a well-formed number)."""
    if len(id_number) != 18:
        return id_region_province(id_number)
    province = _ID_PROVINCES.get(id_number[:10])
    if province is None:
        province = _ID_PROVINCES[id_number[:10]] = id_region_province(id_number)
    return province
