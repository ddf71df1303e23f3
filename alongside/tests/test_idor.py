"""The IDOR probe: every object URL, opened by every role and by a same-role twin.

``test_every_url`` says which roles may open a URL. This probe asks the
question that table cannot: when a role may open an object, may *anyone*
holding that role open it, or only the person it belongs to? ``PERSONAL``
below makes that choice explicit for every URL that names an object; a URL
added without a decision fails ``test_every_object_url_says_whose_it_is``.

Whoever is refused must get no 2xx, must not see the names of the people
behind the object, and, for a POST, must change nothing in the database.
"""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from accounts.models import User
from alongside.testing.cast import Cast, make_user
from alongside.tests.test_every_url import TABLE, VIEWERS, Entry, request_path
from confidentiality import policy
from organization.models import StaffMember

# For each URL that names an object: the roles whose access is one person's
# (the object is theirs: their request, their assignment, their enrolment).
# A twin holding the same role gets 404. Every other role TABLE lets in may
# open anyone's object of that kind, and its twin gets what it gets.
PERSONAL: dict[str, frozenset[str]] = {
    # The program's records, kept by the role, not by one person.
    "staff_member_detail": frozenset(),
    "roster_import_detail": frozenset(),
    "roster_import_progress": frozenset(),
    "organization_unit_edit": frozenset(),
    "role_revoke": frozenset(),
    "scope_version_edit": frozenset(),
    "scope_version_schedule": frozenset(),
    "scope_version_withdraw": frozenset(),
    "training_module_edit": frozenset(),
    "session_detail": frozenset(),
    "session_edit": frozenset(),
    "session_cancel": frozenset(),
    "session_attendance": frozenset(),
    "supporter_training_record": frozenset(),
    "competency_sign_off": frozenset(),
    "api_key_revoke": frozenset(),
    "event_detail": frozenset(),
    "event_litigation": frozenset(),
    "trigger_edit": frozenset(),
    "offer_detail": frozenset(),
    "offer_reassign": frozenset(),
    "offer_close": frozenset(),
    "debrief_handled": frozenset(),
    "safety_concern_acknowledged": frozenset(),
    "nomination_round_detail": frozenset(),
    "nomination_round_close": frozenset(),
    "candidate_detail": frozenset(),
    "resource_edit": frozenset(),
    "resource_retire": frozenset(),
    "guide_stage_edit": frozenset(),
    "guide_question_add": frozenset(),
    "guide_question_edit": frozenset(),
    "guide_question_move": frozenset(),
    "guide_question_remove": frozenset(),
    "wave_new": frozenset(),
    "wave_edit": frozenset(),
    "wave_open": frozenset(),
    "wave_close": frozenset(),
    "survey_results": frozenset(),
    "survey_results_csv": frozenset(),
    "survey_results_xlsx": frozenset(),
    "survey_results_pdf": frozenset(),
    "survey_results_status": frozenset(),
    "wave_summarize_now": frozenset(),
    "publicity_activity_edit": frozenset(),
    "publicity_activity_done": frozenset(),
    "publicity_activity_cancel": frozenset(),
    "publicity_onboarding_remove": frozenset(),
    "program_dashboard_export": frozenset(),
    "brief_evidence_edit": frozenset(),
    "brief_evidence_move": frozenset(),
    "brief_evidence_retire": frozenset(),
    # Anyone may name a colleague; any supporter may enrol in a session.
    "refer_colleague_confirm": frozenset(),
    "nominate_person": frozenset(),
    "session_enrol": frozenset(),
    # Links that are capabilities in themselves: whoever holds one may open it.
    "survey_respond": frozenset(),
    "account_reset_password_from_key": frozenset(),
    "account_confirm_email": frozenset(),
    # Nobody opens these (a stale link, an unknown provider).
    "referral_answer": frozenset(),
    "offer_answer": frozenset(),
    "public_request_confirm": frozenset(),
    "invitation_answer": frozenset(),
    "openid_connect_login": frozenset(),
    "openid_connect_callback": frozenset(),
    # One person's own: an appointment to acknowledge, their own hours.
    "appointment_acknowledge": frozenset({"clinician"}),
    "hours_remove": frozenset({"director"}),
    # A clinician's own request and nomination.
    "my_request_withdraw": frozenset({"clinician"}),
    "nomination_withdraw": frozenset({"clinician"}),
    # A supporter's own cases, conversations, hours on call and training.
    "assignment_move": frozenset({"supporter"}),
    "assignment_first_message": frozenset({"supporter"}),
    "encounter_log": frozenset({"supporter"}),
    "care_check": frozenset({"supporter"}),
    "facilitated_referral_make": frozenset({"supporter"}),
    "facilitated_referral_outcome": frozenset({"supporter"}),
    "on_call_window_remove": frozenset({"supporter"}),
    "session_feedback": frozenset({"supporter"}),
    "enrolment_withdraw": frozenset({"supporter"}),
}

