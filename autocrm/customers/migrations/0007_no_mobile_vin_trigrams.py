"""No trigram indexes on mobiles and VINs (ADR 0005).

VIN tails (车架号后六位/后八位) are searched on a b-tree over the reversed VIN instead: the
search only ever asks for a whole VIN or its end, and a VIN's 18 trigrams made the GIN index
the costliest part of writing a vehicle.

The mobile's trigram index goes without replacement. A part of a mobile from its middle is
searched among the dealer's own numbers (the `cust_mobile` b-tree, read whole: a few
milliseconds even for a large dealer); last-4 and whole numbers have their own b-trees. And
pg_trgm also answers equality, so the planner took the trigram index for the import's
`mobile IN (…2,000 numbers…)` lookups: while a large import's new rows sat in the GIN pending
list, one such lookup took half a minute. PostgreSQL only; SQLite has no such indexes."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS vehicle_vin_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS cust_mobile_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS vehicle_vin_reversed "
        "ON customers_vehicle (dealer_id, reverse(vin) text_pattern_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS vehicle_vin_reversed")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS vehicle_vin_trgm ON customers_vehicle "
        "USING gin (vin gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cust_mobile_trgm ON customers_customer "
        "USING gin (mobile gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_leaner_write_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
