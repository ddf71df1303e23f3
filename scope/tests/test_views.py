import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from alongside.testing.cast import make_scope, make_staff_member
from confidentiality.models import AccessEvent, AuditEvent
from organization.models import Profession, StaffMember
from program.selectors import program_settings
from scope.models import DemandRecord, ScopeStatus, ScopeVersion


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def demand(org, *, on, in_scope, profession="physician", department=None, site=None):
    return DemandRecord.objects.create(
        recorded_on=on,
        in_scope=in_scope,
        profession=org.professions[profession],
        department=department or org.emergency,
        site=site or org.north,
    )


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def hospital(cast):
    """The cast's five physicians, two residents at South, four nurses, a pharmacist.

    Two planned changes: "All health professionals" (adds the nurses and the
    pharmacist) and "Physicians at North" (drops South and the residents).
    """
    org = cast.org
    for _ in range(2):
        make_staff_member(
            org,
            profession=org.professions["resident"],
            department=org.surgery,
            site=org.south,
        )
    for _ in range(3):
        make_staff_member(
            org, profession=org.professions["nurse"], department=org.pediatrics
        )
    make_staff_member(org, profession=org.professions["pharmacist"])
    make_staff_member(org, profession=org.professions["nurse"], is_active=False)
    everyone = make_scope(
        org,
        professions=("physician", "resident", "app", "nurse", "pharmacist"),
        status=ScopeStatus.PROPOSED,
        name="All health professionals",
    )
    north = make_scope(
        org,
        professions=("physician",),
        status=ScopeStatus.SCHEDULED,
        effective_from=today() + datetime.timedelta(days=30),
        name="Physicians at North",
        all_sites=False,
    )
    north.sites.set([org.north])
    return {"everyone": everyone, "north": north}


# --- Asking for support ----------------------------------------------------------------


