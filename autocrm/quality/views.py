"""Data-quality overview: which records are wrong or incomplete, and whose they are."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from autocrm.customers.models import Customer
from autocrm.quality.selectors import level_distribution, quality_by_dealer, quality_by_staff
from autocrm.tenancy.roles import Department


def _chart(distribution: dict[str, int]) -> str:
    labels = {"good": _("Good"), "fair": _("Fair"), "poor": _("Poor")}
    colors = {"good": "#2e9d5b", "fair": "#e6a700", "poor": "#d64545"}
    return json.dumps(
        [
            {"name": str(labels[k]), "value": v, "itemStyle": {"color": colors[k]}}
            for k, v in distribution.items()
            if v
        ],
        ensure_ascii=False,
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = Customer.objects.filter(is_active=True)
    key = f"quality-overview:{user.dealer_id or 'hq'}:{get_language()}"
    data = cache.get(key)
    if data is None:
        distribution = level_distribution(qs)
        data = {
            "distribution": distribution,
            "by_dealer": quality_by_dealer(qs) if user.is_hq else [],
            "by_staff": [] if user.is_hq else quality_by_staff(qs),
        }
        cache.set(key, data, 60)
    departments = dict(Department.choices)
    for row in data["by_staff"]:
        row["department_label"] = departments.get(row["department"], "")
    total = sum(data["distribution"]["accuracy"].values())
    context = {
        **data,
        "total": total,
        "accuracy_chart": _chart(data["distribution"]["accuracy"]),
        "completeness_chart": _chart(data["distribution"]["completeness"]),
        "nav_active": "quality",
    }
    return render(request, "quality/overview.html", context)
