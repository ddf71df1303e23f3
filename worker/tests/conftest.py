import pytest

from worker.tests import handlers


@pytest.fixture(autouse=True)
def fresh_handlers():
    handlers.performed.clear()
    handlers.stop_requested.clear()
    yield
    handlers.performed.clear()
    handlers.stop_requested.clear()
