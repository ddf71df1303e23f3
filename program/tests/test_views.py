import pytest
from django.urls import reverse

from confidentiality.models import AuditAction, AuditEvent
from program.forms import ProgramSettingsForm
from program.selectors import program_settings


def settings_form_data(**changes) -> dict:
    form = ProgramSettingsForm(instance=program_settings())
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    return data


def test_the_director_changes_the_settings(cast, client_for):
    client = client_for(cast.director)
    page = client.get(reverse("program_settings"))
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {
        "program_contact",
        "out_of_scope_message",
        "director_time_cap_percent",
        "full_time_hours_per_week",
        "supporters_per_100_eligible",
        "assumed_requests_per_100_per_year",
        "nominator_identity_kept_days",
        "ongoing_meeting_cadence",
        "meetings_missed_allowed",
        "competency_sign_off_required",
        "reminder_hours_before",
        "supporter_caseload_cap",
        "matching_department_rule",
        "first_contact_hours_after_death",
        "second_offer_after_days",
        "check_in_days",
        "cluster_events",
        "cluster_days",
        "conversations_per_case",
        "referral_follow_up_days",
        "encounter_notes_enabled",
        "case_retention_days",
        "channel_reminder_days",
        "onboarding_window_days",
        "crisis_protocol",
    }
    response = client.post(
        reverse("program_settings"),
        settings_form_data(out_of_scope_message="Call the EAP on 5-5555."),
    )
    assert response.status_code == 302
    assert program_settings().out_of_scope_message == "Call the EAP on 5-5555."
    event = AuditEvent.objects.get(action=AuditAction.PROGRAM_SETTINGS_CHANGED)
    assert event.details == {"fields": ["out_of_scope_message"]}
    assert "Saved the program settings." in client.get(response.url).content.decode()


def test_a_bad_value_is_explained_and_nothing_changes(cast, client_for):
    response = client_for(cast.director).post(
        reverse("program_settings"),
        settings_form_data(director_time_cap_percent=150),
    )
    assert response.status_code == 200
    assert "less than or equal to 100" in response.content.decode()
    assert program_settings().director_time_cap_percent == 20
    assert not AuditEvent.objects.exists()


def test_the_administrator_reads_the_settings_without_a_form(cast, client_for):
    html = client_for(cast.administrator).get(reverse("program_settings")).content
    html = html.decode()
    assert "Only the program director changes these settings." in html
    assert "<textarea" not in html
    assert 'type="submit">Save' not in html
    assert "Employee Assistance Program" in html


def test_the_administrator_cannot_change_the_settings(cast, client_for):
    response = client_for(cast.administrator).post(
        reverse("program_settings"), settings_form_data(director_time_cap_percent=50)
    )
    assert response.status_code == 404
    assert program_settings().director_time_cap_percent == 20


@pytest.mark.parametrize("viewer", ["supporter", "clinician", "leader", "risk", "it"])
def test_nobody_else_finds_the_settings(cast, client_for, viewer):
    client = client_for(getattr(cast, viewer))
    assert client.get(reverse("program_settings")).status_code == 404
    response = client.post(reverse("program_settings"), settings_form_data())
    assert response.status_code == 404
