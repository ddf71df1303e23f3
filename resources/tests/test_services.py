"""Keeping the directory: who may, and the witness rows each change leaves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from confidentiality.models import AccessEvent, AccessKind, AuditAction, AuditEvent
from resources.hsds_read import HsdsFileError
from resources.models import Resource
from resources.services import (
    resource_retire,
    resource_save,
    resources_export,
    resources_import,
)
from resources.tests.conftest import make_resource, sample_json

NOT_PROGRAM_STAFF = ["supporter", "clinician", "leader", "risk", "it"]


def a_new_resource(**fields) -> Resource:
    values = {
        "name": "Chaplaincy",
        "kind": "chaplaincy",
        "organization_name": "Riverside Health",
        "location": "Chapel, ground floor",
    }
    values.update(fields)
    return Resource(**values)


@pytest.mark.parametrize("who", ["director", "administrator"])
def test_program_staff_add_a_resource_and_the_change_is_audited(cast, who):
    resource = resource_save(actor=getattr(cast, who), resource=a_new_resource())

    event = AuditEvent.objects.get(action=AuditAction.RESOURCE_CHANGED)
    assert event.actor == getattr(cast, who)
    assert event.object_id == str(resource.pk)
    assert event.audience == "program"
    assert event.details["created"] is True
    assert event.details["name"] == "Chaplaincy"


def test_saving_changes_is_audited_as_a_change_not_a_creation(cast):
    resource = make_resource()
    resource.hours = "Weekdays"

    resource_save(actor=cast.director, resource=resource)

    assert Resource.objects.get().hours == "Weekdays"
    assert AuditEvent.objects.get().details["created"] is False


@pytest.mark.parametrize("who", NOT_PROGRAM_STAFF)
def test_nobody_else_may_keep_the_directory(cast, who):
    actor = getattr(cast, who)
    resource = make_resource()

    with pytest.raises(PermissionDenied):
        resource_save(actor=actor, resource=a_new_resource())
    with pytest.raises(PermissionDenied):
        resource_retire(actor=actor, resource=resource)
    with pytest.raises(PermissionDenied):
        resources_import(actor=actor, file_name="d.json", content=sample_json())
    with pytest.raises(PermissionDenied):
        resources_export(actor=actor, export_format="json")

    assert Resource.objects.count() == 1
    assert Resource.objects.get().is_active
    assert not AuditEvent.objects.exists()
    assert not AccessEvent.objects.exists()


def test_a_resource_nobody_can_reach_is_refused(cast):
    resource = a_new_resource(location="")

    with pytest.raises(ValidationError, match="Say how to reach it"):
        resource_save(actor=cast.director, resource=resource)

    assert not Resource.objects.exists()
    assert not AuditEvent.objects.exists()


def test_retiring_takes_a_resource_off_the_page_once_and_is_audited(cast):
    resource = make_resource()

    resource_retire(actor=cast.administrator, resource=resource)
    resource_retire(actor=cast.administrator, resource=resource)

    assert Resource.objects.get().is_active is False
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id) == (
        AuditAction.RESOURCE_RETIRED,
        str(resource.pk),
    )


def test_an_import_writes_one_audit_event_with_its_counts(cast):
    resources_import(actor=cast.director, file_name="d.json", content=sample_json())

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.RESOURCES_IMPORTED
    assert event.details == {"format": "json", "added": 3, "updated": 0, "unchanged": 0}


def test_a_refused_import_writes_no_audit_event(cast):
    with pytest.raises(HsdsFileError):
        resources_import(actor=cast.director, file_name="d.json", content=b"[")

    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "export_format, file_name, content_type",
    [
        ("json", "alongside-resources.json", "application/json"),
        ("csv", "alongside-resources-hsds.zip", "application/zip"),
    ],
)
def test_an_export_is_witnessed(cast, export_format, file_name, content_type):
    make_resource()
    make_resource(name="Retired line", is_active=False)

    export = resources_export(actor=cast.director, export_format=export_format)

    assert (export.file_name, export.content_type) == (file_name, content_type)
    event = AccessEvent.objects.get()
    assert (event.actor, event.kind, event.object_type) == (
        cast.director,
        AccessKind.EXPORT,
        "resources.resource",
    )
    assert event.purpose.endswith("(2 rows)")


def test_an_import_racing_another_one_is_refused_and_saves_nothing(cast, monkeypatch):
    from django.db import IntegrityError
    from django.db.models import QuerySet

    def a_moment_too_late(self, objs, *args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(QuerySet, "bulk_create", a_moment_too_late)

    with pytest.raises(HsdsFileError) as refusal:
        resources_import(actor=cast.director, file_name="d.json", content=sample_json())

    assert [str(p) for p in refusal.value.problems] == [
        "d.json: could not be imported: another import added some of the same "
        "services a moment ago. Upload it again."
    ]
    assert not AuditEvent.objects.exists()
