"""The customer page's sales panel: the customer's opportunities and leads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from autocrm.sales.models import Lead, Opportunity
from autocrm.sales.policies import can_receive_leads, can_use_sales, can_work_opportunity


def customer_panel_context(request: HttpRequest, customer: Any) -> dict[str, Any] | None:
    user: Any = request.user
    if getattr(user, "is_hq", False) or user.dealer_id != customer.dealer_id:
        return None
    opportunities = list(
        Opportunity.objects.filter(dealer_id=customer.dealer_id, customer_id=customer.pk)
        .select_related("series", "consultant", "lost_reason")
        .order_by("-created_at")[:20]
    )
    leads = list(
        Lead.objects.filter(dealer_id=customer.dealer_id, customer_id=customer.pk)
        .select_related("series", "consultant")
        .order_by("-received_at")[:20]
    )
    if not opportunities and not leads and not can_use_sales(user):
        return None
    rows = [
        {"o": o, "linked": can_work_opportunity(user, consultant_id=o.consultant_id)}
        for o in opportunities
    ]
    return {
        "customer": customer,
        "opportunities": rows,
        "leads": leads,
        "can_open": can_receive_leads(user),
    }
