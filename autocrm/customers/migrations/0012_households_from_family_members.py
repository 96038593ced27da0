"""Family members move into households, and other numbers are searchable by their end.

The family-members lists (`Customer.family_members`) become households with their members, in
set-based statements (customers/family_members.py); the lists stay as captured, read-only.
`contact_point_reversed` (PostgreSQL) answers a search by the last digits of a number among
the customers' other numbers, as `vehicle_vin_reversed` does for VIN tails (migration 0007)."""

from django.db import migrations

from autocrm.customers.family_members import households_from_family_members


def forwards(apps, schema_editor):
    households_from_family_members(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS contact_point_reversed "
            "ON customers_contactpoint (dealer_id, reverse(number) text_pattern_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS contact_point_reversed")
    # The households stay: the lists were kept, and households made from them cannot be told
    # from those staff added since.


class Migration(migrations.Migration):
    dependencies = [("customers", "0011_identity")]
    operations = [migrations.RunPython(forwards, backwards)]
