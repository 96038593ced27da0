"""Quality reports: per department, per marketing channel and the monthly trend."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from autocrm.customers.models import Customer
from autocrm.quality.channels import CHANNELS, channel_bounds, usability_level
from autocrm.quality.models import QualitySnapshot
from autocrm.quality.selectors import report_pass


def departments_from_staff(by_staff: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Average scores, accurate share and poor records per department of the responsible
    employee, summed from `quality_by_staff` rows (no second scan of the records)."""
    groups: dict[str, dict[str, float]] = {}
    for r in by_staff:
        g = groups.setdefault(r["department"], dict.fromkeys(("n", "a", "c", "good", "poor"), 0))
        g["n"] += r["n"]
        g["a"] += r["accuracy_sum"]
        g["c"] += r["completeness_sum"]
        g["good"] += r["good"]
        g["poor"] += r["poor"]
    return [
        {
            "department": dep,
            "n": int(g["n"]),
            "accuracy": round(g["a"] / g["n"], 1) if g["n"] else 0.0,
            "completeness": round(g["c"] / g["n"], 1) if g["n"] else 0.0,
            "good_share": round(100 * g["good"] / g["n"], 1) if g["n"] else 0.0,
            "poor": int(g["poor"]),
        }
        for dep, g in sorted(groups.items())
    ]


def channel_usability(qs: QuerySet[Customer]) -> dict[str, Any]:
    """Share of records usable per channel, with the seed's poor / fair / good verdict."""
    return channels_of(report_pass(qs))


def channels_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """`channel_usability` from `report_pass` rows (summed over their groups)."""
    counts = {c.key: sum(r[f"ch_{c.key}"] for r in rows) for c in CHANNELS}
    total = sum(r["n"] for r in rows)
    bounds = channel_bounds()
    rows = []
    for channel in CHANNELS:
        share = round(100 * counts[channel.key] / total, 1) if total else 0.0
        low, high = bounds[channel.key]
        rows.append(
            {
                "key": channel.key,
                "label": str(channel.label),
                "rule": str(channel.rule),
                "count": counts[channel.key],
                "share": share,
                "low": low,
                "high": high,
                "level": usability_level(share, (low, high)),
            }
        )
    return {"total": total, "channels": rows}


def quality_trend(snapshots: QuerySet[QualitySnapshot]) -> list[dict[str, Any]]:
    """Per month: records, average accuracy and completeness, accurate share."""
    rows = (
        snapshots.values("month")
        .annotate(
            records=Sum("records"),
            accuracy_sum=Sum("accuracy_sum"),
            completeness_sum=Sum("completeness_sum"),
            good=Sum("accuracy_good"),
            reconstructed=Count("id", filter=Q(reconstructed=True)),
        )
        .order_by("month")
    )
    out = []
    for r in rows:
        n = r["records"] or 0
        out.append(
            {
                "month": r["month"].strftime("%Y-%m"),
                "records": n,
                "accuracy": round(r["accuracy_sum"] / n, 1) if n else 0.0,
                "completeness": round(r["completeness_sum"] / n, 1) if n else 0.0,
                "good_share": round(100 * r["good"] / n, 1) if n else 0.0,
                "reconstructed": bool(r["reconstructed"]),
            }
        )
    return out


def latest_snapshot_averages(snapshots: QuerySet[QualitySnapshot]) -> dict[str, float] | None:
    """Average scores of the latest snapshot month (cheap: one row per employee), or None."""
    latest = snapshots.filter(reconstructed=False).order_by("-month").values("month").first()
    if latest is None:
        return None
    agg = snapshots.filter(month=latest["month"]).aggregate(
        n=Sum("records"), a=Sum("accuracy_sum"), c=Sum("completeness_sum")
    )
    if not agg["n"]:
        return None
    return {
        "accuracy": round(agg["a"] / agg["n"], 1),
        "completeness": round(agg["c"] / agg["n"], 1),
    }
