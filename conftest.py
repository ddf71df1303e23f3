"""Fixtures shared by every app's tests: the cast of DESIGN.md and signed-in clients."""

import os

import pytest
from django.test import Client

from alongside.testing.cast import Cast, build_cast

# pytest-playwright keeps an event loop running in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def org(cast):
    return cast.org


@pytest.fixture
def client_for():
    """Return a test client signed in as the given user (None: anonymous)."""

    def signed_in(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return signed_in
