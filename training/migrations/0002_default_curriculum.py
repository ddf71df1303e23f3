from django.db import migrations

from training.curriculum import DEFAULT_MODULES


def load_default_curriculum(apps, schema_editor):
    """Alongside's default curriculum, into an empty one (the director edits it after)."""
    TrainingModule = apps.get_model("training", "TrainingModule")
    if TrainingModule.objects.exists():
        return
    TrainingModule.objects.bulk_create(
        TrainingModule(
            title=title,
            summary=summary,
            objectives=objectives,
            is_core=True,
            sort_order=position * 10,
        )
        for position, (title, summary, objectives) in enumerate(DEFAULT_MODULES, 1)
    )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [
        migrations.RunPython(load_default_curriculum, migrations.RunPython.noop),
    ]
