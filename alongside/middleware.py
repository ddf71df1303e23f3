"""A database that does not answer (restarting, failing over, full) is a 503, not a 500.

While PostgreSQL restarts, requests fail with ``OperationalError`` or
``InterfaceError``. Answering 503 with ``Retry-After`` tells a person, a load
balancer and an incident system's retry loop alike that this is brief and
that the same request will work again (event ingest is idempotent). With
``CONN_HEALTH_CHECKS`` the next request after the restart opens a fresh
connection instead of failing on the stale one.

The middleware catches what a view raises; ``server_error`` (handler500)
catches the same errors raised by other middleware, such as loading a
session, and otherwise shows the ordinary 500 page.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("alongside.database")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
API_DETAIL = (
    "The database is unavailable for a moment. Send the same request again "
    f"in {RETRY_AFTER_SECONDS} seconds: an event is recorded once however "
    "often it is sent."
)


def database_unavailable_response(
    request: HttpRequest, error: BaseException
) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, a short page elsewhere; logged once, briefly.

    The log line names the error's type and first line (psycopg's connection
    messages), never the request's contents.
    """
    reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
    logger.warning(
        "Database unavailable during %s %s: %s %s",
        request.method,
        request.path,
        type(error).__name__,
        reason,
    )
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": API_DETAIL}, status=503)
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by a view into a 503 (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable_response(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the failure was the database, else the 500 page."""
    error = sys.exception()
    if isinstance(error, DATABASE_UNAVAILABLE):
        return database_unavailable_response(request, error)
    return django_server_error(request)