def test_the_ask_page_is_one_calm_button_for_someone_outside_the_scope(
    cast, client_for
):
    response = client_for(cast.risk).get(reverse("support_ask"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(">Ask for support</button>") == 1
    assert 'name="viewport"' in html


def test_the_ask_page_offers_optional_preferences_and_one_button_in_scope(
    cast, client_for
):
    html = client_for(cast.clinician).get(reverse("support_ask")).content.decode()
    assert html.count("<button") == 1 + html.count("link-button")
    assert "Every question below is optional" in html


def test_a_physician_who_asks_is_shown_how_to_reach_the_program(cast, client_for):
    client = client_for(cast.clinician)
    response = client.post(reverse("support_ask"))
    assert response.status_code == 302
    assert response.url == reverse("support_contact")
    record = DemandRecord.objects.get()
    assert record.in_scope
    assert record.profession.code == "physician"
    page = page_text(client.get(response.url))
    assert "Thank you for reaching out" in page
    assert program_settings().program_contact in page


def test_a_nurse_outside_the_scope_is_answered_with_other_help(cast, client_for):
    settings_row = program_settings()
    settings_row.out_of_scope_message = "Call the EAP.\n\nOr your manager."
    settings_row.save()
    client = client_for(cast.risk)
    response = client.post(reverse("support_ask"))
    assert response.url == reverse("support_other_help")
    record = DemandRecord.objects.get()
    assert not record.in_scope
    assert record.profession.code == "nurse"
    html = client.get(response.url).content.decode()
    assert "does not yet cover your role" in html
    assert "<p>Call the EAP.</p>" in html
    assert "<p>Or your manager.</p>" in html
    assert "988" in html


def test_nothing_recorded_about_a_request_identifies_the_asker(cast, client_for):
    """Outside the scope, asking leaves only a count.

    (Inside it, asking is a referral: the person asked for a supporter to
    contact them, so the program must know who they are.)
    """
    asker = cast.risk
    client = client_for(asker)
    audit_before, access_before = (
        AuditEvent.objects.count(),
        AccessEvent.objects.count(),
    )
    client.post(reverse("support_ask"))
    client.get(reverse("support_other_help"))

    fields = {field.name for field in DemandRecord._meta.get_fields()}
    assert fields == {
        "id",
        "recorded_on",
        "in_scope",
        "profession",
        "department",
        "site",
    }
    related = {
        field.related_model
        for field in DemandRecord._meta.get_fields()
        if field.is_relation
    }
    assert not related & {User, StaffMember}
    assert AuditEvent.objects.count() == audit_before
    assert AccessEvent.objects.count() == access_before
    assert not AuditEvent.objects.filter(actor=asker).exists()
    assert not AuditEvent.objects.filter(subject=asker.staff_member).exists()
    assert not AccessEvent.objects.filter(actor=asker).exists()
    assert not AccessEvent.objects.filter(subject=asker.staff_member).exists()


def test_someone_with_an_account_but_no_roster_entry_cannot_ask(db, client_for):
    stranger = User.objects.create_user("stranger@hospital.test", password="x" * 20)
    assert client_for(stranger).get(reverse("support_ask")).status_code == 404
    assert client_for(stranger).post(reverse("support_ask")).status_code == 404
    assert not DemandRecord.objects.exists()


# --- The scope page ----------------------------------------------------------------------


def test_the_scope_page_shows_the_scope_in_force_and_who_it_covers(
    cast, hospital, client_for
):
    response = client_for(cast.administrator).get(reverse("scope"))
    overview = response.context["overview"]
    assert overview.in_force == cast.scope
    population = overview.population
    assert population.total == 7
    assert {row.label: row.count for row in population.by_profession} == {
        "Physician": 5,
        "Resident/fellow": 2,
    }
    assert {row.label: row.count for row in population.by_site} == {
        "North Hospital": 4,
        "South Hospital": 3,
    }
    assert {row.label: row.count for row in population.by_department} == {
        "Emergency Medicine": 3,
        "Pediatrics": 1,
        "Surgery": 3,
    }
    page = page_text(response)
    assert f"In force since {cast.scope.effective_from:%-d %b %Y}" in page


def test_each_planned_change_shows_who_it_adds_and_removes(cast, hospital, client_for):
    response = client_for(cast.director).get(reverse("scope"))
    planned = {item.version.name: item for item in response.context["overview"].planned}
    assert list(planned) == ["Physicians at North", "All health professionals"]

    everyone = planned["All health professionals"]
    assert (everyone.added, everyone.removed) == (5, 0)
    assert {row.label: (row.added, row.removed) for row in everyone.by_profession} == {
        "Nurse": (4, 0),
        "Pharmacist": (1, 0),
    }
    # Assumed rate 5 per 100 a year: 5 people x 5 / 100 = 0.25, shown as 0.3.
    assert everyone.expected_requests == Decimal("0.3")

    north = planned["Physicians at North"]
    assert (north.added, north.removed) == (0, 3)
    assert {row.label: (row.added, row.removed) for row in north.by_profession} == {
        "Physician": (0, 1),
        "Resident/fellow": (0, 2),
    }
    page = page_text(response)
    assert "use the assumed rate from the" in page
    assert "5.0 a year for every 100 people" in page
    assert "no requests for support were recorded in the last year" in page


def test_expected_requests_use_the_program_s_own_rate_after_a_year(
    cast, hospital, client_for
):
    for days in range(7):
        demand(cast.org, on=days_ago(days * 30), in_scope=True)
    demand(cast.org, on=days_ago(400), in_scope=True)
    demand(cast.org, on=days_ago(5), in_scope=False, profession="nurse")
    response = client_for(cast.director).get(reverse("scope"))
    rate = response.context["overview"].rate
    assert rate.measured
    # 7 requests in the last 365 days from 7 eligible people: 100 per 100 a year.
    assert (rate.requests, rate.eligible, rate.per_100) == (7, 7, Decimal("100.0"))
    planned = {item.version.name: item for item in response.context["overview"].planned}
    assert planned["All health professionals"].expected_requests == Decimal("5.0")
    assert "the program's own rate: 7 requests" in page_text(response)


def test_a_scope_younger_than_a_year_uses_the_assumed_rate(cast, client_for):
    recent = make_scope(cast.org, effective_from=days_ago(100), name="Recent")
    assert recent.has_taken_effect()
    demand(cast.org, on=days_ago(3), in_scope=True)
    response = client_for(cast.director).get(reverse("scope"))
    rate = response.context["overview"].rate
    assert not rate.measured
    assert rate.per_100 == Decimal("5.0")
    assert "has not yet had a full year" in page_text(response)


def test_unmet_demand_is_counted_by_profession_department_and_month(cast, client_for):
    demand(cast.org, on=today(), in_scope=False, profession="nurse")
    demand(cast.org, on=today(), in_scope=False, profession="nurse")
    demand(
        cast.org,
        on=days_ago(60),
        in_scope=False,
        profession="pharmacist",
        department=cast.org.surgery,
    )
    demand(cast.org, on=days_ago(800), in_scope=False, profession="nurse")
    demand(cast.org, on=today(), in_scope=True)
    response = client_for(cast.administrator).get(reverse("scope"))
    unmet = response.context["overview"].unmet
    assert unmet.total == 3
    assert {row.label: row.count for row in unmet.by_profession} == {
        "Nurse": 2,
        "Pharmacist": 1,
    }
    assert {row.label: row.count for row in unmet.by_department} == {
        "Emergency Medicine": 2,
        "Surgery": 1,
    }
    assert len(unmet.by_month) == 12
    assert unmet.by_month[-1].label == today().replace(day=1)
    assert unmet.by_month[-1].count == 2
    assert sum(row.count for row in unmet.by_month) == 3
    assert f"{today():%b %Y}" in page_text(response)


def test_the_history_lists_earlier_and_withdrawn_versions(cast, client_for):
    current = make_scope(cast.org, effective_from=days_ago(10), name="Current")
    make_scope(
        cast.org,
        status=ScopeStatus.WITHDRAWN,
        name="Abandoned",
    )
    response = client_for(cast.director).get(reverse("scope"))
    overview = response.context["overview"]
    assert overview.in_force == current
    history = {past.version.name: past.until for past in overview.history}
    assert history == {cast.scope.name: days_ago(10), "Abandoned": None}
    assert "Withdrawn" in page_text(response)


def test_the_scope_page_costs_the_same_few_queries_however_large_the_data(
    cast, client_for, django_assert_max_num_queries
):
    org = cast.org
    program_settings()
    make_scope(org, status=ScopeStatus.PROPOSED, name="First proposal")
    client = client_for(cast.director)
    with django_assert_max_num_queries(22) as small:
        client.get(reverse("scope"))

    professions = list(org.professions.values())
    sites = [org.north, org.south]
    departments = [org.emergency, org.surgery, org.pediatrics]
    StaffMember.objects.bulk_create(
        StaffMember(
            employee_id=f"BULK{number}",
            first_name="Bulk",
            last_name=f"Person{number}",
            profession=professions[number % len(professions)],
            site=sites[number % 2],
            department=departments[number % 3],
        )
        for number in range(600)
    )
    for number in range(4):
        make_scope(
            org,
            professions=("physician", "nurse"),
            status=ScopeStatus.PROPOSED,
            name=f"Proposal {number}",
        )
    for days in (15, 45):
        make_scope(
            org,
            professions=("nurse",),
            effective_from=today() + datetime.timedelta(days=days),
            name=f"Future {days}",
        ).sites.set([org.south])
    make_scope(org, effective_from=days_ago(400), name="Earlier")
    make_scope(org, status=ScopeStatus.WITHDRAWN, name="Withdrawn")
    DemandRecord.objects.bulk_create(
        DemandRecord(
            recorded_on=days_ago(number % 500),
            in_scope=bool(number % 3),
            profession=professions[number % len(professions)],
            department=departments[number % 3],
            site=sites[number % 2],
        )
        for number in range(300)
    )
    client = client_for(cast.director)
    with django_assert_max_num_queries(22) as large:
        response = client.get(reverse("scope"))
    assert response.status_code == 200
    assert len(response.context["overview"].planned) == 7
    assert len(large) == len(small)


# --- The director's changes through the pages ------------------------------------------------


def test_the_director_proposes_a_change_through_the_form(cast, client_for):
    nurse = Profession.objects.get(code="nurse")
    response = client_for(cast.director).post(
        reverse("scope_version_new"),
        {
            "name": "Nurses at North",
            "professions": [nurse.pk],
            "sites": [cast.org.north.pk],
            "all_departments": "on",
        },
    )
    assert response.status_code == 302
    version = ScopeVersion.objects.get(name="Nurses at North")
    assert version.status == ScopeStatus.PROPOSED
    assert not version.all_sites
    assert list(version.sites.all()) == [cast.org.north]
    assert version.all_departments


def test_an_incomplete_proposal_is_explained_on_the_form(cast, client_for):
    response = client_for(cast.director).post(
        reverse("scope_version_new"), {"name": "Nobody"}
    )
    assert response.status_code == 200
    page = page_text(response)
    assert "Choose at least one profession the program serves." in page
    assert "Choose at least one site, or choose “All sites”." in page
    assert "Choose at least one department" in page
    assert not ScopeVersion.objects.filter(name="Nobody").exists()


def test_the_director_edits_a_proposal(cast, hospital, client_for):
    version = hospital["everyone"]
    url = reverse("scope_version_edit", args=[version.pk])
    client = client_for(cast.director)
    form_page = client.get(url)
    assert form_page.context["form"].initial["name"] == "All health professionals"
    response = client.post(
        url,
        {
            "name": "Nurses too",
            "professions": list(
                Profession.objects.filter(code__in=["physician", "nurse"]).values_list(
                    "pk", flat=True
                )
            ),
            "all_sites": "on",
            "all_departments": "on",
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.name == "Nurses too"


def test_the_scope_in_force_cannot_be_opened_for_editing(cast, client_for):
    client = client_for(cast.director)
    response = client.get(reverse("scope_version_edit", args=[cast.scope.pk]))
    assert response.url == reverse("scope")
    assert "cannot change any more" in page_text(client.get(response.url))


def test_the_director_schedules_a_proposal(cast, hospital, client_for):
    version = hospital["everyone"]
    day = today() + datetime.timedelta(days=90)
    client = client_for(cast.director)
    response = client.post(
        reverse("scope_version_schedule", args=[version.pk]),
        {"effective_from": day.isoformat()},
    )
    assert response.url == reverse("scope")
    version.refresh_from_db()
    assert (version.status, version.effective_from) == (ScopeStatus.SCHEDULED, day)
    assert f"takes effect on {day:%-d %b %Y}" in page_text(client.get(response.url))


def test_scheduling_in_the_past_is_refused_with_the_reason(cast, hospital, client_for):
    version = hospital["everyone"]
    client = client_for(cast.director)
    response = client.post(
        reverse("scope_version_schedule", args=[version.pk]),
        {"effective_from": days_ago(1).isoformat()},
    )
    assert "a scope cannot start in the past" in page_text(client.get(response.url))
    version.refresh_from_db()
    assert version.status == ScopeStatus.PROPOSED


def test_scheduling_without_a_day_is_refused_with_the_reason(
    cast, hospital, client_for
):
    client = client_for(cast.director)
    response = client.post(
        reverse("scope_version_schedule", args=[hospital["everyone"].pk]), {}
    )
    assert "Choose the day this scope starts." in page_text(client.get(response.url))


def test_the_director_withdraws_a_scheduled_change(cast, hospital, client_for):
    version = hospital["north"]
    response = client_for(cast.director).post(
        reverse("scope_version_withdraw", args=[version.pk])
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == ScopeStatus.WITHDRAWN


def test_withdrawing_the_scope_in_force_is_refused(cast, client_for):
    client = client_for(cast.director)
    response = client.post(reverse("scope_version_withdraw", args=[cast.scope.pk]))
    assert "is part of the program" in page_text(client.get(response.url))
    cast.scope.refresh_from_db()
    assert cast.scope.status == ScopeStatus.SCHEDULED


def test_changes_are_only_made_by_post(cast, hospital, client_for):
    client = client_for(cast.director)
    version = hospital["everyone"]
    for name in ("scope_version_schedule", "scope_version_withdraw"):
        assert client.get(reverse(name, args=[version.pk])).status_code == 405


def test_the_administrator_sees_the_scope_but_cannot_change_it(
    cast, hospital, client_for
):
    client = client_for(cast.administrator)
    html = client.get(reverse("scope")).content.decode()
    assert "Propose a change" not in html
    assert "data-confirm" not in html
    version = hospital["everyone"]
    for name in ("scope_version_schedule", "scope_version_withdraw"):
        response = client.post(
            reverse(name, args=[version.pk]), {"effective_from": today().isoformat()}
        )
        assert response.status_code == 404
    assert (
        client.get(reverse("scope_version_edit", args=[version.pk])).status_code == 404
    )
    version.refresh_from_db()
    assert version.status == ScopeStatus.PROPOSED


def test_the_director_s_actions_ask_for_confirmation(cast, hospital, client_for):
    html = client_for(cast.director).get(reverse("scope")).content.decode()
    version = hospital["everyone"]
    for name in ("scope_version_schedule", "scope_version_withdraw"):
        action = f'action="{reverse(name, args=[version.pk])}"'
        form_tag = html.split(action, 1)[1].split(">", 1)[0]
        assert "data-confirm=" in form_tag


@pytest.mark.parametrize("viewer", ["supporter", "clinician", "leader", "risk", "it"])
def test_people_outside_the_program_staff_find_no_scope_page(
    cast, hospital, client_for, viewer
):
    client = client_for(getattr(cast, viewer))
    assert client.get(reverse("scope")).status_code == 404
    response = client.post(
        reverse("scope_version_withdraw", args=[hospital["everyone"].pk])
    )
    assert response.status_code == 404
