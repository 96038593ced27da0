"""Organizations have no given name (深圳市某某科技有限公司 had 圳市某某科技有限公司, which a
given-name search then found)."""

from django.db import migrations


def clear_given_names(apps, schema_editor):
    customer_model = apps.get_model("customers", "Customer")
    customer_model._base_manager.filter(kind="organization").exclude(given_name="").update(
        given_name=""
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_mobile_trigram_back")]

    operations = [migrations.RunPython(clear_given_names, migrations.RunPython.noop)]
