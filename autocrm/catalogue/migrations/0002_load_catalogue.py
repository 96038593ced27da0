"""The shipped catalogue (catalogue_data.py), loaded with the schema so that a fresh `migrate`
has it, offline. The loader adds only what is missing; `manage.py catalogue_load` runs it
again after an upgrade brings more."""

from django.db import migrations

from autocrm.catalogue.catalogue_data import CATALOGUE
from autocrm.catalogue.services import catalogue_load


def forwards(apps, schema_editor):
    catalogue_load(CATALOGUE, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
