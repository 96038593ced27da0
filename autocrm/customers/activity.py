"""The activity rows customers' own actions record (kinds registered in customers.registry).

Called by customers.services inside each action's transaction. The data written here is what
customers.timeline_display renders; migration 0010 wrote the same for earlier rows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from autocrm.core.activity import ActivityRow, activity_record
from autocrm.core.models import Activity
from autocrm.customers.models import Interaction, MileageReading, Vehicle
from autocrm.tenancy.models import Staff

#: The activity kinds customers records (registered in customers.registry).
MILEAGE = "mileage"
INTERACTION = "interaction"


def reading_time(read_on: date) -> datetime:
    """A reading has a date, no time: it stands on the timeline at that day's midnight UTC
    (08:00 in Asia/Shanghai), where the timeline has always placed it."""
    return datetime.combine(read_on, time.min, tzinfo=UTC)


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
        data=mileage_data(reading, vehicle),
    )


def mileage_data(reading: MileageReading, vehicle: Vehicle) -> dict[str, Any]:
    """What a mileage entry shows of a reading: the vehicle as it was, the km, the source."""
    return {
        "vehicle_id": vehicle.pk,
        "vehicle": vehicle.plate_number or vehicle.vin,
        "mileage_km": reading.mileage_km,
        "source": reading.source,
    }


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


# --- rows written in bulk ---------------------------------------------------------------------
# A bulk load (the demo dealership) writes readings and interactions with COPY, not through the
# services: their activity rows are then written in the database, one INSERT … SELECT per kind,
# with the data the services write.

_READING_AT = {
    "postgresql": "(r.read_on::timestamp AT TIME ZONE 'UTC')",
    "sqlite": "datetime(r.read_on)",  # SQLite keeps UTC text
}
_JSON = {"postgresql": "jsonb_build_object", "sqlite": "json_object"}
_COST = {"postgresql": "i.cost::text", "sqlite": "printf('%%.2f', i.cost)"}


def _insert_select(select: str, params: dict[str, Any]) -> int:
    table = connection.ops.quote_name(Activity._meta.db_table)
    columns = "dealer_id, customer_id, kind, actor_id, at, target_type_id, target_id, data"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)  # noqa: S608
        return cursor.rowcount


def activities_for_loaded_rows(*, readings_from: int = 1, interactions_from: int = 1) -> int:
    """Write the activity of every mileage reading and interaction from the given ids on (the
    rows a bulk load just wrote); returns how many. PostgreSQL and SQLite."""
    vendor = connection.vendor
    params: dict[str, Any] = {
        "reading_type": ContentType.objects.get_for_model(MileageReading).pk,
        "interaction_type": ContentType.objects.get_for_model(Interaction).pk,
        "readings_from": readings_from,
        "interactions_from": interactions_from,
    }
    json = _JSON[vendor]
    written = _insert_select(
        f"SELECT r.dealer_id, v.customer_id, '{MILEAGE}', r.recorded_by_id, {_READING_AT[vendor]},"
        f" %(reading_type)s, r.id, {json}('vehicle_id', v.id,"
        f" 'vehicle', COALESCE(NULLIF(v.plate_number, ''), v.vin),"
        f" 'mileage_km', r.mileage_km, 'source', r.source)"
        f" FROM {MileageReading._meta.db_table} r"
        f" JOIN {Vehicle._meta.db_table} v ON v.id = r.vehicle_id"
        f" WHERE r.id >= %(readings_from)s ORDER BY r.id",
        params,
    )
    written += _insert_select(
        f"SELECT i.dealer_id, i.customer_id, '{INTERACTION}', i.staff_id, i.occurred_at,"
        f" %(interaction_type)s, i.id, {json}('kind', i.kind, 'channel', i.channel,"
        f" 'summary', i.summary, 'outcome', i.outcome,"
        f" 'cost', CASE WHEN i.cost IS NULL THEN NULL ELSE {_COST[vendor]} END)"
        f" FROM {Interaction._meta.db_table} i"
        f" WHERE i.id >= %(interactions_from)s ORDER BY i.id",
        params,
    )
    return written
