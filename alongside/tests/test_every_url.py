"""Every URL, requested by every role and by an anonymous visitor.

The table below is the access policy as people meet it. A URL that is added
without an entry here fails ``test_every_url_has_an_entry``: deciding who may
open a new page is part of adding it. Every page answered is also held to
QUERY_BUDGET queries.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
)
from django.utils import timezone

from alongside.testing.cast import make_staff_member
from api.models import ApiKey
from brief.models import EvidenceFinding
from brief.selectors import briefs_refresh
from conversations.models import (
    DebriefRequest,
    Encounter,
    FacilitatedReferral,
    SafetyConcern,
)
from events.models import AdverseEvent, TriggerType
from guide.models import Question, Stage
from organization.models import RosterImport
from outreach.models import OnCallWindow, OutreachOffer
from publicity.models import OnboardingContact, OutreachActivity
from reports.dashboard import dashboards_refresh
from resources.models import Resource
from selection.models import NominationRound
from selection.services import nomination_make
from surveys.invitations import invitation_token, token_hash
from surveys.models import Invitation, Survey, Wave, WaveStatus
from surveys.services import builtin_instruments_install
from training.models import Enrolment, TrainingModule, TrainingSession

VIEWERS = (
    "anon",
    "director",
    "administrator",
    "supporter",
    "clinician",
    "leader",
    "risk",
    "it",
)


def statuses(default: int, **by_viewer: int) -> dict[str, int]:
    return {viewer: by_viewer.get(viewer, default) for viewer in VIEWERS}


EVERYONE = statuses(200)
SIGNED_IN = statuses(200, anon=302)
PROGRAM_STAFF = statuses(404, anon=302, director=200, administrator=200)
DIRECTOR_ONLY = statuses(404, anon=302, director=200)
SUPPORTERS_AND_PROGRAM_STAFF = statuses(
    404, anon=302, director=200, administrator=200, supporter=200
)
# Program staff and leadership: aggregates (suppressed for leadership).
RESULTS = statuses(404, anon=302, director=200, administrator=200, leader=200)
SIGNED_OUT_ONLY = statuses(302, anon=200)
NOT_FOUND_FOR_ALL = statuses(404)
# The cast's clinician holds no role, so has no second factor set up.
WITH_SECOND_FACTOR = statuses(200, anon=302, clinician=302)


@dataclass(frozen=True)
class Entry:
    expected: dict[str, int]
    kwargs: str = ""  # the name of a builder in SUBJECTS below
    method: str = "get"
    data: dict = field(default_factory=dict)


TABLE: dict[str, Entry] = {
    # Alongside's own pages
    "home": Entry(EVERYONE),
    "privacy": Entry(EVERYONE),
    "healthz": Entry(EVERYONE),
    "my_record": Entry(SIGNED_IN),
    "roster": Entry(PROGRAM_STAFF),
    "staff_member_detail": Entry(PROGRAM_STAFF, kwargs="clinician_entry"),
    "roster_import_new": Entry(PROGRAM_STAFF),
    "roster_import_detail": Entry(PROGRAM_STAFF, kwargs="roster_import"),
    "roster_import_progress": Entry(PROGRAM_STAFF, kwargs="roster_import"),
    "organization_settings": Entry(PROGRAM_STAFF),
    "organization_unit_edit": Entry(PROGRAM_STAFF, kwargs="site"),
    "roles": Entry(statuses(404, anon=302, director=200, administrator=200, it=200)),
    "role_revoke": Entry(
        statuses(404, anon=302, it=302), kwargs="leader_role", method="post"
    ),
    "audit_log": Entry(statuses(404, anon=302, director=200, it=200)),
    "system_status": Entry(statuses(404, anon=302, it=200)),
    # Who the program serves, and the program's settings (scope and program apps)
    "support_ask": Entry(SIGNED_IN),
    "support_contact": Entry(SIGNED_IN),
    "support_other_help": Entry(SIGNED_IN),
    "scope": Entry(PROGRAM_STAFF),
    "scope_version_new": Entry(statuses(404, anon=302, director=200)),
    "scope_version_edit": Entry(
        statuses(404, anon=302, director=200), kwargs="scope_proposal"
    ),
    "scope_version_schedule": Entry(
        statuses(404, anon=302, director=302),
        kwargs="scope_proposal",
        method="post",
        data={"effective_from": "2099-01-01"},
    ),
    "scope_version_withdraw": Entry(
        statuses(404, anon=302, director=302), kwargs="scope_proposal", method="post"
    ),
    "program_settings": Entry(PROGRAM_STAFF),
    # The team: appointments, hours (team app)
    "team": Entry(PROGRAM_STAFF),
    "appointment_acknowledge": Entry(
        statuses(404, anon=302, clinician=200), kwargs="pending_appointment"
    ),
    "program_hours": Entry(PROGRAM_STAFF),
    "hours_remove": Entry(
        statuses(404, anon=302, director=302), kwargs="director_hours", method="post"
    ),
    # Training: session feedback (training app, feedback_urls)
    # Only someone who attended may answer (the cast's supporter did); the
    # totals are the director's alone, even for a facilitator.
    "session_feedback": Entry(
        statuses(404, anon=302, supporter=200), kwargs="attended_session"
    ),
    "feedback_summary": Entry(DIRECTOR_ONLY),
    # Training: curriculum, sessions, readiness (training app)
    "training_overview": Entry(PROGRAM_STAFF),
    "curriculum": Entry(PROGRAM_STAFF),
    "training_module_new": Entry(DIRECTOR_ONLY),
    "training_module_edit": Entry(DIRECTOR_ONLY, kwargs="training_module"),
    "session_new": Entry(PROGRAM_STAFF),
    # The cast's director facilitates: the session page is theirs, program
    # staff's and every supporter's (to enrol); nobody else's.
    "session_detail": Entry(SUPPORTERS_AND_PROGRAM_STAFF, kwargs="training_session"),
    "session_edit": Entry(PROGRAM_STAFF, kwargs="training_session"),
    "session_cancel": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="training_session",
        method="post",
    ),
    "session_enrol": Entry(
        statuses(404, anon=302, director=302, administrator=302, supporter=302),
        kwargs="training_session",
        method="post",
    ),
    "session_attendance": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="training_session",
        method="post",
    ),
    "enrolment_withdraw": Entry(
        statuses(404, anon=302, director=302, administrator=302, supporter=302),
        kwargs="supporters_enrolment",
        method="post",
    ),
    "my_training": Entry(statuses(404, anon=302, supporter=200)),
    "my_training_pause": Entry(statuses(404, anon=302, supporter=302), method="post"),
    "my_training_resume": Entry(statuses(404, anon=302, supporter=302), method="post"),
    "supporter_training_record": Entry(PROGRAM_STAFF, kwargs="supporter_entry"),
    "competency_sign_off": Entry(
        statuses(404, anon=302, director=302), kwargs="supporter_entry", method="post"
    ),
    # The API and its keys (api app)
    # The ingest endpoints answer a call without a key 401, whoever is signed in.
    "openapi-json": Entry(EVERYONE),
    "api-root": Entry(NOT_FOUND_FOR_ALL),
    "api_events": Entry(statuses(401), method="post"),
    "api_fhir_adverse_event": Entry(statuses(401), method="post"),
    "api_keys": Entry(statuses(404, anon=302, it=200)),
    "api_key_revoke": Entry(
        statuses(404, anon=302, it=302), kwargs="api_key", method="post"
    ),
    # Adverse events (events app)
    "event_list": Entry(
        statuses(404, anon=302, director=200, administrator=200, risk=200)
    ),
    "event_new": Entry(statuses(404, anon=302, risk=200)),
    "event_detail": Entry(
        statuses(404, anon=302, director=200, administrator=200, risk=200),
        kwargs="adverse_event",
    ),
    "event_litigation": Entry(
        statuses(404, anon=302, director=302, administrator=302, risk=302),
        kwargs="adverse_event",
        method="post",
    ),
    "trigger_catalogue": Entry(PROGRAM_STAFF),
    "trigger_edit": Entry(DIRECTOR_ONLY, kwargs="trigger_type"),
    # Referrals and outreach (outreach app)
    "outreach_queue": Entry(PROGRAM_STAFF),
    "offer_detail": Entry(PROGRAM_STAFF, kwargs="outreach_offer"),
    "offer_reassign": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="outreach_offer",
        method="post",
    ),
    "offer_close": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="outreach_offer",
        method="post",
    ),
    "my_support": Entry(SIGNED_IN),
    # The offer is the clinician's own request: withdrawing it deletes it.
    "my_request_withdraw": Entry(
        statuses(404, anon=302, clinician=302), kwargs="outreach_offer", method="post"
    ),
    "my_assignments": Entry(statuses(404, anon=302, supporter=200)),
    # The offer is assigned to the cast's supporter: nobody else may move it.
    "assignment_move": Entry(
        statuses(404, anon=302, supporter=302), kwargs="outreach_offer", method="post"
    ),
    "assignment_first_message": Entry(
        statuses(404, anon=302, supporter=302), kwargs="outreach_offer", method="post"
    ),
    "my_availability": Entry(statuses(404, anon=302, supporter=200)),
    "on_call_window_remove": Entry(
        statuses(404, anon=302, supporter=302), kwargs="on_call_window", method="post"
    ),
    # Support conversations and the care of supporters (conversations app)
    "encounter_log": Entry(
        statuses(404, anon=302, supporter=200), kwargs="outreach_offer"
    ),
    "care_check": Entry(
        statuses(404, anon=302, supporter=200), kwargs="supporters_encounter"
    ),
    "safety_concern": Entry(SUPPORTERS_AND_PROGRAM_STAFF),
    "supporter_care": Entry(DIRECTOR_ONLY),
    # Empty, the referral form is shown again with what to fix.
    "facilitated_referral_make": Entry(
        statuses(404, anon=302, supporter=200), kwargs="outreach_offer", method="post"
    ),
    "facilitated_referral_outcome": Entry(
        statuses(404, anon=302, supporter=302),
        kwargs="supporters_referral",
        method="post",
    ),
    "referral_answer": Entry(NOT_FOUND_FOR_ALL, kwargs="stale_answer"),
    "debrief_handled": Entry(
        statuses(404, anon=302, director=302), kwargs="debrief_request", method="post"
    ),
    "safety_concern_acknowledged": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="safety_concern",
        method="post",
    ),
    "offer_answer": Entry(NOT_FOUND_FOR_ALL, kwargs="stale_answer"),
    "refer_colleague": Entry(SIGNED_IN),
    "refer_colleague_confirm": Entry(SIGNED_IN, kwargs="eligible_colleague"),
    "public_request": Entry(EVERYONE),
    "public_request_confirm": Entry(NOT_FOUND_FOR_ALL, kwargs="stale_answer"),
    # Selecting peer supporters (selection app)
    "selection": Entry(PROGRAM_STAFF),
    "nomination_round_new": Entry(DIRECTOR_ONLY),
    "nomination_round_detail": Entry(PROGRAM_STAFF, kwargs="nomination_round"),
    "nomination_round_close": Entry(
        statuses(404, anon=302, director=302), kwargs="nomination_round", method="post"
    ),
    "candidate_detail": Entry(PROGRAM_STAFF, kwargs="candidate"),
    "supporter_coverage": Entry(PROGRAM_STAFF),
    "nominate": Entry(SIGNED_IN),
    "nominate_person": Entry(SIGNED_IN, kwargs="eligible_colleague"),
    "nomination_withdraw": Entry(
        statuses(404, anon=302, clinician=302),
        kwargs="clinicians_nomination",
        method="post",
    ),
    "supporter_apply": Entry(SIGNED_IN),
    "invitation_answer": Entry(NOT_FOUND_FOR_ALL, kwargs="stale_invitation"),
    # The resource directory (resources app)
    # Anyone may read it, signed in or not; program staff keep it.
    "resources": Entry(EVERYONE),
    "resources_manage": Entry(PROGRAM_STAFF),
    "resource_new": Entry(PROGRAM_STAFF),
    "resource_edit": Entry(PROGRAM_STAFF, kwargs="resource"),
    "resource_retire": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="resource",
        method="post",
    ),
    "resources_import": Entry(PROGRAM_STAFF),
    "resources_export_json": Entry(PROGRAM_STAFF),
    "resources_export_csv": Entry(PROGRAM_STAFF),
    # The conversation guide (guide app)
    # Supporters and program staff read it and print its card; the director edits it.
    "guide": Entry(SUPPORTERS_AND_PROGRAM_STAFF),
    "guide_card": Entry(SUPPORTERS_AND_PROGRAM_STAFF),
    "guide_edit": Entry(DIRECTOR_ONLY),
    "guide_stage_edit": Entry(DIRECTOR_ONLY, kwargs="guide_stage"),
    "guide_question_add": Entry(
        statuses(404, anon=302, director=302),
        kwargs="guide_stage",
        method="post",
        data={"text": "What would help most right now?"},
    ),
    "guide_question_edit": Entry(DIRECTOR_ONLY, kwargs="guide_question"),
    "guide_question_move": Entry(
        statuses(404, anon=302, director=302),
        kwargs="guide_question",
        method="post",
        data={"direction": "down"},
    ),
    "guide_question_remove": Entry(
        statuses(404, anon=302, director=302), kwargs="guide_question", method="post"
    ),
    "guide_restore": Entry(
        statuses(404, anon=302, director=302), method="post", data={"confirm": "on"}
    ),
    # Workforce surveys (surveys app). The response form opens with its link,
    # for anyone holding it; running surveys is program staff's; results are
    # also leadership's (suppressed aggregates).
    "survey_respond": Entry(EVERYONE, kwargs="survey_link"),
    "survey_thanks": Entry(EVERYONE),
    "survey_list": Entry(RESULTS),
    "survey_new": Entry(PROGRAM_STAFF),
    "survey_instruments": Entry(PROGRAM_STAFF),
    "wave_new": Entry(PROGRAM_STAFF, kwargs="survey"),
    "wave_edit": Entry(PROGRAM_STAFF, kwargs="draft_wave"),
    "wave_open": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="draft_wave",
        method="post",
    ),
    "wave_close": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="open_wave",
        method="post",
    ),
    "survey_results": Entry(RESULTS, kwargs="survey"),
    "survey_results_csv": Entry(RESULTS, kwargs="survey"),
    "survey_results_xlsx": Entry(RESULTS, kwargs="survey"),
    "survey_results_pdf": Entry(RESULTS, kwargs="survey"),
    "survey_results_status": Entry(RESULTS, kwargs="survey"),
    "wave_summarize_now": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="closed_wave",
        method="post",
    ),
    # Publicity (publicity app): program staff's.
    "publicity": Entry(PROGRAM_STAFF),
    "publicity_activity_new": Entry(PROGRAM_STAFF),
    "publicity_activity_edit": Entry(PROGRAM_STAFF, kwargs="planned_activity"),
    "publicity_activity_done": Entry(PROGRAM_STAFF, kwargs="planned_activity"),
    "publicity_activity_cancel": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="planned_activity",
        method="post",
    ),
    "publicity_activities_csv": Entry(PROGRAM_STAFF),
    "publicity_activities_xlsx": Entry(PROGRAM_STAFF),
    "publicity_channels_csv": Entry(PROGRAM_STAFF),
    "publicity_channels_xlsx": Entry(PROGRAM_STAFF),
    "publicity_onboarding": Entry(PROGRAM_STAFF),
    "publicity_onboarding_record": Entry(
        statuses(404, anon=302, director=302, administrator=302), method="post"
    ),
    "publicity_onboarding_remove": Entry(
        statuses(404, anon=302, director=302, administrator=302),
        kwargs="onboarding_contact",
        method="post",
    ),
    # The program dashboard (reports app): program staff in full, leadership suppressed.
    "program_dashboard": Entry(RESULTS),
    "program_dashboard_export": Entry(RESULTS, kwargs="dashboard_export"),
    # The case to leadership (brief app): read by program staff and leadership,
    # edited by the director.
    "brief": Entry(RESULTS),
    "brief_pdf": Entry(RESULTS),
    "brief_evidence": Entry(DIRECTOR_ONLY),
    "brief_evidence_new": Entry(DIRECTOR_ONLY),
    "brief_evidence_edit": Entry(DIRECTOR_ONLY, kwargs="brief_finding"),
    "brief_evidence_move": Entry(
        statuses(404, anon=302, director=302),
        kwargs="brief_finding",
        method="post",
        data={"direction": "up"},
    ),
    "brief_evidence_retire": Entry(
        statuses(404, anon=302, director=302), kwargs="brief_finding", method="post"
    ),
    "brief_assumptions": Entry(DIRECTOR_ONLY),
    "brief_assumptions_from_survey": Entry(
        statuses(404, anon=302, director=302), method="post"
    ),
    # Sign-in and account pages (django-allauth)
    "account_login": Entry(SIGNED_OUT_ONLY),
    "account_logout": Entry(statuses(200, anon=302)),
    "account_inactive": Entry(EVERYONE),
    "account_signup": Entry(SIGNED_OUT_ONLY),
    "account_reauthenticate": Entry(SIGNED_IN),
    "account_email": Entry(NOT_FOUND_FOR_ALL),
    "accounts/email/": Entry(NOT_FOUND_FOR_ALL),
    "account_email_verification_sent": Entry(EVERYONE),
    "account_change_password": Entry(SIGNED_IN),
    "account_set_password": Entry(statuses(302)),
    "account_reset_password": Entry(EVERYONE),
    "account_reset_password_done": Entry(EVERYONE),
    "account_reset_password_from_key": Entry(EVERYONE, kwargs="reset_key"),
    "account_reset_password_from_key_done": Entry(EVERYONE),
    "account_confirm_email": Entry(EVERYONE, kwargs="confirmation_key"),
    "account_confirm_login_code": Entry(statuses(302)),
    # Reauthenticating with a code sent by e-mail (allauth 65.22): asking for one.
    "account_request_reauthentication_code": Entry(SIGNED_IN),
    "account_confirm_reauthentication_code": Entry(statuses(302)),
    "mfa_index": Entry(SIGNED_IN),
    "mfa_authenticate": Entry(statuses(302)),
    "mfa_reauthenticate": Entry(WITH_SECOND_FACTOR),
    "mfa_activate_totp": Entry(statuses(302)),
    "mfa_deactivate_totp": Entry(statuses(302, clinician=404)),
    "mfa_view_recovery_codes": Entry(statuses(302, clinician=404)),
    "mfa_generate_recovery_codes": Entry(statuses(302)),
    "mfa_download_recovery_codes": Entry(statuses(302, clinician=404)),
    # Single sign-on (django-allauth socialaccount, OpenID Connect)
    "socialaccount_login_cancelled": Entry(EVERYONE),
    "socialaccount_login_error": Entry(statuses(401)),
    "socialaccount_signup": Entry(statuses(302)),
    "socialaccount_connections": Entry(SIGNED_IN),
    "accounts/social/login/cancelled/": Entry(statuses(301)),
    "accounts/social/login/error/": Entry(statuses(301)),
    "accounts/social/signup/": Entry(statuses(301)),
    "accounts/social/connections/": Entry(statuses(301)),
    "openid_connect_login": Entry(NOT_FOUND_FOR_ALL, kwargs="unknown_provider"),
    "openid_connect_callback": Entry(NOT_FOUND_FOR_ALL, kwargs="unknown_provider"),
}

SUBJECTS = {
    "clinician_entry": lambda cast: {"staff_member_id": cast.clinician.staff_member_id},
    "supporters_encounter": lambda cast: {
        "encounter_id": Encounter.objects.create(
            offer=outreach_offer(cast),
            supporter=cast.supporter.staff_member,
            occurred_on=timezone.localdate(),
            duration_minutes=30,
            modality="phone",
            outcome="continuing",
        ).pk
    },
    "supporters_referral": lambda cast: {
        "referral_id": FacilitatedReferral.objects.create(
            offer=outreach_offer(cast),
            resource=Resource.objects.create(
                name="Employee Assistance Program",
                kind="eap",
                organization_name="Riverside Health",
            ),
            supporter=cast.supporter.staff_member,
            made_on=timezone.localdate(),
            follow_up_with="supporter",
            follow_up_on=timezone.localdate(),
        ).pk
    },
    "debrief_request": lambda cast: {
        "request_id": DebriefRequest.objects.create(
            supporter=cast.supporter.staff_member
        ).pk
    },
    "safety_concern": lambda cast: {
        "concern_id": SafetyConcern.objects.create(
            raised_by=cast.supporter.staff_member
        ).pk
    },
    "roster_import": lambda cast: {
        "import_id": RosterImport.objects.create(
            created_by=cast.administrator, file_name="roster.csv"
        ).pk
    },
    "site": lambda cast: {"kind": "site", "pk": cast.org.north.pk},
    "leader_role": lambda cast: {
        "assignment_id": cast.leader.staff_member.role_assignments.get().pk
    },
    "nomination_round": lambda cast: {"round_id": open_round(cast).pk},
    "candidate": lambda cast: {"candidate_id": nominate(cast).candidate_id},
    "eligible_colleague": lambda cast: {
        "staff_member_id": colleague_in_open_round(cast).pk
    },
    "clinicians_nomination": lambda cast: {"nomination_id": nominate(cast).pk},
    "stale_invitation": lambda cast: {"token": "no-such-invitation"},
    "scope_proposal": lambda cast: {
        "version_id": type(cast.scope).objects.create(name="Nurses too").pk
    },
    "pending_appointment": lambda cast: {
        "assignment_id": cast.clinician.staff_member.role_assignments.create(
            role="program_director",
            starts_on=timezone.localdate(),
            committed_percent=20,
            needs_acknowledgement=True,
        ).pk
    },
    "director_hours": lambda cast: {
        "entry_id": cast.director.staff_member.program_hours.create(
            worked_on=timezone.localdate(),
            hours=1,
            activity="meetings",
            created_by=cast.director,
        ).pk
    },
    "training_module": lambda cast: {"module_id": TrainingModule.objects.first().pk},
    "training_session": lambda cast: {"session_id": training_session(cast).pk},
    "supporters_enrolment": lambda cast: {
        "enrolment_id": Enrolment.objects.create(
            session=training_session(cast), staff_member=cast.supporter.staff_member
        ).pk
    },
    "supporter_entry": lambda cast: {"staff_member_id": cast.supporter.staff_member_id},
    "attended_session": lambda cast: {
        "session_id": Enrolment.objects.create(
            session=TrainingSession.objects.create(
                title="Listening well",
                starts_at=timezone.now() - datetime.timedelta(hours=4),
                ends_at=timezone.now() - datetime.timedelta(hours=1),
                modality="in_person",
                room="Education Centre, room 2",
                facilitator=cast.director.staff_member,
                created_by=cast.director,
                attendance_taken_at=timezone.now(),
            ),
            staff_member=cast.supporter.staff_member,
            attendance="attended",
        ).session_id
    },
    "adverse_event": lambda cast: {"event_id": adverse_event(cast).pk},
    "trigger_type": lambda cast: {"trigger_id": TriggerType.objects.first().pk},
    "outreach_offer": lambda cast: {"offer_id": outreach_offer(cast).pk},
    "on_call_window": lambda cast: {
        "window_id": OnCallWindow.objects.create(
            supporter=cast.supporter.staff_member,
            starts_at=timezone.now(),
            ends_at=timezone.now() + datetime.timedelta(hours=8),
        ).pk
    },
    "stale_answer": lambda cast: {"token": "no-such-link"},
    "api_key": lambda cast: {
        "key_id": ApiKey.objects.create(
            source="incident-system", prefix="0badc0de", key_hash="sha256$0"
        ).pk
    },
    "reset_key": lambda cast: {"uidb36": "1", "key": "not-a-real-key"},
    "confirmation_key": lambda cast: {"key": "not-a-real-key"},
    "unknown_provider": lambda cast: {"provider_id": "nowhere"},
    "guide_stage": lambda cast: {"stage_id": Stage.objects.first().pk},
    "guide_question": lambda cast: {"question_id": Question.objects.first().pk},
    "survey": lambda cast: {"slug": survey(cast).slug},
    "planned_activity": lambda cast: {
        "activity_id": OutreachActivity.objects.create(
            channel="grand_rounds",
            title="Grand rounds",
            held_on=timezone.localdate(),
            status="planned",
        ).pk
    },
    "onboarding_contact": lambda cast: {
        "contact_id": OnboardingContact.objects.create(
            staff_member=make_staff_member(cast.org, start_date=timezone.localdate()),
            how="email",
            told_on=timezone.localdate(),
        ).pk
    },
    "dashboard_export": lambda cast: {"table": "first_contact", "format": "xlsx"},
    "brief_finding": lambda cast: {"finding_id": EvidenceFinding.objects.first().pk},
    "draft_wave": lambda cast: {
        "wave_id": survey_wave(cast, status=WaveStatus.DRAFT).pk
    },
    "open_wave": lambda cast: {"wave_id": survey_wave(cast, status=WaveStatus.OPEN).pk},
    "closed_wave": lambda cast: {
        "wave_id": survey_wave(cast, status=WaveStatus.CLOSED).pk
    },
    "survey_link": lambda cast: {"token": survey_link(cast)},
    "resource": lambda cast: {
        "resource_id": Resource.objects.create(
            name="Employee Assistance Program",
            kind="eap",
            organization_name="Riverside Health",
            phone="555-0100",
        ).pk
    },
}


def training_session(cast):
    starts_at = timezone.now() + datetime.timedelta(days=3)
    return TrainingSession.objects.get_or_create(
        title="Listening",
        defaults={
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(hours=2),
            "modality": "in_person",
            "room": "Room 4",
            "private_setting_confirmed": True,
            "facilitator": cast.director.staff_member,
            "created_by": cast.director,
        },
    )[0]


def adverse_event(cast):
    return AdverseEvent.objects.create(
        source="manual",
        occurred_on=timezone.localdate(),
        trigger_type=TriggerType.objects.get(code="aggression"),
    )


def outreach_offer(cast):
    return OutreachOffer.objects.create(
        person=cast.clinician.staff_member,
        origin="self",
        state="assigned",
        state_changed_at=timezone.now(),
        supporter=cast.supporter.staff_member,
        assigned_at=timezone.now(),
        first_contact_due_at=timezone.now() + datetime.timedelta(hours=24),
    )


def open_round(cast):
    return NominationRound.objects.get_or_create(
        title="Spring",
        defaults={
            "opens_on": timezone.localdate(),
            "closes_on": timezone.localdate() + datetime.timedelta(days=14),
            "created_by": cast.director,
        },
    )[0]


def colleague_in_open_round(cast):
    open_round(cast)
    return make_staff_member(cast.org, first_name="Nia")


def nominate(cast):
    return nomination_make(
        nominator=cast.clinician,
        nomination_round=open_round(cast),
        nominee=make_staff_member(cast.org, first_name="Nell"),
    )


def survey(cast) -> Survey:
    [instrument] = builtin_instruments_install()
    return Survey.objects.get_or_create(
        slug="pulse", defaults={"title": "Staff pulse", "instrument": instrument}
    )[0]


def survey_wave(cast, *, status: str) -> Wave:
    today = timezone.localdate()
    return Wave.objects.get_or_create(
        survey=survey(cast),
        label=status,
        defaults={
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=14),
            "status": status,
            "k": 5,
            "k_comments": 10,
        },
    )[0]


def survey_link(cast) -> str:
    wave = survey_wave(cast, status=WaveStatus.OPEN)
    person = cast.clinician.staff_member
    token = invitation_token(wave.pk, person.pk)
    Invitation.objects.get_or_create(
        wave=wave, staff_member=person, defaults={"token_hash": token_hash(token)}
    )
    return token


def url_patterns(patterns=None, prefix: str = ""):
    """(key, route) for every pattern: its name, or its route when it has none."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            yield pattern.name or route, route


