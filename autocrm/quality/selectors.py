"""Quality figures: level distributions and per-person / per-dealer averages."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from autocrm.customers.models import Customer

LEVELS = ("good", "fair", "poor")


def quality_by_staff(qs: QuerySet[Customer]) -> list[dict[str, Any]]:
    """Per responsible employee (seed 000: responsibility for every record)."""
    rows = (
        qs.values(
            "responsible_staff_id",
            "responsible_staff__display_name",
            "responsible_staff__username",
            "responsible_staff__department",
        )
        .annotate(
            n=Count("id"),
            accuracy=Avg("accuracy_score"),
            completeness=Avg("completeness_score"),
            poor=Count("id", filter=Q(accuracy_level="poor")),
            good=Count("id", filter=Q(accuracy_level="good")),
        )
        .order_by("accuracy")
    )
    return [
        {
            "staff_id": r["responsible_staff_id"],
            "name": r["responsible_staff__display_name"] or r["responsible_staff__username"] or "—",
            "department": r["responsible_staff__department"] or "",
            "n": r["n"],
            "accuracy": round(r["accuracy"] or 0, 1),
            "completeness": round(r["completeness"] or 0, 1),
            "poor": r["poor"],
            "good": r["good"],
            "accuracy_sum": (r["accuracy"] or 0) * r["n"],
            "completeness_sum": (r["completeness"] or 0) * r["n"],
        }
        for r in rows
    ]


def quality_by_dealer(qs: QuerySet[Customer]) -> list[dict[str, Any]]:
    """Per dealer, for HQ: figures only, no person."""
    rows = (
        qs.values("dealer_id", "dealer__name", "dealer__brand")
        .annotate(
            n=Count("id"),
            accuracy=Avg("accuracy_score"),
            completeness=Avg("completeness_score"),
            good=Count("id", filter=Q(accuracy_level="good")),
        )
        .order_by("dealer__name")
    )
    return [
        {
            "dealer": r["dealer__name"],
            "brand": r["dealer__brand"],
            "n": r["n"],
            "accuracy": round(r["accuracy"] or 0, 1),
            "completeness": round(r["completeness"] or 0, 1),
            "good_share": round(100 * r["good"] / r["n"], 1) if r["n"] else 0.0,
        }
        for r in rows
    ]


def records_to_fix(qs: QuerySet[Customer], *, limit: int = 10) -> list[Customer]:
    """The weakest records first: what a person should correct next."""
    return list(qs.filter(accuracy_level="poor").order_by("accuracy_score", "-id")[:limit])


def quality_summary(qs: QuerySet[Customer]) -> dict[str, Any]:
    """Level counts and average scores in one pass over the records."""
    agg = qs.aggregate(
        accuracy_avg=Avg("accuracy_score"),
        completeness_avg=Avg("completeness_score"),
        **{f"a_{lv}": Count("id", filter=Q(accuracy_level=lv)) for lv in LEVELS},
        **{f"c_{lv}": Count("id", filter=Q(completeness_level=lv)) for lv in LEVELS},
    )
    return {
        "distribution": {
            "accuracy": {lv: agg[f"a_{lv}"] for lv in LEVELS},
            "completeness": {lv: agg[f"c_{lv}"] for lv in LEVELS},
        },
        "accuracy": round(agg["accuracy_avg"] or 0, 1),
        "completeness": round(agg["completeness_avg"] or 0, 1),
    }
