"""The synthetic large system, generated at a tiny scale (demo/large_system)."""

import datetime
import hashlib
from collections import Counter

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from accounts.models import Role, RoleAssignment, User
from confidentiality.models import AuditEvent
from conversations.models import Encounter
from demo.large_system import (
    PASSWORD,
    LargeSystemRefused,
    large_system_generate,
    signed_in_session_key,
    supporter_email,
)
from events.models import AdverseEvent
from organization.models import StaffMember
from outreach.models import OPEN_STATES, OfferStep, OutreachOffer
from program.selectors import program_settings
from surveys.models import Answer, Response, Wave, WaveStatus
from training.models import SupporterStanding

SCALE = 0.002
NOW = datetime.datetime(2026, 11, 20, 14, 0, tzinfo=datetime.UTC)
ACCOUNTS = ["director", "administrator", "leader", "risk", "it"]


def _generate(seed: int = 7) -> None:
    large_system_generate(seed=seed, scale=SCALE, now=NOW, vacuum=False)


@pytest.fixture
def generated(db):
    _generate()


def _digest() -> str:
    """The generated rows, by what they say rather than by database-assigned ids."""
    queries = [
        StaffMember.objects.values_list(
            "employee_id", "first_name", "last_name", "work_email", "profession__code",
            "department__code", "site__code", "supervisor__employee_id", "start_date",
            "is_active",
        ),
        AdverseEvent.objects.values_list(
            "id", "source", "source_event_id", "occurred_on", "trigger_type__code",
            "harm_level", "unit__code", "created_at",
        ),
        OutreachOffer.objects.values_list(
            "id", "person__employee_id", "origin", "event_id", "state", "state_changed_at",
            "supporter__employee_id", "contacted_at", "close_reason", "closed_at", "created_at",
        ),
        OfferStep.objects.values_list("offer_id", "from_state", "to_state", "at", "actor__email", "detail"),
        Encounter.objects.values_list("id", "offer_id", "occurred_on", "duration_minutes", "modality", "outcome"),
        Response.objects.values_list("id", "wave__label", "department__code", "profession__code", "tenure_band"),
        Answer.objects.values_list("response_id", "item", "value"),
        AuditEvent.objects.filter(action__startswith="offer.").values_list(
            "occurred_at", "actor__email", "action", "object_id", "subject__employee_id", "details"
        ),
    ]  # fmt: skip
    digest = hashlib.sha256()
    for query in queries:
        for row in sorted(query.order_by(), key=repr):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def _digest_of_a_run(seed: int) -> str:
    savepoint = transaction.savepoint_create()
    _generate(seed)
    digest = _digest()
    transaction.savepoint_rollback(savepoint)
    return digest


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows():
    first = _digest_of_a_run(7)
    assert _digest_of_a_run(7) == first
    assert _digest_of_a_run(8) != first


def test_the_counts_follow_the_scale(generated):
    assert StaffMember.objects.count() == 300  # the floor: 100 000 × 0.002 = 200
    assert AdverseEvent.objects.count() == 400
    assert 950 <= OutreachOffer.objects.count() <= 1100
    assert RoleAssignment.objects.filter(role=Role.PEER_SUPPORTER).count() == 8
    answers = Answer.objects.count()
    assert 3_000 <= answers <= 5_000
    assert AuditEvent.objects.count() >= 2 * OutreachOffer.objects.count()


def test_the_distributions_look_like_a_health_system(generated):
    professions = Counter(
        StaffMember.objects.values_list("profession__code", flat=True)
    )
    assert professions["nurse"] > professions["physician"] > professions["pharmacist"]
    triggers = Counter(
        AdverseEvent.objects.values_list("trigger_type__code", flat=True)
    )
    assert triggers.most_common(1)[0][0] == "serious-safety-event"
    weekdays = Counter(
        day.weekday()
        for day in AdverseEvent.objects.values_list("occurred_on", flat=True)
    )
    assert weekdays[1] > weekdays[6]  # more on a Tuesday than on a Sunday
    states = Counter(OutreachOffer.objects.values_list("state", flat=True))
    still_open = sum(states[state] for state in OPEN_STATES)
    assert 0 < still_open <= 10
    assert states["closed"] > states["no_answer"] > 0


def test_offers_end_before_now_and_first_contact_mostly_beats_the_clock(generated):
    offers = OutreachOffer.objects.exclude(contacted_at=None)
    assert not OutreachOffer.objects.filter(state_changed_at__gt=NOW).exists()
    in_time = sum(o.contacted_at <= o.first_contact_due_at for o in offers)
    assert in_time / offers.count() > 0.9


def test_the_sign_in_accounts_exist_with_a_second_factor(generated):
    emails = [f"{key}@large.test" for key in ACCOUNTS] + [
        supporter_email(1),
        supporter_email(8),
    ]
    users = User.objects.filter(email__in=emails)
    assert users.count() == len(emails)
    for user in users:
        assert user.check_password(PASSWORD)
        assert Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists()


def test_supporters_are_trained_and_most_are_assignable(generated):
    standings = Counter(SupporterStanding.objects.values_list("status", flat=True))
    assert sum(standings.values()) == 8
    assert standings["active"] >= 6


def test_cases_stay_for_the_longest_retention(generated):
    assert program_settings().case_retention_days == 3650


def test_each_closed_wave_has_its_summary_and_no_invitations(generated):
    closed = Wave.objects.filter(status=WaveStatus.CLOSED)
    assert closed.count() == 4
    for wave in closed:
        assert wave.summary.responses == wave.responses.count() > 0
        assert not wave.invitations.exists()
        assert wave.invited >= wave.answered > 0
    assert Wave.objects.get(status=WaveStatus.OPEN).invitations.exists()


def test_a_signed_in_session_passes_the_second_factor_check(generated):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session_key(
        User.objects.get(email="director@large.test")
    )
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user.email == "director@large.test"


@pytest.mark.parametrize(
    "path",
    ["/", "/people/", "/events/", "/outreach/", "/results/", "/surveys/pulse/results/", "/audit/", "/team/"],
)  # fmt: skip
def test_the_main_pages_answer_the_director(generated, client_for, path):
    client = client_for(User.objects.get(email="director@large.test"))
    assert client.get(path).status_code == 200


def test_it_refuses_a_database_that_already_has_staff(generated):
    with pytest.raises(LargeSystemRefused, match="already has staff"):
        _generate()


def test_the_command_refuses_production_mode(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("generate_large_system", "--seed", "1", "--scale", "0.001")


def test_the_command_prints_its_stages_and_the_counts(db, capsys, tmp_path):
    key_file = tmp_path / "key.txt"
    call_command(
        "generate_large_system",
        "--seed",
        "3",
        "--scale",
        "0.001",
        "--api-key-file",
        str(key_file),
    )
    out = capsys.readouterr().out
    assert "outreach cases" in out and "outreach.OutreachOffer" in out
    assert key_file.read_text().startswith("al_")
    assert connection.vendor in {"sqlite", "postgresql"}
