"""The figures of the lost-sale audit (战败审核): per consultant, how many lost requests the
director rejected, and how many approved lost sales a verification call found still
winnable (主观战败: leads written off without real cause)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q

from autocrm.sales.models import WINNABLE_RESULTS, CallResult, LostDecision, LostRequest
from autocrm.tenancy.models import Staff


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def lost_audit_by_consultant(dealer_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """Requests filed from `start` to `end`: decided, rejected and the rejection rate; calls
    made on the approved ones, found winnable, and that rate; per consultant, then the team."""
    rows = (
        LostRequest.objects.filter(
            dealer_id=dealer_id, requested_at__date__gte=start, requested_at__date__lte=end
        )
        .values("requested_by_id")
        .annotate(
            filed=Count("id"),
            decided=Count("id", filter=~Q(decision=LostDecision.PENDING)),
            rejected=Count("id", filter=Q(decision=LostDecision.REJECTED)),
            called=Count(
                "id",
                filter=Q(called_at__isnull=False) & ~Q(call_result=CallResult.NOT_REACHED),
            ),
            winnable=Count("id", filter=Q(call_result__in=list(WINNABLE_RESULTS))),
        )
    )
    staff = {s.pk: s for s in Staff.objects.filter(dealer_id=dealer_id)}
    out: list[dict[str, Any]] = []
    totals = dict.fromkeys(("filed", "decided", "rejected", "called", "winnable"), 0)
    for row in rows:
        counts: dict[str, int] = {k: int(row[k]) for k in totals}  # type: ignore[literal-required]
        for key in totals:
            totals[key] += counts[key]
        out.append(
            {
                "consultant": staff.get(row["requested_by_id"]),
                **counts,
                "rejection_rate": _rate(counts["rejected"], counts["decided"]),
                "winnable_rate": _rate(counts["winnable"], counts["called"]),
            }
        )
    out.sort(key=lambda r: -(r["rejection_rate"] or 0))
    out.append(
        {
            "consultant": None,
            **totals,
            "rejection_rate": _rate(totals["rejected"], totals["decided"]),
            "winnable_rate": _rate(totals["winnable"], totals["called"]),
        }
    )
    return out
