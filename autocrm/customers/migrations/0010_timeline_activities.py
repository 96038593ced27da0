"""The timeline reads mileage readings and interactions from the activity record (core.Activity,
ADR 0007): one activity row for every reading and interaction recorded before, with the data
customers.activity writes for new ones, so existing timelines read the same.

A reading stands at its date's midnight UTC (as the timeline placed it before: 08:00 in
Asia/Shanghai), an interaction at its time. The rows go to the customer who has the reading's vehicle or the
interaction now (after any merge).
"""

from datetime import datetime, time
from decimal import Decimal
from datetime import UTC

from django.db import migrations

BATCH = 2000


def _content_type(apps, model):
    content_type_model = apps.get_model("contenttypes", "ContentType")
    ct, _created = content_type_model.objects.get_or_create(app_label="customers", model=model)
    return ct.pk


def _insert(activity_model, rows):
    activity_model._base_manager.bulk_create(rows, batch_size=BATCH)
    rows.clear()


def backfill_activities(apps, schema_editor):
    activity_model = apps.get_model("core", "Activity")
    reading_model = apps.get_model("customers", "MileageReading")
    interaction_model = apps.get_model("customers", "Interaction")
    rows = []

    reading_type = _content_type(apps, "mileagereading")
    readings = reading_model._base_manager.order_by("id").values_list(
        "id", "dealer_id", "read_on", "mileage_km", "source", "recorded_by_id",
        "vehicle_id", "vehicle__customer_id", "vehicle__plate_number", "vehicle__vin",
    )  # fmt: skip
    for pk, dealer_id, read_on, km, source, actor_id, vehicle_id, customer_id, plate, vin in (
        readings.iterator(chunk_size=BATCH)
    ):
        rows.append(
            activity_model(
                dealer_id=dealer_id,
                customer_id=customer_id,
                kind="mileage",
                actor_id=actor_id,
                at=datetime.combine(read_on, time.min, tzinfo=UTC),
                target_type_id=reading_type,
                target_id=pk,
                data={
                    "vehicle_id": vehicle_id,
                    "vehicle": plate or vin,
                    "mileage_km": km,
                    "source": source,
                },
            )
        )
        if len(rows) >= BATCH:
            _insert(activity_model, rows)

    interaction_type = _content_type(apps, "interaction")
    interactions = interaction_model._base_manager.order_by("id").values_list(
        "id", "dealer_id", "customer_id", "staff_id", "occurred_at", "kind", "channel",
        "summary", "outcome", "cost",
    )  # fmt: skip
    for pk, dealer_id, customer_id, actor_id, at, kind, channel, summary, outcome, cost in (
        interactions.iterator(chunk_size=BATCH)
    ):
        rows.append(
            activity_model(
                dealer_id=dealer_id,
                customer_id=customer_id,
                kind="interaction",
                actor_id=actor_id,
                at=at,
                target_type_id=interaction_type,
                target_id=pk,
                data={
                    "kind": kind,
                    "channel": channel,
                    "summary": summary,
                    "outcome": outcome,
                    "cost": None if cost is None else str(Decimal(cost).quantize(Decimal("0.01"))),
                },
            )
        )
        if len(rows) >= BATCH:
            _insert(activity_model, rows)
    if rows:
        _insert(activity_model, rows)


def remove_backfilled(apps, schema_editor):
    """Back to reading the tables directly: the rows of both kinds go (new ones too)."""
    activity_model = apps.get_model("core", "Activity")
    activity_model._base_manager.filter(kind__in=["mileage", "interaction"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0009_no_given_name_for_organizations"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill_activities, remove_backfilled)]
