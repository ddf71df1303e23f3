"""On PostgreSQL, refuse UPDATE and DELETE on the witness tables in the database itself."""

from django.db import migrations

TABLES = ["confidentiality_accessevent", "confidentiality_auditevent"]

CREATE_FUNCTION = """
CREATE OR REPLACE FUNCTION alongside_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Rows of % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION alongside_refuse_change();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS alongside_refuse_change();")


class Migration(migrations.Migration):
    dependencies = [("confidentiality", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
