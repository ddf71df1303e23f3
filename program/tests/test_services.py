from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from confidentiality.models import AuditAction, AuditAudience, AuditEvent
from program.models import DEFAULT_PROGRAM_CONTACT, ProgramSettings
from program.selectors import program_settings
from program.services import program_settings_update


def test_the_settings_row_is_created_with_the_defaults_when_first_asked_for(db):
    settings_row = program_settings()
    assert settings_row.pk == 1
    assert settings_row.program_contact == DEFAULT_PROGRAM_CONTACT
    assert settings_row.assumed_requests_per_100_per_year == Decimal("5.0")
    assert program_settings() == settings_row
    assert ProgramSettings.objects.count() == 1


def test_a_change_is_saved_and_audited_by_field_name(cast):
    settings_row = program_settings()
    settings_row.program_contact = "Page the program office at 4-1234."
    settings_row.director_time_cap_percent = 25
    program_settings_update(actor=cast.director, program_settings=settings_row)

    saved = ProgramSettings.objects.get()
    assert saved.program_contact == "Page the program office at 4-1234."
    assert saved.updated_by == cast.director
    event = AuditEvent.objects.get(action=AuditAction.PROGRAM_SETTINGS_CHANGED)
    assert (event.actor, event.audience) == (cast.director, AuditAudience.PROGRAM)
    assert sorted(event.details["fields"]) == [
        "director_time_cap_percent",
        "program_contact",
    ]
    assert "4-1234" not in str(event.details)


def test_saving_without_changes_writes_no_audit_event(cast):
    program_settings_update(actor=cast.director, program_settings=program_settings())
    assert not AuditEvent.objects.exists()


def test_a_value_out_of_range_is_refused_and_nothing_is_saved(cast):
    settings_row = program_settings()
    settings_row.director_time_cap_percent = 0
    with pytest.raises(ValidationError) as error:
        program_settings_update(actor=cast.director, program_settings=settings_row)
    assert "director_time_cap_percent" in error.value.message_dict
    assert ProgramSettings.objects.get().director_time_cap_percent == 20
    assert not AuditEvent.objects.exists()
