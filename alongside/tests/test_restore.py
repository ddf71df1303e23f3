"""The tested restore: scripts/restore-drill on the test database, and what it restored.

The drill dumps the database with pg_dump, restores it into a fresh one,
checks the migrations and starts gunicorn on it (/healthz must answer 200);
this test then compares every table's rows with the original.
"""

import datetime
import json
import os
import subprocess
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone
from psycopg import sql

from api.services import api_key_create
from outreach.models import OutreachOffer
from worker.runner import Worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump and pg_restore are PostgreSQL's; SQLite installations "
        "back up by copying the file.",
    ),
]

DRILL = settings.BASE_DIR / "scripts" / "restore-drill"


def database_url(name: str) -> str:
    database = connection.settings_dict
    user = quote(database["USER"] or "")
    if database["PASSWORD"]:
        user += ":" + quote(database["PASSWORD"])
    host = database["HOST"] or "localhost"
    if database["PORT"]:
        host += f":{database['PORT']}"
    return f"postgres://{user}@{host}/{name}"


def rows_per_table(url: str) -> dict[str, int]:
    with psycopg.connect(url) as database:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        return {
            table: database.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def events_sent(cast, count: int) -> None:
    """Events through the API, and the worker reaching in: offers, e-mail, audit rows."""
    _, key = api_key_create(source="restore-drill")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    for number in range(count):
        event = {
            "event_id": f"DRILL-{number}",
            "occurred_on": (
                timezone.localdate() - datetime.timedelta(days=1)
            ).isoformat(),
            "trigger_type": "serious-safety-event",
            "harm_level": "moderate",
            "involved": [{"employee_id": cast.clinician.staff_member.employee_id}],
        }
        response = client.post(
            "/api/v1/events", json.dumps(event), content_type="application/json"
        )
        assert response.status_code == 201
    Worker(worker_id="drill", recurring_tasks=[]).run(once=True)


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restore_drill"
    yield name
    with psycopg.connect(database_url("postgres"), autocommit=True) as server:
        server.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )


def test_the_restore_drill_restores_every_row_and_the_app_starts_on_it(
    cast, restored_name
):
    events_sent(cast, 3)
    assert OutreachOffer.objects.exists()
    source = database_url(connection.settings_dict["NAME"])

    drill = subprocess.run(
        [str(DRILL), "--keep"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "ALONGSIDE_MODE": "test", "DATABASE_URL": source},
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "/healthz answered 200" in drill.stdout
    assert "Restore drill passed." in drill.stdout
    original, restored = (
        rows_per_table(source),
        rows_per_table(database_url(restored_name)),
    )
    assert restored == original
    for table in (
        "accounts_user",
        "organization_staffmember",
        "events_adverseevent",
        "outreach_outreachoffer",
        "outbox_outboundemail",
        "confidentiality_auditevent",
    ):
        assert restored[table] > 0, table


def test_the_restore_drill_refuses_a_database_that_is_not_postgresql():
    drill = subprocess.run(
        [str(DRILL)],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": "sqlite:///var/alongside.sqlite3"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert drill.returncode == 2
    assert "must name the PostgreSQL database" in drill.stderr
