from django.db import migrations

from training.curriculum import default_curriculum_load


def load_default_curriculum(apps, schema_editor):
    """Alongside's default curriculum, into an empty one (the director edits it after)."""
    default_curriculum_load(apps.get_model("training", "TrainingModule"))


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [
        migrations.RunPython(load_default_curriculum, migrations.RunPython.noop),
    ]
