"""Fixtures shared by every app's tests: the cast of DESIGN.md and signed-in clients."""

import os

import pytest
from django.core.cache import cache
from django.test import Client

from alongside.testing.cast import Cast, build_cast

# pytest-playwright keeps an event loop running in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def live_cast(transactional_db) -> Cast:
    """The cast, committed, so a live server thread (and its browser) can see it."""
    return build_cast()


@pytest.fixture
def sign_in_page(page, live_server):
    """Sign a person in through the real sign-in page; returns the page."""

    def sign_in(user, password="a-long-test-password"):  # noqa: S107
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        return page

    return sign_in


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last, after pytest-django's own ordering.

    Playwright's sync API leaves the test thread in another context, where
    Django hands out fresh database connections outside the test's
    transaction; nothing that relies on that transaction may run after it.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
