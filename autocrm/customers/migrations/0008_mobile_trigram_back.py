"""The mobile's trigram index is back (0007 dropped it): without it a search for part of a
mobile (5–10 digits from anywhere in the number) reads every customer of a large dealer, 0.6 s
at a million customers. The import's `mobile IN (…)` lookups, which the planner had answered
from this index (30 s each while a large import's rows sat in the GIN pending list), now run
without bitmap scans (`imports.matching`), so only the b-tree can serve them."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cust_mobile_trgm ON customers_customer "
        "USING gin (mobile gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS cust_mobile_trgm")


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_no_mobile_vin_trigrams")]
    operations = [migrations.RunPython(forwards, backwards)]
