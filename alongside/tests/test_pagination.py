"""Paging through long logs counts at most a cap of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alongside.pagination import CappedPaginator
from confidentiality.models import AuditAction
from confidentiality.services import audit_event_record
from organization.models import StaffMember

pytestmark = pytest.mark.django_db


def test_a_long_list_is_counted_only_up_to_the_cap(cast):
    people = StaffMember.objects.order_by("pk")
    assert people.count() > 4

    paginator = CappedPaginator(people, 2, cap=3)

    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 4
    assert "LIMIT 4" in queries[0]["sql"]
    assert paginator.is_capped
    assert paginator.num_pages == 2


def test_a_short_list_is_counted_exactly(cast):
    people = StaffMember.objects.order_by("pk")

    paginator = CappedPaginator(people, 2, cap=1000)

    assert paginator.count == people.count()
    assert not paginator.is_capped


def test_the_audit_log_says_more_than_when_it_is_capped(cast, client_for, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 60)
    for _ in range(70):
        audit_event_record(
            actor=cast.director, action=AuditAction.values[0], obj=cast.clinician
        )

    response = client_for(cast.director).get("/audit/")

    assert "Page 1 of more than 1" in response.content.decode()
