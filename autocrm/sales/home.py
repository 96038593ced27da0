"""The workbench cards of sales: a consultant's work of the day (leads waiting on their clock,
calls and visits due, opportunities without a next step) and the sales director's overview
(funnel, forecast against the month's target, pending lost requests, team activity)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from autocrm.rules.sales import STAGE_ORDER
from autocrm.sales import charts, selectors
from autocrm.sales.funnel import forecast, funnel
from autocrm.sales.models import STAGE_CHOICES
from autocrm.sales.policies import sees_whole_team
from autocrm.tenancy.models import Dealer
from autocrm.tenancy.roles import Role


def _month_bounds(today: Any) -> tuple[Any, Any]:
    start = today.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


def _waiting(user: Any, now: Any, *, near_only: bool = False) -> list[dict[str, Any]]:
    return [
        {"lead": lead, "state": selectors.clock_state(lead, now)}
        for lead in selectors.leads_on_the_clock(user, near_only=near_only, now=now)
    ]


def consultant_card_context(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if getattr(user, "is_hq", False) or user.role != Role.SALES_CONSULTANT:
        return None
    now = timezone.now()
    return {
        "now": now,
        "waiting": _waiting(user, now),
        "plans": selectors.plans_of_day(user),
        "needing_plan": selectors.opportunities_needing_a_plan(user, now=now)[:20],
    }


def director_card_context(request: HttpRequest) -> dict[str, Any] | None:
    user: Any = request.user
    if getattr(user, "is_hq", False) or not sees_whole_team(user):
        return None
    now = timezone.now()
    today = timezone.localdate(now)
    start, end = _month_bounds(today)
    dealer_ids = [user.dealer_id]
    shape = funnel(dealer_ids, start=today - timedelta(days=90), end=today)
    month = forecast(dealer_ids, start=start, end=end, group_by="series")
    labels = dict(STAGE_CHOICES)
    chart = charts.bar(
        [str(labels[s.value]) for s in STAGE_ORDER[:-1]],
        [(str(_("Open opportunities")), [row.open_count for row in shape.stages[:-1]])],
        horizontal=True,
    )
    total = month.total
    expected = total.won_units + float(total.weighted_units)
    return {
        "now": now,
        "funnel": shape,
        "funnel_chart": charts.dumps(chart),
        "forecast": month,
        "expected_units": round(expected, 1),
        "target_share": round(100 * expected / total.target_units) if total.target_units else None,
        "pending": selectors.pending_lost_requests(user)[:10],
        "team": selectors.team_activity(user, now=now),
        "waiting": _waiting(user, now, near_only=True),
        "unassigned": selectors.unassigned_leads(user),
        "needing_plan_count": len(selectors.opportunities_needing_a_plan(user, now=now)),
    }


def hq_card_context(request: HttpRequest) -> dict[str, Any] | None:
    """HQ: the month's forecast and won cars per dealer (aggregates, no personal data)."""
    user: Any = request.user
    if not getattr(user, "is_hq", False):
        return None
    today = timezone.localdate()
    start, end = _month_bounds(today)
    dealer_ids = list(Dealer.objects.values_list("pk", flat=True))
    month = forecast(dealer_ids, start=start, end=end, group_by="dealer")
    return {"forecast": month, "month": start}