REFUSED = (401, 403, 404)
# Django's own catalogues no view writes; the session, written on every request;
# the access trail, which may rightly record the refusal itself.
UNWATCHED_APPS = {"auth", "contenttypes", "sessions"}
UNWATCHED_MODELS = {"confidentiality.AccessEvent", "confidentiality.AuditEvent"}

OBJECT_URLS = sorted(key for key, entry in TABLE.items() if entry.kwargs)


def twin_name(viewer: str) -> str:
    return f"twin_{viewer}"


def build_twins(cast: Cast) -> dict[str, User]:
    """A second person for each role: same roles, another department and site."""
    twins = {twin_name("supporter"): cast.other_supporter}
    for viewer, user in cast.by_role_name().items():
        if viewer == "supporter":
            continue
        twins[twin_name(viewer)] = make_user(
            cast.org,
            roles=tuple(policy.roles_of(user)),
            first_name="Tess",
            last_name=f"Twin{viewer.title()}",
            department=cast.org.pediatrics,
            site=cast.org.south,
        )
    return twins


def is_refused(viewer: str, status: int) -> bool:
    return status in REFUSED or (viewer == "anon" and status == 302)


def expected_answers(key: str, entry: Entry) -> dict[str, int]:
    """What every viewer and every twin must get."""
    answers = dict(entry.expected)
    for viewer in VIEWERS[1:]:
        role_answer = entry.expected[viewer]
        personal = viewer in PERSONAL[key] and not is_refused(viewer, role_answer)
        answers[twin_name(viewer)] = 404 if personal else role_answer
    return answers


def watched_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in UNWATCHED_APPS
        and model._meta.label not in UNWATCHED_MODELS
    )


def database_state() -> dict[str, list[tuple]]:
    """Every row the project keeps, as stored, but for sessions and the access trail."""
    state = {}
    with connection.cursor() as cursor:
        for table in watched_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            state[table] = sorted(map(repr, cursor.fetchall()))
    return state


def people_named(viewer_user: User | None) -> list[str]:
    """Everyone on the roster by full name, but for the viewer (whose own page shows it)."""
    own = viewer_user.staff_member_id if viewer_user else None
    return [
        person.full_name
        for person in StaffMember.objects.exclude(pk=own).only(
            "first_name", "last_name"
        )
    ]


def test_every_object_url_says_whose_it_is():
    assert set(OBJECT_URLS) - PERSONAL.keys() == set(), (
        "Decide in PERSONAL whether a same-role twin may open these"
    )
    assert PERSONAL.keys() - set(OBJECT_URLS) == set(), (
        "These PERSONAL entries no longer name an object URL"
    )


def test_personal_roles_are_roles_the_url_lets_in():
    for key, roles in PERSONAL.items():
        for viewer in roles:
            assert not is_refused(viewer, TABLE[key].expected[viewer]), (
                f"{key}: {viewer} cannot open it at all"
            )


def signed_in_clients(users: dict[str, User | None]) -> dict[str, Client]:
    clients = {}
    for viewer, user in users.items():
        clients[viewer] = Client()
        if user is not None:
            clients[viewer].force_login(user)
    return clients


def probe(key: str, viewer: str, user: User | None, client: Client, cast) -> int:
    """One request, rolled back; checks what a refused viewer saw and changed."""
    entry = TABLE[key]
    expected = expected_answers(key, entry)[viewer]
    with transaction.atomic():
        path = request_path(key, entry, cast)
        watched = entry.method == "post" and is_refused(viewer, expected)
        before = database_state() if watched else None
        names = people_named(user)
        response = getattr(client, entry.method)(path, entry.data)
        if is_refused(viewer, response.status_code):
            body = response.content.decode(errors="replace")
            leaked = [name for name in names if name in body]
            assert leaked == [], f"{key}: {viewer} was refused but saw {leaked}"
            if watched:
                assert database_state() == before, f"{key}: {viewer} changed data"
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("key", OBJECT_URLS)
def test_nobody_outside_the_entitled_set_opens_or_acts_on_an_object(key, cast):
    users: dict[str, User | None] = {
        "anon": None,
        **cast.by_role_name(),
        **build_twins(cast),
    }
    clients = signed_in_clients(users)
    answers = {
        viewer: probe(key, viewer, users[viewer], clients[viewer], cast)
        for viewer in users
    }
    expected = expected_answers(key, TABLE[key])
    assert answers == expected, f"{key}: expected {expected}, got {answers}"


def test_the_probe_notices_a_change_and_a_leaked_name(cast, client_for):
    """The checks above can fail: an allowed POST changes data, a page shows a name."""
    entry = TABLE["my_request_withdraw"]
    client = client_for(cast.clinician)
    with transaction.atomic():
        path = request_path("my_request_withdraw", entry, cast)
        before = database_state()
        assert client.post(path).status_code == 302
        assert database_state() != before
        transaction.set_rollback(True)
    offer_page = request_path("offer_detail", TABLE["offer_detail"], cast)
    body = client_for(cast.director).get(offer_page).content.decode()
    assert cast.clinician.staff_member.full_name in people_named(cast.director)
    assert cast.clinician.staff_member.full_name in body
