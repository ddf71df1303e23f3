from django.db import migrations

from events.catalogue import default_triggers_load


def load_trigger_catalogue(apps, schema_editor):
    default_triggers_load(apps.get_model("events", "TriggerType"))


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [
        migrations.RunPython(load_trigger_catalogue, migrations.RunPython.noop),
    ]
