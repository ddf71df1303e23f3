from django.db import migrations

from brief.evidence import seeded_findings_load


def load_seeded_findings(apps, schema_editor):
    """Alongside's published findings, marked to be checked against their sources."""
    seeded_findings_load(apps.get_model("brief", "EvidenceFinding"))


class Migration(migrations.Migration):
    dependencies = [("brief", "0001_initial")]

    operations = [
        migrations.RunPython(load_seeded_findings, migrations.RunPython.noop),
    ]
