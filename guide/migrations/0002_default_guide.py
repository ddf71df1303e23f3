from django.db import migrations

from guide.defaults import default_guide_load


def load_default_guide(apps, schema_editor):
    """Alongside's default guide, into an empty one (the director edits it after)."""
    default_guide_load(
        apps.get_model("guide", "Stage"), apps.get_model("guide", "Question")
    )


class Migration(migrations.Migration):
    dependencies = [("guide", "0001_initial")]

    operations = [
        migrations.RunPython(load_default_guide, migrations.RunPython.noop),
    ]
