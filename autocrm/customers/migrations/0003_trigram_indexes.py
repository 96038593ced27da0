"""Trigram indexes for fragment search (PostgreSQL only; SQLite scans, which is fine for a
single dealership's embedded install)."""

from django.db import migrations

INDEXES = [
    ("cust_name_trgm", "customers_customer", "name"),
    ("cust_mobile_trgm", "customers_customer", "mobile"),
    ("vehicle_plate_trgm", "customers_vehicle", "plate_number"),
    ("vehicle_vin_trgm", "customers_vehicle", "vin"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
