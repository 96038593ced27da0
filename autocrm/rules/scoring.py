"""Accuracy and completeness of one customer profile (seed 000, domain.md §2).

Pure functions over a snapshot, so the entry services, the import and the demo generator all
score a record with exactly the same rules. Weights and level bounds come from
`settings.QUALITY`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from autocrm.rules.address import Address, parse_address
from autocrm.rules.names import is_placeholder_name
from autocrm.rules.phones import is_suspicious_mobile

MISSING = "missing"
DOUBTFUL = "doubtful"
#: A value an import could not accept, kept on the record as written (to be corrected).
REJECTED = "rejected"


@dataclass(frozen=True)
class VehicleFacts:
    vin: str
    purchase_date: date | None
    bought_here: bool


@dataclass(frozen=True)
class CustomerFacts:
    """What the quality rules need to know about one customer."""

    kind: str  # "person" | "organization"
    name: str
    mobile: str  # E.164 or ""
    mobile_flagged_wrong: bool
    address: str
    province: str
    dealer_province: str
    id_region_province: str  # province of the ID card's place of registration, "" if unknown
    is_prospect: bool  # a potential customer: no vehicle expected yet
    vehicles: tuple[VehicleFacts, ...]
    hobby_count: int
    activity_level: str
    has_follow_up_result: bool
    has_event_participation: bool
    has_referral: bool
    last_verified_at: datetime | None = None
    updated_at: datetime | None = None
    #: `parse_address(address)` when the caller already has it (saves parsing it again).
    parsed_address: Address | None = None
    #: The fields of the values an import could not accept (`Customer.rejected_values`).
    rejected_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class QualityIssue:
    field: str
    kind: str  # MISSING | DOUBTFUL
    code: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "kind": self.kind, "code": self.code}


@dataclass(frozen=True)
class QualityResult:
    accuracy_score: int
    completeness_score: int
    accuracy_level: str
    completeness_level: str
    issues: tuple[QualityIssue, ...] = field(default_factory=tuple)


def check_name(facts: CustomerFacts) -> QualityIssue | None:
    """Accuracy: the name must be correct (seed 000) — not empty, not "王先生" or "test"."""
    name = facts.name.strip()
    if not name:
        return QualityIssue("name", MISSING, "name_missing")
    if facts.kind == "organization":
        if len(name) < 4:
            return QualityIssue("name", DOUBTFUL, "name_placeholder")
        return None
    if is_placeholder_name(name):
        return QualityIssue("name", DOUBTFUL, "name_placeholder")
    return None


def check_mobile(facts: CustomerFacts) -> QualityIssue | None:
    """Accuracy: the mobile phone must be correct (seed 000).

    Missing, a number a verification call found wrong, or a well-known fake number staff type
    to get past a required field are all not accurate.
    """
    if not facts.mobile:
        return QualityIssue("mobile", MISSING, "mobile_missing")
    if facts.mobile_flagged_wrong:
        return QualityIssue("mobile", DOUBTFUL, "mobile_wrong")
    if is_suspicious_mobile(facts.mobile):
        return QualityIssue("mobile", DOUBTFUL, "mobile_suspicious")
    return None


def check_address(facts: CustomerFacts) -> QualityIssue | None:
    """Accuracy: the address must be correct down to the house number (seed 000).

    Staff copy the ID card's address instead of where the customer lives (seed 000): an
    address in another province than the dealer is doubtful, and when it is the ID card's
    province of registration it is most likely such a copy.
    """
    if not facts.address.strip():
        return QualityIssue("address", MISSING, "address_missing")
    parsed = facts.parsed_address or parse_address(
        facts.address, near_province=facts.dealer_province
    )
    if parsed.missing_parts():
        return QualityIssue("address", MISSING, "address_incomplete")
    province = facts.province or parsed.province
    if facts.dealer_province and province and not _same_province(province, facts.dealer_province):
        if facts.id_region_province and _same_province(province, facts.id_region_province):
            return QualityIssue("address", DOUBTFUL, "address_id_card_copy")
        return QualityIssue("address", DOUBTFUL, "address_out_of_area")
    return None


def check_vehicles(facts: CustomerFacts) -> QualityIssue | None:
    """Accuracy: vehicle purchase records must be correct (seed 000).

    A current customer must have a vehicle; a vehicle bought here must have its purchase date.
    Not applicable to a prospect (returns None; `accuracy_checks` skips it).
    """
    if not facts.vehicles:
        return QualityIssue("vehicles", MISSING, "vehicle_missing")
    for vehicle in facts.vehicles:
        if vehicle.bought_here and vehicle.purchase_date is None:
            return QualityIssue("vehicles", MISSING, "purchase_date_missing")
    return None


def check_stale(facts: CustomerFacts, *, now: datetime, stale_after_days: int) -> bool:
    """Data goes stale (seed 000): neither verified nor updated within the stale period."""
    last = max((t for t in (facts.last_verified_at, facts.updated_at) if t), default=None)
    return last is not None and now - last > timedelta(days=stale_after_days)


def check_rejected_values(facts: CustomerFacts) -> list[QualityIssue]:
    """Nothing lost on import (issue #12): a value an import could not accept is left out of
    its field and kept as written; each such field is flagged until someone corrects it."""
    return [_rejected(name) for name in dict.fromkeys(facts.rejected_fields)]


@functools.cache
def _rejected(field_name: str) -> QualityIssue:
    return QualityIssue(field_name, REJECTED, "value_rejected")


def completeness_checks(facts: CustomerFacts) -> dict[str, bool]:
    """Completeness (seed 000): hobbies/interests, activity level, follow-up results, event
    participation, referrals."""
    return {
        "interests": facts.hobby_count > 0,
        "activity_level": bool(facts.activity_level),
        "follow_up_results": facts.has_follow_up_result,
        "event_participation": facts.has_event_participation,
        "referrals": facts.has_referral,
    }


def quality_level(score: int, *, good: int, fair: int) -> str:
    """At or above `good` is good, at or above `fair` is fair, below is poor (our default)."""
    if score >= good:
        return "good"
    if score >= fair:
        return "fair"
    return "poor"


@functools.cache
def _missing(field_name: str) -> QualityIssue:
    return QualityIssue(field_name, MISSING, f"{field_name}_missing")


def score_customer(
    facts: CustomerFacts, *, config: Mapping[str, Any], now: datetime | None = None
) -> QualityResult:
    """Score one record: accuracy and completeness 0–100 and the issues found."""
    issues: list[QualityIssue] = []
    acc_weights: Mapping[str, int] = config["ACCURACY_WEIGHTS"]
    checks = {
        "name": check_name(facts),
        "mobile": check_mobile(facts),
        "address": check_address(facts),
    }
    if not facts.is_prospect or facts.vehicles:
        checks["vehicles"] = check_vehicles(facts)
    applicable = sum(acc_weights[k] for k in checks)
    passed = sum(acc_weights[k] for k, issue in checks.items() if issue is None)
    issues.extend(issue for issue in checks.values() if issue is not None)
    accuracy = round(100 * passed / applicable) if applicable else 0

    comp_weights: Mapping[str, int] = config["COMPLETENESS_WEIGHTS"]
    present = completeness_checks(facts)
    comp_total = sum(comp_weights.values())
    completeness = round(100 * sum(comp_weights[k] for k, ok in present.items() if ok) / comp_total)
    issues.extend(_missing(k) for k, ok in present.items() if not ok)

    issues.extend(check_rejected_values(facts))

    if now is not None and check_stale(facts, now=now, stale_after_days=config["STALE_AFTER_DAYS"]):
        issues.append(QualityIssue("record", DOUBTFUL, "record_stale"))

    good, fair = config["LEVEL_GOOD"], config["LEVEL_FAIR"]
    return QualityResult(
        accuracy_score=accuracy,
        completeness_score=completeness,
        accuracy_level=quality_level(accuracy, good=good, fair=fair),
        completeness_level=quality_level(completeness, good=good, fair=fair),
        issues=tuple(issues),
    )


def _same_province(a: str, b: str) -> bool:
    """广东省 == 广东, 北京市 == 北京, 内蒙古自治区 == 内蒙古."""
    return a[:2] == b[:2]


def score_values(result: QualityResult) -> dict[str, Any]:
    """A scoring result as the values of a record's stored quality fields."""
    return {
        "accuracy_score": result.accuracy_score,
        "completeness_score": result.completeness_score,
        "accuracy_level": result.accuracy_level,
        "completeness_level": result.completeness_level,
        "quality_issues": [issue.as_dict() for issue in result.issues],
    }


#: The stored results of scoring a record.
SCORE_FIELDS = tuple(score_values(QualityResult(0, 0, "", "")))
