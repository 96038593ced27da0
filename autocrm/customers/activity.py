"""The activity rows customers' own actions record (kinds registered in customers.registry).

Called by customers.services inside each action's transaction. The data written here is what
customers.timeline_display renders; migration 0010 wrote the same for earlier rows.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone

from autocrm.core.activity import ActivityRow, activity_record
from autocrm.core.models import Activity
from autocrm.customers.models import Interaction, MileageReading, Vehicle
from autocrm.tenancy.models import Staff

#: The activity kinds customers records (registered in customers.registry).
MILEAGE = "mileage"
INTERACTION = "interaction"


def reading_time(read_on: date) -> datetime:
    """A reading has a date, no time: it stands on the timeline at that day's local midnight."""
    return datetime.combine(read_on, time.min, tzinfo=timezone.get_default_timezone())


def mileage_activity_row(*, actor: Any, reading: MileageReading, vehicle: Vehicle) -> ActivityRow:
    """The activity of a reading of `vehicle`: what a writer recording readings in bulk passes to
    core.activity.activities_record_bulk (the reading saved first: it is the target)."""
    return ActivityRow(
        dealer_id=reading.dealer_id,
        customer_id=vehicle.customer_id,
        kind=MILEAGE,
        actor=actor,
        target=reading,
        at=reading_time(reading.read_on),
        data={
            "vehicle_id": vehicle.pk,
            "vehicle": vehicle.plate_number or vehicle.vin,
            "mileage_km": reading.mileage_km,
            "source": reading.source,
        },
    )


def mileage_activity_record(*, actor: Staff, reading: MileageReading) -> Activity:
    row = mileage_activity_row(actor=actor, reading=reading, vehicle=reading.vehicle)
    return activity_record(**row.kwargs())


def interaction_activity_record(*, actor: Staff, interaction: Interaction) -> Activity:
    cost = interaction.cost
    return activity_record(
        dealer_id=interaction.dealer_id,
        customer_id=interaction.customer_id,
        kind=INTERACTION,
        actor=actor,
        target=interaction,
        at=interaction.occurred_at,
        data={
            "kind": interaction.kind,
            "channel": interaction.channel,
            "summary": interaction.summary,
            "outcome": interaction.outcome,
            # as the database gives it back (two decimals), text in JSON
            "cost": None if cost is None else str(Decimal(cost).quantize(Decimal("0.01"))),
        },
    )