def test_every_url_has_an_entry():
    keys = {key for key, _ in url_patterns()}
    assert keys - TABLE.keys() == set(), (
        "Add these URLs to TABLE with who may open them"
    )
    assert TABLE.keys() - keys == set(), "These TABLE entries no longer match a URL"


def request_path(key: str, entry: Entry, cast) -> str:
    if key.startswith("accounts/"):
        return "/" + key
    kwargs = SUBJECTS[entry.kwargs](cast) if entry.kwargs else {}
    try:
        return reverse(key, kwargs=kwargs)
    except NoReverseMatch:
        # Named inside a namespace (the API's patterns are "api:<name>").
        for namespace in get_resolver().namespace_dict:
            try:
                return reverse(f"{namespace}:{key}", kwargs=kwargs)
            except NoReverseMatch:
                continue
        raise


# No page may cost more than this many queries, whoever opens it. Each page's
# own tests check that its count does not grow with the data; the benchmark
# (bench/production.py) reads the same count off a large system.
QUERY_BUDGET = 30
# Pages whose figures the worker keeps ready (reports.figures_cache): measured
# as people meet them, after the worker's round.
FIGURES_KEPT_READY = {
    "program_dashboard",
    "program_dashboard_export",
    "brief",
    "brief_pdf",
}


@pytest.mark.parametrize("key", sorted(TABLE))
def test_every_role_gets_the_expected_answer(key, cast):
    """And no page answered makes more than QUERY_BUDGET queries."""
    entry = TABLE[key]
    users = {"anon": None, **cast.by_role_name()}
    if key in FIGURES_KEPT_READY:
        dashboards_refresh()
        briefs_refresh(today=timezone.localdate())
    answers, costs = {}, {}
    for viewer in VIEWERS:
        with transaction.atomic():
            client = Client()
            if users[viewer] is not None:
                client.force_login(users[viewer])
            path = request_path(key, entry, cast)
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, entry.method)(path, entry.data)
            answers[viewer] = response.status_code
            if response.status_code == 200:
                costs[viewer] = len(queries)
            transaction.set_rollback(True)
    assert answers == entry.expected, f"{key}: expected {entry.expected}, got {answers}"
    assert max(costs.values(), default=0) <= QUERY_BUDGET, f"{key}: queries {costs}"
