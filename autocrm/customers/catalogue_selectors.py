"""Reads of the vehicles' link to the model catalogue."""

from __future__ import annotations

from django.db.models import Count

from autocrm.customers.models import Vehicle


def unmatched_vehicle_texts(
    dealer_id: int, *, limit: int | None = None
) -> list[tuple[str, str, int]]:
    """The dealer's (brand, model) texts that no series was found for, with how many of its
    vehicles say each, most vehicles first (those with neither text left out: nothing to map).
    At most `limit` of them when given."""
    rows = (
        Vehicle.objects.filter(dealer_id=dealer_id, series__isnull=True)
        .exclude(brand="", model_name="")
        .values("brand", "model_name")
        .annotate(vehicles=Count("id"))
        .order_by("-vehicles", "brand", "model_name")
        .values_list("brand", "model_name", "vehicles")
    )
    if limit is not None:
        rows = rows[:limit]
    return [(brand, model, count) for brand, model, count in rows]


def unmatched_vehicle_totals(dealer_id: int) -> tuple[int, int]:
    """(distinct texts, vehicles) of the dealer not linked to the catalogue: what the list of
    `unmatched_vehicle_texts` is part of."""
    rows = Vehicle.objects.filter(dealer_id=dealer_id, series__isnull=True).exclude(
        brand="", model_name=""
    )
    texts = rows.values("brand", "model_name").distinct().count()
    return texts, rows.count()
