"""No page costs more than 30 database queries, whoever opens it.

Each page's own tests check that its count does not grow with the data; this
holds every page, for every role that may open it, to one ceiling. The
benchmark (bench/production.py) reads the same count off the large system.

The dashboard's and the brief's figures are measured as people meet them:
kept ready by the worker (reports.figures_cache), whose rounds run first.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.tests.test_every_url import TABLE, request_path
from brief.selectors import briefs_refresh
from reports.dashboard import dashboards_refresh

QUERY_BUDGET = 30
PAGES = sorted(
    key
    for key, entry in TABLE.items()
    if entry.method == "get"
    and any(status == 200 for status in entry.expected.values())
)


@pytest.mark.parametrize("key", PAGES)
def test_no_page_makes_more_than_thirty_queries(key, cast):
    entry = TABLE[key]
    users = {"anon": None, **cast.by_role_name()}
    dashboards_refresh()
    briefs_refresh(today=timezone.localdate())
    costs = {}
    for viewer, status in entry.expected.items():
        if status != 200:
            continue
        with transaction.atomic():
            client = Client()
            if users[viewer] is not None:
                client.force_login(users[viewer])
            path = request_path(key, entry, cast)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, entry.data)
            assert response.status_code == 200, (viewer, path)
            costs[viewer] = len(queries)
            transaction.set_rollback(True)
    assert max(costs.values()) <= QUERY_BUDGET, f"{key}: queries by viewer {costs}"
