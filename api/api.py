"""Alongside's API (/api/v1/): event ingest for incident-reporting systems.

Two operations, both behind an API key (see ``api.door``) and both
idempotent on the source's event id, and the OpenAPI document at
/api/v1/openapi.json. There are no interactive docs: they would load their
scripts from a CDN, which hospital networks block and DESIGN.md rules out.
docs/api.md is the guide.
"""

from ninja import NinjaAPI, Status

from api.door import BearerApiKey, ParsedBodyParser
from api.errors import install_error_handlers
from api.fhir import FhirAdverseEvent, fhir_event_read
from api.schemas import ANSWERS, EventAccepted, EventIn
from api.services import EventIngested, event_ingest

DESCRIPTION = """\
Incident-reporting systems push adverse events here so that peer support can
reach the clinicians involved. Authenticate with `Authorization: Bearer <key>`
(an IT administrator makes keys: `python manage.py create_api_key SOURCE`, or
System → API keys).

Nothing clinical is kept: Alongside's own shape has no field for it and
refuses unknown fields; of a FHIR AdverseEvent only the identifier, dates,
category/seriousness/severity codings and the staff involved are read, and
the rest (patient, narrative, description, suspect entities…) is discarded
on arrival.

Both operations are idempotent on (the key's source, the event id): a retry
answers 200 with the same event and changes nothing. Errors: 400 malformed
JSON, 401 missing or wrong key, 413 body too large, 415 not JSON, 422 a
field is wrong (each problem names its field), 429 too many requests (see
Retry-After).
"""

api = NinjaAPI(
    title="Alongside",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
    parser=ParsedBodyParser(),
)
install_error_handlers(api)
door = BearerApiKey()


def _answer(result: EventIngested) -> Status:
    return Status(
        201 if result.created else 200,
        EventAccepted(
            event=result.event.pk,
            created=result.created,
            involved_matched=result.involved_matched,
            unmatched=[
                {"index": match.index, "field": match.field, "reason": match.reason}
                for match in result.unmatched
            ],
        ),
    )


@api.post(
    "/events",
    auth=door,
    response=ANSWERS,
    url_name="api_events",
    operation_id="recordEvent",
    summary="Record an adverse event (Alongside's shape)",
    description=(
        "Records the event; moments later Alongside offers support to every "
        "eligible member of staff involved. 201 when recorded, 200 when this event id was already recorded "
        "for your source (nothing changes)."
    ),
)
def events_post(request, payload: EventIn):
    return _answer(event_ingest(api_key=request.auth, incoming=payload.incoming()))


@api.post(
    "/fhir/AdverseEvent",
    auth=door,
    response=ANSWERS,
    url_name="api_fhir_adverse_event",
    operation_id="recordFhirAdverseEvent",
    summary="Record an adverse event (HL7 FHIR R4 AdverseEvent)",
    description=(
        "Accepts an R4 AdverseEvent resource (application/fhir+json or "
        "application/json). People come from recorder, contributor and contained "
        "Practitioner resources, matched by identifier (employee id or NPI "
        "system) or by e-mail in telecom. Unit and site are left empty. See "
        "docs/api.md for the mapping tables."
    ),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/fhir+json": {
                    "schema": {"$ref": "#/components/schemas/FhirAdverseEvent"}
                },
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/FhirAdverseEvent"}
                },
            },
            "required": True,
        }
    },
)
def fhir_adverse_event_post(request, resource: FhirAdverseEvent):
    return _answer(
        event_ingest(api_key=request.auth, incoming=fhir_event_read(resource))
    )
