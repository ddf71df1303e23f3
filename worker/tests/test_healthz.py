import datetime

import pytest
from django.utils import timezone

from worker.models import WorkerHeartbeat
from worker.selectors import HEARTBEAT_STALE_AFTER

pytestmark = pytest.mark.django_db


def heartbeat(*, age: datetime.timedelta, stopped: bool = False) -> None:
    seen = timezone.now() - age
    WorkerHeartbeat.objects.create(
        worker_id=f"host:{age.total_seconds()}",
        started_at=seen,
        last_seen_at=seen,
        stopped_at=seen if stopped else None,
    )


def test_a_fresh_heartbeat_means_the_worker_is_ok(client):
    heartbeat(age=datetime.timedelta(seconds=5))
    for url in ("/healthz", "/healthz?strict=1"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"database": "ok", "worker": "ok"}


def test_a_stale_heartbeat_means_the_worker_is_not_running(client):
    heartbeat(age=HEARTBEAT_STALE_AFTER + datetime.timedelta(seconds=1))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker": "not running"}


def test_strict_monitoring_gets_503_when_the_worker_is_not_running(client):
    heartbeat(age=HEARTBEAT_STALE_AFTER + datetime.timedelta(seconds=1))
    response = client.get("/healthz?strict=1")
    assert response.status_code == 503
    assert response.json()["worker"] == "not running"


def test_a_worker_that_stopped_cleanly_is_not_running(client):
    heartbeat(age=datetime.timedelta(seconds=5), stopped=True)
    assert client.get("/healthz?strict=1").status_code == 503


def test_no_heartbeat_at_all_means_not_running(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == "not running"


def test_healthz_is_never_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
