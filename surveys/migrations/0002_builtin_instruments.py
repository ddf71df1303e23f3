"""Load Alongside's own instruments (surveys/definitions) so a survey can start at once."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys.instruments import builtin_instruments

    Instrument = apps.get_model("surveys", "Instrument")
    for definition in builtin_instruments():
        Instrument.objects.update_or_create(
            slug=definition.slug,
            version=definition.version,
            defaults={
                "title": definition.title,
                "definition": definition.to_dict(),
                "is_builtin": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
