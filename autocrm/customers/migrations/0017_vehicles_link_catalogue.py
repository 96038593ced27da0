"""The vehicles there are, linked to the catalogue by their brand and model text (set-based:
one read of the distinct pairs, one UPDATE per 200 matched pairs; customers.catalogue_links).
What no rule matches stays unlinked, listed for the managers (/customers/catalogue/unmatched/).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from autocrm.customers.catalogue_links import vehicles_link_catalogue

    vehicles_link_catalogue()


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_load_catalogue"),
        ("customers", "0016_vehicle_catalogue"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
