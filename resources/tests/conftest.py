"""Helpers for the resource directory's tests: the HSDS samples, and resources."""

import io
import json
import zipfile
from pathlib import Path

import pytest

from resources.models import Resource

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_IDS = {
    "eap": "2b0f6a1e-5c3d-4e8f-9a7b-1c2d3e4f5a60",
    "php": "3c1e7b2f-6d4e-4f90-8b8c-2d3e4f5a6b71",
    "988": "4d2f8c3a-7e5f-4a01-9c9d-3e4f5a6b7c82",
}
# Everything a resource holds but its database id and the time it changed.
COMPARED_FIELDS = [
    f.name for f in Resource._meta.concrete_fields if f.name not in ("id", "updated_at")
]


def sample_services() -> list[dict]:
    """The JSON sample, as data a test may change before dumping it."""
    return json.loads((FIXTURES / "sample.json").read_text())


def sample_json(services: list[dict] | None = None) -> bytes:
    return json.dumps(sample_services() if services is None else services).encode()


def sample_tables() -> dict[str, str]:
    """The CSV sample, table by table, as text a test may change before zipping it."""
    return {
        path.name: path.read_text() for path in (FIXTURES / "sample_csv").glob("*.csv")
    }


def zipped(tables: dict[str, str | bytes], folder: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in tables.items():
            archive.writestr(folder + name, text)
    return buffer.getvalue()


def sample_zip(**changes: str | None) -> bytes:
    """The CSV sample zipped; ``services_csv="..."`` replaces a table, None drops it."""
    tables = sample_tables()
    for key, text in changes.items():
        name = key.removesuffix("_csv") + ".csv"
        if text is None:
            tables.pop(name)
        else:
            tables[name] = text
    return zipped(tables)


def snapshot() -> dict[str, dict]:
    """The whole directory, by HSDS id, field by field."""
    return {
        str(resource.hsds_id): {
            name: getattr(resource, name) for name in COMPARED_FIELDS
        }
        for resource in Resource.objects.all()
    }


def make_resource(**fields) -> Resource:
    values = {
        "name": "Employee Assistance Program",
        "kind": "eap",
        "organization_name": "Harbor EAP Services",
        "phone": "1-800-555-0199",
        "hours": "24 hours a day",
        "cost": "Free",
        "eligibility": "Every employee",
        "confidentiality": "Nobody at work learns you called.",
        "reportable_to_licensing_board": "no",
    }
    values.update(fields)
    return Resource.objects.create(**values)


@pytest.fixture
def importing(cast):
    """Import a file as the director; returns the service's result."""
    from resources.services import resources_import

    def run(content: bytes, file_name: str = "directory.json"):
        return resources_import(
            actor=cast.director, file_name=file_name, content=content
        )

    return run
