"""On PostgreSQL the roster search is answered from indexes, not by reading the roster."""

import pytest
from django.db import connection

from organization.selectors import roster_search

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="trigram indexes are PostgreSQL's (pg_trgm); SQLite has none",
    ),
]


def test_searching_the_roster_uses_the_trigram_and_employee_id_indexes(cast):
    search = roster_search(cast.director, query="othersupp")
    with connection.cursor() as cursor:
        # On a table this small the planner would rightly read it all, or walk
        # the name index; only a bitmap of the search indexes is left to it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = search.explain()

    for index in (
        "staffmember_first_name_trgm",
        "staffmember_last_name_trgm",
        "staffmember_work_email_trgm",
        "staffmember_employee_id_upper",
    ):
        assert index in plan
    assert [person.last_name for person in search] == ["Othersupporter"]
