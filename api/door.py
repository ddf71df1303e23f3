"""The one way into the ingest endpoints: key, rate, size, JSON, in that order.

``BearerApiKey`` is what django-ninja calls to authenticate an operation. It
checks the bearer key (401), counts the request against the key's limit for
the minute (429), refuses a body that is not JSON or too large (415, 413)
and parses it (400), all before ninja validates anything. The parsed body
is handed to ninja through ``request`` so it is read once.

Nothing here logs or quotes the body or the key.
"""

import json
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from ninja.parser import Parser
from ninja.security.base import AuthBase

from api.errors import ApiError
from api.models import ApiKey
from api.services import api_key_find, api_key_mark_used

PARSED = "_alongside_json"
JSON_TYPES = {"application/json", "application/fhir+json", "application/json+fhir"}
MISSING_KEY = "Send your API key in the Authorization header: Bearer <key>."
WRONG_KEY = "This API key is not valid."
REVOKED_KEY = (
    "This API key was revoked; ask your Alongside IT administrator for a new one."
)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="api"'})


def key_check(request) -> ApiKey:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized(MISSING_KEY)
    api_key = api_key_find(token)
    if api_key is None:
        raise _unauthorized(WRONG_KEY)
    if api_key.revoked_at is not None:
        raise _unauthorized(REVOKED_KEY)
    api_key_mark_used(api_key)
    return api_key


def rate_check(api_key: ApiKey) -> None:
    """At most API_RATE_LIMIT_PER_MINUTE requests per key per clock minute.

    The counter lives in the cache (Redis when there are several web
    processes), so every process counts against the same limit.
    """
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    now = time.time()
    minute = int(now // 60)
    counter = f"api-rate:{api_key.pk}:{minute}"
    cache.add(counter, 0, timeout=120)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=120)
        count = 1
    if count > limit:
        wait = max(1, math.ceil((minute + 1) * 60 - now))
        raise ApiError(
            429,
            f"Too many requests: a key may send {limit} a minute. "
            f"Try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )


def body_read(request):
    """The body as parsed JSON, refused if it is not JSON, too large or malformed."""
    if request.content_type not in JSON_TYPES:
        raise ApiError(
            415,
            "Send the event as JSON, with the header Content-Type: application/json.",
        )
    limit = settings.API_MAX_BODY_BYTES
    too_large = ApiError(413, f"The request body is larger than {limit} bytes.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large
    try:
        body = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(body) > limit:
        raise too_large
    if not body.strip():
        raise ApiError(
            400, "The request body is empty: send the event as a JSON object."
        )
    try:
        return json.loads(body, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ApiError(
            400,
            f"The request body is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}.",
        ) from None
    except UnicodeDecodeError:
        raise ApiError(400, "The request body is not UTF-8 text.") from None
    except (ValueError, RecursionError):
        raise ApiError(400, "The request body is not valid JSON.") from None


def _no_constant(name: str):
    raise ValueError("NaN and Infinity are not JSON")


class BearerApiKey(AuthBase):
    """Bearer-key authentication for django-ninja, plus the checks every call passes."""

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_bearerFormat = "al_<prefix>_<secret>"  # OpenAPI's name

    def __call__(self, request):
        api_key = key_check(request)
        rate_check(api_key)
        setattr(request, PARSED, body_read(request))
        return api_key


class ParsedBodyParser(Parser):
    """Hands ninja the body the door already parsed (and parses it if none did)."""

    def parse_body(self, request):
        if hasattr(request, PARSED):
            return getattr(request, PARSED)
        return json.loads(request.body)
