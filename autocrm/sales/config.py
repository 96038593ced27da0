"""A dealer's sales rules: its `SalesSettings` row, or the defaults when it has none."""

from __future__ import annotations

from autocrm.sales.models import ConsultantCapacity, SalesSettings


def sales_settings_for(dealer_id: int) -> SalesSettings:
    """The dealer's settings (an unsaved default row when it never changed them)."""
    found = SalesSettings.objects.filter(dealer_id=dealer_id).first()
    return found if found is not None else SalesSettings(dealer_id=dealer_id)


def capacities(dealer_id: int) -> dict[int, int]:
    """The consultants' own daily lead capacities, where set."""
    return dict(
        ConsultantCapacity.objects.filter(dealer_id=dealer_id).values_list(
            "consultant_id", "daily_lead_capacity"
        )
    )
