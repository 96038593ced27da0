"""Quality reports: which records are wrong or incomplete, whose they are, the monthly trend
and what the data is good for per marketing channel."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from autocrm.customers.models import Customer
from autocrm.quality.models import QualitySnapshot
from autocrm.quality.policies import can_view_team_quality
from autocrm.quality.report_selectors import channels_of, departments_from_staff, quality_trend
from autocrm.quality.selectors import dealer_rows, distribution_of, report_pass, staff_rows
from autocrm.tenancy.roles import Department

LEVEL_COLORS = {"good": "#2e9d5b", "fair": "#e6a700", "poor": "#d64545"}


def _chart(distribution: dict[str, int]) -> str:
    labels = {"good": _("Good"), "fair": _("Fair"), "poor": _("Poor")}
    return json.dumps(
        [
            {"name": str(labels[k]), "value": v, "itemStyle": {"color": LEVEL_COLORS[k]}}
            for k, v in distribution.items()
            if v
        ],
        ensure_ascii=False,
    )


def _report(user) -> dict:
    team = can_view_team_quality(user)
    qs = Customer.objects.filter(is_active=True, merged_into__isnull=True)
    snapshots = QualitySnapshot.objects.all()
    if not team:  # everyone else sees their own records only
        qs = qs.filter(responsible_staff=user)
        snapshots = snapshots.filter(staff=user)
    hq = user.is_hq
    # every figure from one pass over the records, grouped as the report shows them
    by = "dealer_id" if hq else "responsible_staff_id" if team else None
    rows = report_pass(qs, by)
    by_staff = staff_rows(rows) if by == "responsible_staff_id" else []
    return {
        "team": team,
        "distribution": distribution_of(rows),
        "by_dealer": dealer_rows(rows) if hq else [],
        "by_staff": by_staff,
        "by_department": departments_from_staff(by_staff),
        "channels": channels_of(rows),
        "trend": quality_trend(snapshots),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    team = can_view_team_quality(user)
    key = f"quality-report:{user.dealer_id or 'hq'}:{'team' if team else user.pk}:{get_language()}"
    data = cache.get(key)
    if data is None:
        data = _report(user)
        cache.set(key, data, 60)
    departments = dict(Department.choices)
    for row in data["by_staff"] + data["by_department"]:
        row["department_label"] = departments.get(row["department"], "") or _("Unassigned")
    total = sum(data["distribution"]["accuracy"].values())
    trend = data["trend"]
    context = {
        **data,
        "total": total,
        "accuracy_chart": _chart(data["distribution"]["accuracy"]),
        "completeness_chart": _chart(data["distribution"]["completeness"]),
        "channel_chart": json.dumps(
            {
                "labels": [c["label"] for c in data["channels"]["channels"]],
                "share": [
                    {"value": c["share"], "itemStyle": {"color": LEVEL_COLORS[c["level"]]}}
                    for c in data["channels"]["channels"]
                ],
                "low": [c["low"] for c in data["channels"]["channels"]],
                "high": [c["high"] for c in data["channels"]["channels"]],
                "names": [_("Usable share"), _("Fair from"), _("Good from")],
            },
            ensure_ascii=False,
        ),
        "trend_chart": json.dumps(
            {
                "months": [t["month"] for t in trend],
                "accuracy": [t["accuracy"] for t in trend],
                "completeness": [t["completeness"] for t in trend],
                "good_share": [t["good_share"] for t in trend],
                "names": [_("Average accuracy"), _("Average completeness"), _("Accurate records")],
            },
            ensure_ascii=False,
        ),
        "trend_reconstructed": any(t["reconstructed"] for t in trend),
        "nav_active": "quality",
    }
    return render(request, "quality/overview.html", context)
