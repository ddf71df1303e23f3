"""The OpenAPI document, and schemathesis driving the API from it."""

import collections
from functools import partial
from pathlib import Path

import hypothesis
import hypothesis.configuration
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

OPENAPI = "/api/v1/openapi.json"
# Hypothesis keeps its files under var/, with the rest of what tests leave behind.
hypothesis.configuration.set_hypothesis_home_dir(
    Path(__file__).resolve().parents[2] / "var" / "hypothesis"
)


def test_the_document_is_openapi_3_with_both_operations(client):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/v1/events", "/api/v1/fhir/AdverseEvent"}
    for path in document["paths"].values():
        operation = path["post"]
        assert operation["security"]
        assert {"201", "200", "400", "401", "413", "422", "429"} <= set(
            operation["responses"]
        )
    scheme = next(iter(document["components"]["securitySchemes"].values()))
    assert scheme == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "al_<prefix>_<secret>",
    }
    # schemathesis refuses a document that is not valid OpenAPI.
    schemathesis.openapi.from_dict(document).validate()


def test_the_event_shape_documents_every_field(client):
    schemas = client.get(OPENAPI).json()["components"]["schemas"]
    event = schemas["EventIn"]
    assert event["additionalProperties"] is False
    assert all(field.get("description") for field in event["properties"].values()), (
        "every field of the event is documented"
    )


def test_there_are_no_interactive_docs_to_load_from_a_cdn(client):
    assert client.get("/api/v1/docs").status_code == 404


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, inside the test's transaction.

    A real handler closes "old" connections at the start and end of each
    request, which would end the test's transaction; the test client does
    the same as this.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Random codes and dates rarely pass the checks behind the schema (a trigger in
# the catalogue, a day not in the future), so half the generated events are
# given valid ones, to drive requests all the way to recording an event.
REACHABLE = {
    "/api/v1/events": {"trigger_type": "other", "occurred_on": "2020-01-31"},
    "/api/v1/fhir/AdverseEvent": {"identifier": {"value": "F"}, "date": "2020-01-31"},
}


def reachable(path: str, case, deepen: bool, number: int):
    if deepen and isinstance(case.body, dict):
        case.body.update(REACHABLE[path])
        case.body.pop("unit", None)
        case.body.pop("site", None)
        if "identifier" in case.body:
            case.body["identifier"] = {"value": f"F-{number}"}
    return case


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/fhir/AdverseEvent"])
def test_schemathesis_finds_no_server_error(
    cast, caller, wsgi_app, settings, path, mode
):
    settings.API_RATE_LIMIT_PER_MINUTE = 10_000
    schema = schemathesis.openapi.from_wsgi(OPENAPI, wsgi_app)
    strategy = schema[path]["POST"].as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        strategy = strategies.builds(
            partial(reachable, path),
            strategy,
            strategies.booleans(),
            strategies.integers(min_value=0, max_value=10**6),
        )
    headers = {"Authorization": f"Bearer {caller.key}"}
    answers = []

    @hypothesis.settings(
        max_examples=50,
        deadline=None,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(case=strategy)
    def fuzz(case):
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        answers.append(response.status_code)

    fuzz()
    if mode == GenerationMode.POSITIVE:
        # The key was sent every time, and some events got all the way in.
        assert 401 not in answers
        assert {200, 201} & set(answers), collections.Counter(answers)
