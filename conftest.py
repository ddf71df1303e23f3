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


# --- Browser tests: Playwright driving Debian's Chromium ---------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Never a downloaded browser. When CI requires browser tests, a missing one fails."""
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed at {CHROMIUM} (scripts/ensure-chromium)."
        if os.environ.get("ALONGSIDE_BROWSER_TESTS") == "required":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
    }
