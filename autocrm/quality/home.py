"""The workbench cards of data quality: a person's own figures, trend and records to fix (the
whole dealer's for customer relations and managers), and the dealers' figures for HQ."""

from __future__ import annotations

import json
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest

from autocrm.customers.models import Customer
from autocrm.customers.presenters import display_mobile, personal_value
from autocrm.quality.models import QualitySnapshot
from autocrm.quality.report_selectors import latest_snapshot_averages, quality_trend
from autocrm.quality.selectors import quality_by_dealer, quality_summary, records_to_fix
from autocrm.rules.issue_messages import issue_message
from autocrm.tenancy.roles import Role

TEAM_ROLES = {Role.MANAGER, Role.GENERAL_MANAGER, Role.CUSTOMER_RELATIONS}


def _active() -> Any:
    return Customer.objects.filter(is_active=True, merged_into__isnull=True)


def hq_card_context(request: HttpRequest) -> dict[str, Any] | None:
    """HQ: average quality per dealer (no personal data)."""
    if not request.user.is_hq:
        return None
    return {"by_dealer": quality_by_dealer(_active())}


def dealer_card_context(request: HttpRequest) -> dict[str, Any] | None:
    """Dealer staff: the records they answer for (the whole dealer's for the team roles)."""
    user: Any = request.user
    if user.is_hq:
        return None
    active = _active()
    mine = active.filter(responsible_staff=user)
    team = user.role in TEAM_ROLES
    scope_qs = active if team else mine
    to_fix = [
        {
            "customer": c,
            "mobile": display_mobile(personal_value(user, c, "mobile")),
            "issues": [
                issue_message(i["code"])
                for i in c.quality_issues
                if i["field"] in ("name", "mobile", "address", "vehicles")
            ][:3],
        }
        for c in records_to_fix(scope_qs, limit=12)
    ]
    key = f"home-figures:{user.dealer_id}:{'team' if team else user.pk}"
    figures = cache.get(key)
    if figures is None:  # one pass over the records each (400k at a large dealer)
        figures = {"mine": quality_summary(scope_qs)}
        if team:
            figures["dealer"] = figures["mine"]
        else:  # last night's snapshot when there is one: no scan of the whole dealer
            figures["dealer"] = latest_snapshot_averages(
                QualitySnapshot.objects.all()
            ) or quality_summary(active)
        cache.set(key, figures, 60)
    distribution = figures["mine"]["distribution"]
    snapshots = QualitySnapshot.objects.all()
    if not team:
        snapshots = snapshots.filter(staff=user)
    trend = quality_trend(snapshots)[-12:]
    total = sum(distribution["accuracy"].values())
    return {
        "team_view": team,
        "total": total,
        "distribution": distribution,
        "good_share": round(100 * distribution["accuracy"]["good"] / total) if total else 0,
        "complete_share": round(100 * distribution["completeness"]["good"] / total) if total else 0,
        "to_fix": to_fix,
        "averages": figures,
        "trend_chart": json.dumps(
            {
                "months": [t["month"] for t in trend],
                "accuracy": [t["accuracy"] for t in trend],
                "completeness": [t["completeness"] for t in trend],
            }
        ),
        "has_trend": bool(trend),
    }
