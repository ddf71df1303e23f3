"""A database that does not answer is a 503 with Retry-After, wherever it fails."""

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import path

from alongside.middleware import RETRY_AFTER_SECONDS

pytestmark = pytest.mark.django_db


def view_losing_the_database(request):
    raise OperationalError("connection to server failed: Connection refused\nmore")


def view_losing_its_connection(request):
    raise InterfaceError("connection already closed")


def view_with_a_bug(request):
    raise ZeroDivisionError


urlpatterns = [
    path("page/", view_losing_the_database),
    path("api/v1/somewhere", view_losing_the_database),
    path("closed/", view_losing_its_connection),
    path("bug/", view_with_a_bug),
]
handler500 = "alongside.middleware.server_error"
with_views_that_fail = pytest.mark.urls(__name__)


def anonymous() -> Client:
    return Client(raise_request_exception=False)


@with_views_that_fail
def test_a_page_whose_database_is_unavailable_answers_503_with_retry_after():
    response = anonymous().get("/page/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    assert b"back in a moment" in response.content


@with_views_that_fail
def test_under_the_api_the_503_is_json_saying_a_retry_is_safe():
    response = anonymous().get("/api/v1/somewhere")
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "recorded once" in response.json()["detail"]


@with_views_that_fail
def test_a_closed_connection_is_a_503_too():
    assert anonymous().get("/closed/").status_code == 503


@with_views_that_fail
def test_any_other_failure_is_still_a_500():
    response = anonymous().get("/bug/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@with_views_that_fail
def test_the_failure_is_logged_once_in_one_line(caplog):
    with caplog.at_level(logging.WARNING, logger="alongside.database"):
        anonymous().get("/page/")
    [record] = [r for r in caplog.records if r.name == "alongside.database"]
    assert record.getMessage() == (
        "Database unavailable during GET /page/: OperationalError "
        "connection to server failed: Connection refused"
    )
    assert record.exc_info is None


def test_an_event_sent_while_the_database_is_unavailable_is_a_json_503(cast):
    with mock.patch(
        "api.door.api_key_find", side_effect=OperationalError("server closed")
    ):
        response = anonymous().post(
            "/api/v1/events",
            "{}",
            content_type="application/json",
            headers={"Authorization": "Bearer whatever"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "Send the same request again" in response.json()["detail"]


def test_a_session_that_cannot_be_loaded_is_a_503_not_a_500(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.supporter)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("the database system is starting up"),
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert b"back in a moment" in response.content
