"""The resource directory in Open Referral HSDS 3.0 form: the mapping, and writing it out.

A ``Resource`` is an HSDS ``service``. Fields HSDS has a place for go there
(see docs/resources.md for the table); the fields only Alongside has (kind,
confidentiality, whether use is reportable to a licensing board, crisis,
order) travel as HSDS ``attributes``: each is a term of the "Alongside"
taxonomy, with the field's value in the attribute's ``value``. So an export
imported again, here or in another Alongside, gives back the same directory.

Ids of the objects HSDS nests in a service (organization, phone, schedule,
location, attribute, term) are derived from stable names with uuid5, so the
same directory always exports the same file.

Reading files back is ``resources.hsds_read``.
"""

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable

from resources.models import Resource

# A fixed namespace for the uuid5 ids Alongside derives (never change it: it
# would change every id in every export).
ALONGSIDE_NAMESPACE = uuid.UUID("6c1b2f0e-4f7a-5b8e-9d3c-2a7e8f1d4b60")

TAXONOMY = "Alongside"
LINK_TYPE = "alongside"
STATUS_ACTIVE, STATUS_INACTIVE = "active", "inactive"
# HSDS 3.0 service statuses; anything but "active" is imported as retired.
STATUSES = (STATUS_ACTIVE, STATUS_INACTIVE, "defunct", "temporarily closed")

# The Alongside-only fields, as taxonomy terms: code -> (field, term name).
ALONGSIDE_TERMS = {
    "alongside:kind": ("kind", "Kind of resource"),
    "alongside:confidentiality": ("confidentiality", "What it keeps confidential"),
    "alongside:reportable_to_licensing_board": (
        "reportable_to_licensing_board",
        "Whether use is reportable to a licensing board",
    ),
    "alongside:is_crisis": ("is_crisis", "Crisis resource"),
    "alongside:sort_order": ("sort_order", "Order in the directory"),
}
ALONGSIDE_PREFIX = "alongside:"

# The tabular form: each table's columns, as HSDS 3.0 names them.
COLUMNS = {
    "organizations.csv": [
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
    ],
    "services.csv": [
        "id",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "fees_description",
        "eligibility_description",
    ],
    "phones.csv": [
        "id",
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
    ],
    "schedules.csv": [
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "description",
    ],
    "service_at_locations.csv": ["id", "service_id", "location_id", "description"],
    "locations.csv": ["id", "location_type", "organization_id", "name", "description"],
    "attributes.csv": [
        "id",
        "link_id",
        "taxonomy_term_id",
        "link_type",
        "link_entity",
        "value",
    ],
    "taxonomy_terms.csv": [
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
    ],
}


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(ALONGSIDE_NAMESPACE, ":".join(str(part) for part in parts)))


def organization_id(name: str) -> str:
    return derived_id("organization", name)


def term_id(code: str) -> str:
    return derived_id("term", code)


def term(code: str) -> dict:
    field, name = ALONGSIDE_TERMS[code]
    return {
        "id": term_id(code),
        "code": code,
        "name": name,
        "description": f"Alongside's {field.replace('_', ' ')} field.",
        "taxonomy": TAXONOMY,
    }


def attribute_value(resource: Resource, field: str) -> str:
    value = getattr(resource, field)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def service(resource: Resource) -> dict:
    """One resource as an HSDS 3.0 service object, nested objects and all.

    Empty optional values are left out, as the HSDS schemas would refuse an
    empty ``email`` or ``url``.
    """
    sid = str(resource.hsds_id)
    data = {
        "id": sid,
        "name": resource.name,
        "description": resource.description,
        "url": resource.url,
        "email": resource.email,
        "status": STATUS_ACTIVE if resource.is_active else STATUS_INACTIVE,
        "fees_description": resource.cost,
        "eligibility_description": resource.eligibility,
    }
    data = {key: value for key, value in data.items() if value}
    data["organization"] = {
        "id": organization_id(resource.organization_name),
        "name": resource.organization_name,
        "description": "",
    }
    if resource.phone:
        data["phones"] = [{"id": derived_id(sid, "phone"), "number": resource.phone}]
    if resource.hours:
        data["schedules"] = [
            {"id": derived_id(sid, "schedule"), "description": resource.hours}
        ]
    if resource.location:
        data["service_at_locations"] = [
            {
                "id": derived_id(sid, "service_at_location"),
                "location": {
                    "id": derived_id(sid, "location"),
                    "location_type": "physical",
                    "name": resource.location,
                },
            }
        ]
    data["attributes"] = [
        {
            "id": derived_id(sid, code),
            "link_type": LINK_TYPE,
            "link_entity": "service",
            "value": attribute_value(resource, field),
            "taxonomy_term": term(code),
        }
        for code, (field, _) in ALONGSIDE_TERMS.items()
    ]
    return data


def services_json(resources: Iterable[Resource]) -> bytes:
    """The directory as a JSON list of HSDS service objects."""
    return json.dumps(
        [service(resource) for resource in resources], indent=2, ensure_ascii=False
    ).encode()


def tables(resources: Iterable[Resource]) -> dict[str, list[dict]]:
    """The directory as HSDS tabular rows, table by table: nested objects flattened
    into their own tables and joined back by id, as the Tabular Data Package form has it.
    """
    rows = {name: [] for name in COLUMNS}
    organizations, terms = {}, {}
    for resource in resources:
        data = service(resource)
        sid = data["id"]
        organization = data.pop("organization")
        organizations.setdefault(organization["id"], organization)
        for phone in data.pop("phones", []):
            rows["phones.csv"].append({**phone, "service_id": sid})
        for schedule in data.pop("schedules", []):
            rows["schedules.csv"].append({**schedule, "service_id": sid})
        for link in data.pop("service_at_locations", []):
            location = link.pop("location")
            rows["locations.csv"].append(
                {**location, "organization_id": organization["id"]}
            )
            rows["service_at_locations.csv"].append(
                {**link, "service_id": sid, "location_id": location["id"]}
            )
        for attribute in data.pop("attributes"):
            taxonomy_term = attribute.pop("taxonomy_term")
            terms.setdefault(taxonomy_term["id"], taxonomy_term)
            rows["attributes.csv"].append(
                {**attribute, "link_id": sid, "taxonomy_term_id": taxonomy_term["id"]}
            )
        rows["services.csv"].append({**data, "organization_id": organization["id"]})
    rows["organizations.csv"] = list(organizations.values())
    rows["taxonomy_terms.csv"] = list(terms.values())
    return rows


def services_csv_zip(resources: Iterable[Resource]) -> bytes:
    """The directory as a zip of HSDS CSV tables with a minimal datapackage.json."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, table_rows in tables(resources).items():
            archive.writestr(name, _csv_text(COLUMNS[name], table_rows))
        archive.writestr("datapackage.json", _datapackage())
    return buffer.getvalue()


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _datapackage() -> str:
    """A Tabular Data Package descriptor naming each table and its columns."""
    return json.dumps(
        {
            "name": "alongside-resource-directory",
            "profile": "tabular-data-package",
            "resources": [
                {
                    "name": name.removesuffix(".csv"),
                    "path": name,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": {
                        "fields": [
                            {"name": column, "type": "string"} for column in columns
                        ]
                    },
                }
                for name, columns in COLUMNS.items()
            ],
        },
        indent=2,
    )
