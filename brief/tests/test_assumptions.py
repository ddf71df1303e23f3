"""The director sets the cost model's assumptions: validated, audited, shown in the arithmetic."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from brief.forms import AssumptionsForm
from brief.models import CostModelAssumptions
from brief.selectors import assumptions_current
from brief.tests.conftest import closed_wave, days_ago
from confidentiality.models import AuditAction, AuditAudience, AuditEvent

pytestmark = pytest.mark.django_db


def current_values() -> dict:
    return model_to_dict(assumptions_current(), fields=AssumptionsForm.Meta.fields)


def audits() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=AuditAction.BRIEF_ASSUMPTIONS_CHANGED
        ).order_by("pk")
    )


def test_the_defaults_are_there_before_anyone_sets_them(cast, client_for):
    response = client_for(cast.director).get(reverse("brief_assumptions"))
    assert response.status_code == 200
    assumptions = CostModelAssumptions.objects.get()
    assert assumptions.physicians_in_scope == 500
    assert assumptions.director_time_share == Decimal(20)
    assert "Physicians who leave in a year" in response.content.decode()


def test_a_change_is_saved_audited_and_the_brief_s_arithmetic_follows(cast, client_for):
    client = client_for(cast.director)
    response = client.post(
        reverse("brief_assumptions"),
        current_values() | {"annual_turnover_rate": "10", "physicians_in_scope": "800"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("brief") + "#cost-model"
    [audit] = audits()
    assert audit.actor == cast.director
    assert audit.audience == AuditAudience.PROGRAM
    assert audit.details["changed"] == {
        "annual_turnover_rate": ["7", "10"],
        "physicians_in_scope": ["500", "800"],
    }
    page = client.get(reverse("brief")).content.decode()
    assert "800 × 10 %" in page  # 80 physicians leave in a year


def test_saving_without_a_change_writes_no_audit_event(cast, client_for):
    client_for(cast.director).post(reverse("brief_assumptions"), current_values())
    assert audits() == []


def test_a_burnout_figure_entered_by_hand_says_so(cast, client_for):
    client_for(cast.director).post(
        reverse("brief_assumptions"), current_values() | {"burnout_prevalence": "52.5"}
    )
    assumptions = assumptions_current()
    assert assumptions.burnout_prevalence == Decimal("52.5")
    assert assumptions.burnout_prevalence_source == "Entered by hand"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"annual_turnover_rate": "120"},
            "annual_turnover_rate",
            "cannot be above 100 %",
        ),
        ({"burnout_prevalence": "-1"}, "burnout_prevalence", "cannot be below 0 %"),
        (
            {"burnout_relative_risk": "0.5"},
            "burnout_relative_risk",
            "1 means burnout makes no difference",
        ),
        (
            {"replacement_cost": "-5"},
            "replacement_cost",
            "An amount cannot be negative.",
        ),
        ({"physicians_in_scope": "0"}, "physicians_in_scope", "at least one physician"),
        ({"director_salary": "lots"}, "director_salary", "Give a number"),
        (
            {"supporter_hours_per_year": "3000"},
            "supporter_hours_per_year",
            "about 2,000 hours",
        ),
        ({"training_cost": ""}, "training_cost", "0 where there is none"),
        (
            {"expected_reduction": "10.555"},
            "expected_reduction",
            "at most 2 decimal places",
        ),
    ],
)
def test_figures_that_cannot_be_right_are_refused_with_a_clear_message(
    cast, client_for, changes, field, message
):
    response = client_for(cast.director).post(
        reverse("brief_assumptions"), current_values() | changes
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert audits() == []
    # The arithmetic beside the form still shows what is saved.
    assert response.context["cost"]["departures"].value == 35


def test_burnout_is_taken_from_the_latest_survey_wave(cast, client_for, two_waves):
    CostModelAssumptions.objects.create(pk=1, burnout_prevalence=30)
    response = client_for(cast.director).post(
        reverse("brief_assumptions_from_survey"), follow=True
    )
    assumptions = assumptions_current()
    assert assumptions.burnout_prevalence == Decimal("45.0")
    assert assumptions.burnout_prevalence_source.startswith("Staff pulse, Autumn")
    assert "100 answered, 95 % interval 35.6 to 54.8 %" in (
        assumptions.burnout_prevalence_source
    )
    assert "Burnout is now 45.0 %" in response.content.decode()
    [audit] = audits()
    assert audit.details["changed"]["burnout_prevalence"] == ["30", "45"]
    assert audit.details["changed"]["burnout_prevalence_source"][1].startswith(
        "Staff pulse, Autumn"
    )


def test_a_hidden_burnout_figure_is_never_taken(cast, client_for, survey):
    closed_wave(
        survey,
        "Tiny",
        closes_on=days_ago(5),
        responses=9,
        stress=(9, 5),
        burnout=(9, 3),
    )
    response = client_for(cast.director).post(
        reverse("brief_assumptions_from_survey"), follow=True
    )
    assert "The burnout figure of “Tiny” is hidden" in response.content.decode()
    assert assumptions_current().burnout_prevalence == Decimal(45)
    assert audits() == []


def test_without_a_survey_the_director_is_told_to_enter_burnout_by_hand(
    cast, client_for
):
    response = client_for(cast.director).post(
        reverse("brief_assumptions_from_survey"), follow=True
    )
    assert "No closed survey wave has a burnout figure yet" in response.content.decode()
