from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffmember",
            name="npi",
            field=models.CharField(blank=True, db_index=True, max_length=10),
        ),
    ]
