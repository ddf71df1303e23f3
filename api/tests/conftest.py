import json
from dataclasses import dataclass

import pytest
from django.test import Client

from api.services import api_key_create

EVENTS = "/api/v1/events"
FHIR = "/api/v1/fhir/AdverseEvent"


@dataclass
class Caller:
    """A source system calling the API with its key."""

    key: str
    api_key: object
    client: Client

    def post(self, path, payload, *, content_type="application/json", key=None):
        body = payload if isinstance(payload, bytes | str) else json.dumps(payload)
        headers = {"Authorization": f"Bearer {key or self.key}"}
        return self.client.post(path, body, content_type=content_type, headers=headers)


@pytest.fixture
def caller(cast) -> Caller:
    api_key, key = api_key_create(source="incident-system")
    return Caller(key=key, api_key=api_key, client=Client())
