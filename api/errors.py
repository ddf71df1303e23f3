"""The API's error answers, each a JSON object with a ``detail`` the caller can act on.

No answer, and no log line, ever repeats what was sent: a message names the
field that is wrong and says why, never its value (the value could be
clinical text sent by mistake). See docs/api.md for the list.
"""

import logging
import traceback

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from alongside.middleware import (
    DATABASE_UNAVAILABLE,
    database_unavailable_response,
)
from api.schemas import PATTERN_MESSAGES

logger = logging.getLogger("alongside.api")

SERVER_ERROR = (
    "Something went wrong on our side. Sending the same request again is safe: "
    "an event is recorded once however often it is sent."
)
# Pydantic's wording for the errors a caller meets most, in plainer words.
MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": (
        "Unknown field. Alongside keeps only the fields its OpenAPI document "
        "lists; nothing else is accepted."
    ),
}


class ApiError(Exception):
    """An answer other than 422: a status, one message and perhaps headers."""

    def __init__(self, status: int, detail: str, headers: dict | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


def field_path(loc) -> str:
    """``("involved", 0, "npi")`` → ``involved[0].npi``; the body itself is ``body``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _pydantic_problem(error: dict) -> dict:
    # ninja's loc starts with where the value came from and the parameter's name.
    loc = tuple(error.get("loc", ()))[2:]
    message = MESSAGES.get(error.get("type"), error.get("msg", "Not valid."))
    if error.get("type") == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern")
        message = PATTERN_MESSAGES.get(pattern, "Not in the form this field takes.")
    message = message.removeprefix("Value error, ")
    return {"field": field_path(loc), "message": message}


def install_error_handlers(api) -> None:
    """Make every error the API answers take the documented shape."""

    def respond(request, status: int, detail, headers=None) -> HttpResponse:
        response = api.create_response(request, {"detail": detail}, status=status)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.detail, exc.headers)

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, str(exc))

    def invalid_payload(request: HttpRequest, exc: NinjaValidationError):
        return respond(request, 422, [_pydantic_problem(error) for error in exc.errors])

    def invalid_event(request: HttpRequest, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            problems = [
                {"field": name, "message": message}
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            problems = [{"field": "body", "message": m} for m in exc.messages]
        return respond(request, 422, problems)

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The frames say where it failed; the exception's message is left out,
        # since it could quote a value from the request.
        logger.error(
            "API request %s %s failed with %s:\n%s",
            request.method,
            request.path,
            type(exc).__name__,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        return respond(request, 500, SERVER_ERROR)

    api.add_exception_handler(ApiError, api_error)
    for database_error in DATABASE_UNAVAILABLE:
        api.add_exception_handler(database_error, database_unavailable_response)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(NinjaValidationError, invalid_payload)
    api.add_exception_handler(DjangoValidationError, invalid_event)
    api.add_exception_handler(Exception, server_error)
