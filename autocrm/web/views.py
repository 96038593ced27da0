"""The workbench (home page): the signed-in person's records and what to fix next."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from autocrm.customers.models import Customer
from autocrm.customers.presenters import display_mobile, personal_value
from autocrm.quality.messages import issue_message
from autocrm.quality.models import QualitySnapshot
from autocrm.quality.report_selectors import latest_snapshot_averages, quality_trend
from autocrm.quality.selectors import quality_by_dealer, quality_summary, records_to_fix
from autocrm.tenancy.roles import Role

TEAM_ROLES = {Role.MANAGER, Role.GENERAL_MANAGER, Role.CUSTOMER_RELATIONS}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    active = Customer.objects.filter(is_active=True, merged_into__isnull=True)
    if user.is_hq:
        return render(
            request,
            "web/home_hq.html",
            {"by_dealer": quality_by_dealer(active), "nav_active": "home"},
        )
    mine = active.filter(responsible_staff=user)
    scope_qs = active if user.role in TEAM_ROLES else mine
    fix = records_to_fix(scope_qs, limit=12)
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
        for c in fix
    ]
    team = user.role in TEAM_ROLES
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
    context = {
        "team_view": user.role in TEAM_ROLES,
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
        "nav_active": "home",
    }
    return render(request, "web/home.html", context)
