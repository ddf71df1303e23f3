"""Redact the audit events about cases deleted before redaction existed (withdrawn requests).

From now on deleting a case redacts its audit events in the same transaction
(outreach.retention.cases_delete); this catches up on the ones deleted earlier.
"""

from django.db import migrations

CASE_MODELS = [
    ("outreach", "OutreachOffer"),
    ("outreach", "Referral"),
    ("conversations", "Encounter"),
    ("conversations", "CareCheck"),
    ("conversations", "FacilitatedReferral"),
]


def redact(apps, schema_editor):
    AuditEvent = apps.get_model("confidentiality", "AuditEvent")
    for app_label, model_name in CASE_MODELS:
        model = apps.get_model(app_label, model_name)
        existing = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        about = AuditEvent.objects.filter(
            object_type=f"{app_label}.{model_name.lower()}"
        ).exclude(subject=None, details={})
        gone = [
            pk
            for pk, object_id in about.values_list("pk", "object_id")
            if object_id not in existing
        ]
        AuditEvent.objects.filter(pk__in=gone).update(subject=None, details={})


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0003_one_triggered_offer_per_person_and_event"),
        ("conversations", "0002_facilitatedreferral"),
        ("confidentiality", "0004_audit_event_object_index"),
    ]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
