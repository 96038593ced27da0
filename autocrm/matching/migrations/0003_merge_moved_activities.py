"""A merge now moves the merged record's activity rows (core.Activity) to the survivor and an
un-merge moves them back, by the ids it lists in `Merge.moved["core.Activity.customer_id"]`.

Merges made before the activity record existed list none, yet customers 0010 wrote the
activities of the readings and interactions they moved on the survivor. This lists, for each
merge not undone, the activities of the interactions it moved and of the readings of the
vehicles it moved, so undoing it takes them back to the restored record.
"""

from django.db import migrations

KEY = "core.Activity.customer_id"


def list_moved_activities(apps, schema_editor):
    merge_model = apps.get_model("matching", "Merge")
    activity_model = apps.get_model("core", "Activity")
    reading_model = apps.get_model("customers", "MileageReading")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    types = {
        ct.model: ct.pk
        for ct in content_type_model.objects.filter(
            app_label="customers", model__in=["interaction", "mileagereading"]
        )
    }
    activities = activity_model._base_manager
    for merge in merge_model._base_manager.filter(undone_at__isnull=True).order_by("id"):
        if KEY in merge.moved:
            continue
        interactions = merge.moved.get("customers.Interaction.customer", [])
        vehicles = merge.moved.get("customers.Vehicle.customer", [])
        readings = list(
            reading_model._base_manager.filter(vehicle_id__in=vehicles).values_list("id", flat=True)
        )
        ids = []
        for model, target_ids in (("interaction", interactions), ("mileagereading", readings)):
            if target_ids and model in types:
                ids += activities.filter(
                    dealer_id=merge.dealer_id, target_type_id=types[model], target_id__in=target_ids
                ).values_list("id", flat=True)
        if ids:
            merge.moved = {**merge.moved, KEY: sorted(ids)}
            merge.save(update_fields=["moved"])


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_run_stage"),
        ("customers", "0010_timeline_activities"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(list_moved_activities, migrations.RunPython.noop)]
