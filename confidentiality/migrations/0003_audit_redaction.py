"""On PostgreSQL, let an audit event be redacted (subject and details cleared), and nothing else.

Retention deletes a case a while after it closes; the audit events about it
keep who did what and when, but forget whom it was about and the details.
Every other UPDATE, and every DELETE, is still refused by the database.
"""

from django.db import migrations

TABLE = "confidentiality_auditevent"

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION alongside_auditevent_redact_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.subject_id IS NULL
       AND NEW.details = '{}'::jsonb
       AND NEW.id = OLD.id
       AND NEW.occurred_at = OLD.occurred_at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.action = OLD.action
       AND NEW.object_type = OLD.object_type
       AND NEW.object_id = OLD.object_id
       AND NEW.audience = OLD.audience THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _trigger(schema_editor, function: str) -> None:
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}();"
    )


def allow_redaction(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    _trigger(schema_editor, "alongside_auditevent_redact_only")


def refuse_every_change(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    _trigger(schema_editor, "alongside_refuse_change")
    schema_editor.execute("DROP FUNCTION IF EXISTS alongside_auditevent_redact_only();")


class Migration(migrations.Migration):
    dependencies = [("confidentiality", "0002_append_only_triggers")]

    operations = [migrations.RunPython(allow_redaction, refuse_every_change)]
