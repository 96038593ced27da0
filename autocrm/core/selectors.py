"""Reads of the activity record: a customer's activities as timeline entries."""

from __future__ import annotations

from typing import Any

from autocrm.core.models import Activity
from autocrm.core.registry import TimelineEntry


def activity_entries(customer: Any, *, limit: int = 200) -> list[TimelineEntry]:
    """The customer's `limit` latest activities, newest first (the timeline source of core).

    Read through the scoped manager, within the customer's dealer (the timeline index)."""
    activities = (
        Activity.objects.filter(dealer_id=customer.dealer_id, customer_id=customer.pk)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=activity.at,
            actor=activity.actor,
            kind=activity.kind,
            obj=activity,
            data=activity.data,
            customer=customer,
        )
        for activity in activities
    ]
