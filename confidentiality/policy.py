"""The one door to protected rows.

Every read of a protected thing goes through a ``<thing>_visible_to(user)``
function, which returns the rows this user may see as a QuerySet, or an
``access_<thing>(user, id, purpose=…)`` function, which returns one row or
raises Http404 and witnesses the read with an access event. Views and
selectors never filter protected rows on their own.

Each rule sits on its own line so that coverage shows every branch was
tested. A denial is always a 404: whether something exists is itself
confidential.
"""

import datetime

from django.db.models import Q
from django.http import Http404

from accounts.models import Role, RoleAssignment
from api.models import ApiKey
from confidentiality.models import AccessEvent, AccessKind, AuditAudience, AuditEvent
from confidentiality.services import access_event_record
from conversations.models import (
    DebriefRequest,
    Encounter,
    FacilitatedReferral,
    SafetyConcern,
)
from events.models import AdverseEvent
from organization.models import RosterImport, StaffMember
from outreach.models import OnCallWindow, OutreachOffer
from publicity.models import OnboardingContact, OutreachActivity
from scope.eligibility import eligible_staff_members
from scope.models import DemandRecord, ScopeVersion
from selection.models import Candidate, Nomination, NominationRound
from surveys.models import Survey, Wave
from team.models import HoursEntry
from training.models import Enrolment, TrainingSession

PROGRAM_STAFF = frozenset({Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR})


# --- Who holds which role -------------------------------------------------------------


def roles_of(user) -> frozenset[Role]:
    """The roles a signed-in person holds today, read once per request."""
    if not user.is_authenticated or not user.is_active or user.staff_member_id is None:
        return frozenset()
    cached = getattr(user, "_alongside_roles", None)
    if cached is None:
        cached = frozenset(
            Role(role)
            for role in RoleAssignment.objects.current()
            .filter(staff_member_id=user.staff_member_id, staff_member__is_active=True)
            .values_list("role", flat=True)
        )
        user._alongside_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user).intersection(roles))


def is_program_staff(user) -> bool:
    return has_role(user, *PROGRAM_STAFF)


def require(allowed: bool) -> None:
    """Raise 404 unless ``allowed``: the answer for every denial."""
    if not allowed:
        raise Http404


# --- What people may do ------------------------------------------------------------------


def may_manage_roster(user) -> bool:
    return is_program_staff(user)


def may_configure_organization(user) -> bool:
    return is_program_staff(user)


def grantable_roles(user) -> frozenset[Role]:
    """Which roles this person may grant and revoke.

    IT administers access (IT, director, leadership, risk & quality); the
    program director forms the team (administrator, supporters). Nobody may
    grant or revoke their own roles (see role services).
    """
    grantable = set()
    if has_role(user, Role.IT_ADMINISTRATOR):
        grantable |= {
            Role.IT_ADMINISTRATOR,
            Role.PROGRAM_DIRECTOR,
            Role.LEADERSHIP_VIEWER,
            Role.RISK_QUALITY,
        }
    if has_role(user, Role.PROGRAM_DIRECTOR):
        grantable |= {Role.PROGRAM_ADMINISTRATOR, Role.PEER_SUPPORTER}
    return frozenset(grantable)


def may_view_roles(user) -> bool:
    return has_role(
        user, Role.IT_ADMINISTRATOR, Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR
    )


def may_view_system_status(user) -> bool:
    return has_role(user, Role.IT_ADMINISTRATOR)


def may_view_audit_log(user) -> bool:
    return has_role(user, Role.IT_ADMINISTRATOR, Role.PROGRAM_DIRECTOR)


# --- The roster ---------------------------------------------------------------------------


def staff_members_visible_to(user):
    """Program staff see the roster; everyone else sees only their own entry."""
    if is_program_staff(user):
        return StaffMember.objects.all()
    if user.is_authenticated and user.staff_member_id:
        return StaffMember.objects.filter(pk=user.staff_member_id)
    return StaffMember.objects.none()


def access_staff_member(user, staff_member_id, *, purpose: str) -> StaffMember:
    try:
        staff_member = staff_members_visible_to(user).get(pk=staff_member_id)
    except (StaffMember.DoesNotExist, ValueError, TypeError):
        raise Http404
    access_event_record(
        actor=user, obj=staff_member, subject=staff_member, purpose=purpose
    )
    return staff_member


# --- Roster imports ----------------------------------------------------------------------


def roster_imports_visible_to(user):
    """Program staff see every roster import; everyone else sees none."""
    if may_manage_roster(user):
        return RosterImport.objects.all()
    return RosterImport.objects.none()


def access_roster_import(user, import_id, *, purpose: str | None) -> RosterImport:
    """One roster import, without its uploaded file (which can be 50 MB).

    Its report names people, so opening it is witnessed; the progress
    fragment polled every two seconds passes no purpose and is not.
    """
    imports = roster_imports_visible_to(user).select_related("created_by__staff_member")
    try:
        roster_import = imports.defer("content").get(pk=import_id)
    except (RosterImport.DoesNotExist, ValueError, TypeError):
        raise Http404
    if purpose is not None:
        access_event_record(actor=user, obj=roster_import, purpose=purpose)
    return roster_import


# --- Roles -----------------------------------------------------------------------------------


def role_assignments_visible_to(user):
    if may_view_roles(user):
        return RoleAssignment.objects.all()
    if user.is_authenticated and user.staff_member_id:
        return RoleAssignment.objects.filter(staff_member_id=user.staff_member_id)
    return RoleAssignment.objects.none()


def access_role_assignment(user, assignment_id) -> RoleAssignment:
    """A role assignment this person may revoke (a role they may grant, not their own)."""
    try:
        assignment = RoleAssignment.objects.select_related("staff_member").get(
            pk=assignment_id
        )
    except (RoleAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404
    require(assignment.role in grantable_roles(user))
    require(assignment.staff_member_id != user.staff_member_id)
    return assignment


# --- Who the program serves ----------------------------------------------------------------


def may_view_scope(user) -> bool:
    return is_program_staff(user)


def may_change_program(user) -> bool:
    """Scope, program settings and nomination rounds are the director's decisions."""
    return has_role(user, Role.PROGRAM_DIRECTOR)


def scope_versions_visible_to(user):
    if may_view_scope(user):
        return ScopeVersion.objects.all()
    return ScopeVersion.objects.none()


def demand_records_visible_to(user):
    """Requests for help, counted without names: program staff see them."""
    if is_program_staff(user):
        return DemandRecord.objects.all()
    return DemandRecord.objects.none()


def may_ask_for_support(user) -> bool:
    """Anyone on the roster may ask; whether the program serves them is decided after."""
    return bool(user.is_authenticated and user.staff_member_id)


def access_scope_version(user, version_id) -> ScopeVersion:
    """One scope version for program staff. Scopes name no one: no access event."""
    try:
        return scope_versions_visible_to(user).get(pk=version_id)
    except (ScopeVersion.DoesNotExist, ValueError, TypeError):
        raise Http404


def may_view_program_settings(user) -> bool:
    """Program staff read the settings; only the director changes them."""
    return is_program_staff(user)


# --- Team formation (team app) ---------------------------------------------------------------


TEAM_ROLES = frozenset(
    {Role.PROGRAM_DIRECTOR, Role.PROGRAM_ADMINISTRATOR, Role.PEER_SUPPORTER}
)


def may_view_team(user) -> bool:
    """The team page: who leads the program and who supports, with their dates."""
    return is_program_staff(user)


def team_assignments_visible_to(user):
    """Director, administrator and supporter roles, past and future: program staff only."""
    if may_view_team(user):
        return RoleAssignment.objects.filter(role__in=TEAM_ROLES)
    return RoleAssignment.objects.none()


def own_appointments(user):
    """A person's own role assignments: what they are asked to acknowledge."""
    if not user.is_authenticated or user.staff_member_id is None:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(staff_member_id=user.staff_member_id)


def access_own_appointment(user, assignment_id) -> RoleAssignment:
    """An appointment that needs acknowledging, opened only by the person appointed."""
    try:
        return (
            own_appointments(user)
            .filter(needs_acknowledgement=True)
            .select_related("staff_member")
            .get(pk=assignment_id)
        )
    except (RoleAssignment.DoesNotExist, ValueError, TypeError):
        raise Http404


def may_log_hours(user) -> bool:
    """The director and the administrator log their own program hours."""
    return is_program_staff(user)


def may_view_program_hours(user) -> bool:
    return is_program_staff(user)


def hours_entries_visible_to(user):
    """Program staff see every program-staff member's hours; nobody else sees any."""
    if may_view_program_hours(user):
        return HoursEntry.objects.all()
    return HoursEntry.objects.none()


def access_own_hours_entry(user, entry_id) -> HoursEntry:
    """One of the person's own hours entries (to remove it), while they may log hours."""
    require(may_log_hours(user))
    try:
        return hours_entries_visible_to(user).get(
            pk=entry_id, staff_member_id=user.staff_member_id
        )
    except (HoursEntry.DoesNotExist, ValueError, TypeError):
        raise Http404


# --- Training --------------------------------------------------------------------------------


def is_peer_supporter(user) -> bool:
    return has_role(user, Role.PEER_SUPPORTER)


def may_manage_training(user) -> bool:
    """Program staff schedule sessions, enrol supporters and take attendance."""
    return is_program_staff(user)


def may_edit_curriculum(user) -> bool:
    return has_role(user, Role.PROGRAM_DIRECTOR)


def may_sign_off_competency(user) -> bool:
    return has_role(user, Role.PROGRAM_DIRECTOR)


def training_sessions_visible_to(user):
    """Program staff and supporters see the training calendar; facilitators their sessions."""
    if may_manage_training(user) or is_peer_supporter(user):
        return TrainingSession.objects.all()
    if user.is_authenticated and user.staff_member_id:
        return TrainingSession.objects.filter(facilitator_id=user.staff_member_id)
    return TrainingSession.objects.none()


def access_training_session(user, session_id) -> TrainingSession:
    try:
        return (
            training_sessions_visible_to(user)
            .select_related("facilitator")
            .get(pk=session_id)
        )
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise Http404


def may_take_attendance(user, session: TrainingSession) -> bool:
    return may_manage_training(user) or (
        user.is_authenticated and user.staff_member_id == session.facilitator_id
    )


def may_see_participants(user, session: TrainingSession) -> bool:
    return may_take_attendance(user, session)


def supporter_records_visible_to(user):
    """Whose training record this person may open: program staff all supporters', anyone their own."""
    if may_manage_training(user):
        return StaffMember.objects.all()
    if user.is_authenticated and user.staff_member_id:
        return StaffMember.objects.filter(pk=user.staff_member_id)
    return StaffMember.objects.none()


def access_supporter_record(user, staff_member_id, *, purpose: str) -> StaffMember:
    """A supporter's training record (progress, attendance, sign-off), witnessed."""
    try:
        staff_member = (
            supporter_records_visible_to(user)
            .select_related("profession", "department", "site")
            .get(pk=staff_member_id)
        )
    except (StaffMember.DoesNotExist, ValueError, TypeError):
        raise Http404
    if staff_member.pk != user.staff_member_id:
        access_event_record(
            actor=user, obj=staff_member, subject=staff_member, purpose=purpose
        )
    return staff_member


def access_enrolment(user, enrolment_id) -> Enrolment:
    """An enrolment its holder or program staff may withdraw."""
    try:
        enrolment = Enrolment.objects.select_related("session", "staff_member").get(
            pk=enrolment_id
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError):
        raise Http404
    require(
        may_manage_training(user) or enrolment.staff_member_id == user.staff_member_id
    )
    return enrolment


# --- Adverse events, referrals and outreach ------------------------------------------------


def may_record_events(user) -> bool:
    return has_role(user, Role.RISK_QUALITY)


def may_configure_triggers(user) -> bool:
    return has_role(user, Role.PROGRAM_DIRECTOR)


def may_manage_api_keys(user) -> bool:
    return has_role(user, Role.IT_ADMINISTRATOR)


def may_run_outreach(user) -> bool:
    """Program staff see every offer, assign and reassign, and close offers."""
    return is_program_staff(user)


def events_visible_to(user):
    """Risk & quality staff and program staff see events; never what follows for risk staff."""
    if may_record_events(user) or is_program_staff(user):
        return AdverseEvent.objects.all()
    return AdverseEvent.objects.none()


def access_event(user, event_id) -> AdverseEvent:
    try:
        return (
            events_visible_to(user)
            .select_related("trigger_type", "unit", "site")
            .get(pk=event_id)
        )
    except (AdverseEvent.DoesNotExist, ValueError, TypeError):
        raise Http404


def offers_visible_to(user):
    """Program staff see every offer; a supporter the offers assigned to them."""
    if may_run_outreach(user):
        return OutreachOffer.objects.all()
    if is_peer_supporter(user):
        return OutreachOffer.objects.filter(supporter_id=user.staff_member_id)
    return OutreachOffer.objects.none()


def access_offer(user, offer_id, *, purpose: str) -> OutreachOffer:
    """One offer, witnessed: the person it is about can see who opened it."""
    try:
        offer = (
            offers_visible_to(user)
            .select_related(
                "person__profession",
                "person__department",
                "person__site",
                "supporter",
                "trigger_type",
                "event",
                "referral",
            )
            .get(pk=offer_id)
        )
    except (OutreachOffer.DoesNotExist, ValueError, TypeError):
        raise Http404
    access_event_record(actor=user, obj=offer, subject=offer.person, purpose=purpose)
    return offer


# --- Support conversations and the care of supporters -------------------------------------


def may_log_encounter(user, offer: OutreachOffer) -> bool:
    """Only the supporter the offer is assigned to logs conversations on it."""
    return (
        is_peer_supporter(user)
        and offer.supporter_id is not None
        and offer.supporter_id == user.staff_member_id
    )


def encounters_visible_to(user):
    """Program staff see every conversation logged; a supporter the ones they had."""
    if is_program_staff(user):
        return Encounter.objects.all()
    if is_peer_supporter(user):
        return Encounter.objects.filter(supporter_id=user.staff_member_id)
    return Encounter.objects.none()


def may_read_every_encounter_note(user) -> bool:
    """A note is the supporter's who wrote it, and the director's; nobody else's."""
    return has_role(user, Role.PROGRAM_DIRECTOR)


def access_encounter_for_care_check(user, encounter_id) -> Encounter:
    """The supporter's own conversation, to answer the two questions about themselves."""
    try:
        return Encounter.objects.select_related("care_check").get(
            pk=encounter_id, supporter_id=user.staff_member_id
        )
    except (Encounter.DoesNotExist, ValueError, TypeError):
        raise Http404


def access_own_facilitated_referral(user, referral_id) -> FacilitatedReferral:
    """A referral whose outcome its supporter records; nobody else's."""
    if not is_peer_supporter(user):
        raise Http404
    try:
        return FacilitatedReferral.objects.get(
            pk=referral_id, supporter_id=user.staff_member_id
        )
    except (FacilitatedReferral.DoesNotExist, ValueError, TypeError):
        raise Http404


def may_raise_safety_concern(user) -> bool:
    return is_peer_supporter(user)


def may_read_crisis_protocol(user) -> bool:
    return is_peer_supporter(user) or is_program_staff(user)


def may_care_for_supporters(user) -> bool:
    """Supporter load, debrief requests and cases over the cap: the director's."""
    return has_role(user, Role.PROGRAM_DIRECTOR)


def may_acknowledge_safety_concerns(user) -> bool:
    return is_program_staff(user)


def safety_concerns_visible_to(user):
    if may_acknowledge_safety_concerns(user):
        return SafetyConcern.objects.all()
    return SafetyConcern.objects.none()


def debrief_requests_visible_to(user):
    if may_care_for_supporters(user):
        return DebriefRequest.objects.all()
    return DebriefRequest.objects.none()


def own_offers(user):
    """A person's own offers and requests: theirs to see, never who referred them."""
    if not user.is_authenticated or user.staff_member_id is None:
        return OutreachOffer.objects.none()
    return OutreachOffer.objects.filter(person_id=user.staff_member_id)


def access_own_offer(user, offer_id) -> OutreachOffer:
    try:
        return own_offers(user).get(pk=offer_id)
    except (OutreachOffer.DoesNotExist, ValueError, TypeError):
        raise Http404


def colleagues_findable_by(user, *, query: str):
    """Colleagues someone may refer for support: active staff, found by name, ten at a time.

    Not limited to the program's scope: a colleague outside it is answered
    and counted as unmet demand, not hidden.
    """
    return _directory_search(
        user, StaffMember.objects.filter(is_active=True), query=query
    )


def access_colleague(user, staff_member_id) -> StaffMember:
    """A colleague's directory entry, to refer them (name, profession, department)."""
    return _directory_entry(
        user, StaffMember.objects.filter(is_active=True), staff_member_id
    )


def on_call_windows_visible_to(user):
    """A supporter's own on-call windows (program staff see on-call through matching)."""
    if not is_peer_supporter(user):
        return OnCallWindow.objects.none()
    return OnCallWindow.objects.filter(supporter_id=user.staff_member_id)


def access_own_on_call_window(user, window_id) -> OnCallWindow:
    try:
        return on_call_windows_visible_to(user).get(pk=window_id)
    except (OnCallWindow.DoesNotExist, ValueError, TypeError):
        raise Http404


def api_keys_visible_to(user):
    if may_manage_api_keys(user):
        return ApiKey.objects.all()
    return ApiKey.objects.none()


# --- The staff directory (finding a colleague to nominate or refer) ---------------------


def _directory_search(user, people, *, query: str):
    """Others among ``people`` by at least two letters of a name, ten at a time."""
    query = query.strip()
    if len(query) < 2 or not user.is_authenticated or user.staff_member_id is None:
        return StaffMember.objects.none()
    people = people.exclude(pk=user.staff_member_id)
    for term in query.split():
        people = people.filter(
            Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
    return people.select_related("profession", "department").order_by(
        "last_name", "first_name", "pk"
    )[:10]


def _directory_entry(user, people, staff_member_id) -> StaffMember:
    """One other person among ``people``: name, profession, department, site."""
    if not user.is_authenticated or user.staff_member_id is None:
        raise Http404
    try:
        return (
            people.exclude(pk=user.staff_member_id)
            .select_related("profession", "department", "site")
            .get(pk=staff_member_id)
        )
    except (StaffMember.DoesNotExist, ValueError, TypeError):
        raise Http404


# --- Selecting peer supporters ------------------------------------------------------------------


def may_run_selection(user) -> bool:
    """Program staff see the pipeline, invite candidates and record interviews."""
    return is_program_staff(user)


def may_decide_selection(user) -> bool:
    """Selecting (or not selecting) a peer supporter is the director's decision."""
    return has_role(user, Role.PROGRAM_DIRECTOR)


def nomination_rounds_visible_to(user):
    """Rounds are not confidential: anyone signed in sees their dates."""
    if user.is_authenticated:
        return NominationRound.objects.all()
    return NominationRound.objects.none()


def candidates_visible_to(user):
    if may_run_selection(user):
        return Candidate.objects.all()
    return Candidate.objects.none()


def access_candidate(user, candidate_id, *, purpose: str) -> Candidate:
    try:
        candidate = (
            candidates_visible_to(user)
            .select_related(
                "round",
                "staff_member__profession",
                "staff_member__department",
                "staff_member__site",
            )
            .get(pk=candidate_id)
        )
    except (Candidate.DoesNotExist, ValueError, TypeError):
        raise Http404
    access_event_record(
        actor=user, obj=candidate, subject=candidate.staff_member, purpose=purpose
    )
    return candidate


def nominations_made_by(user):
    """A nominator sees their own nominations; nobody else sees who nominated whom."""
    if not user.is_authenticated or user.staff_member_id is None:
        return Nomination.objects.none()
    return Nomination.objects.filter(nominator_id=user.staff_member_id)


def access_own_nomination(user, nomination_id) -> Nomination:
    try:
        return (
            nominations_made_by(user)
            .select_related("round", "candidate")
            .get(pk=nomination_id)
        )
    except (Nomination.DoesNotExist, ValueError, TypeError):
        raise Http404


def nominees_findable_by(user, *, query: str):
    """Colleagues an eligible person may nominate: eligible, active, not themselves.

    A plain staff directory (name, profession, department), found by at least
    two letters of a name, at most ten at a time.
    """
    return _directory_search(user, eligible_staff_members(), query=query)


def access_nominee(user, staff_member_id) -> StaffMember:
    """A colleague this person may nominate (the directory entry, nothing more)."""
    return _directory_entry(user, eligible_staff_members(), staff_member_id)


# --- Training feedback (training app, feedback) ---------------------------------------------------
#
# SessionFeedback rows are never listed or opened one by one, by anyone: there
# is deliberately no ``session_feedback_visible_to``. The director reads them
# only as suppressed totals (training.feedback.feedback_summary).


def may_view_feedback(user) -> bool:
    """Feedback totals are the director's. A facilitator, as such, never sees them.

    The director may have facilitated some sessions; they still see only the
    suppressed totals everyone's feedback goes into.
    """
    return has_role(user, Role.PROGRAM_DIRECTOR)


def may_give_feedback(user, session) -> bool:
    """Someone who attended, once attendance is taken, once, while feedback is open."""
    from training.feedback import feedback_refusal

    return feedback_refusal(user=user, session=session) is None


def access_session_for_feedback(user, session_id):
    """A session this person attended, to give feedback on it; 404 for anyone else.

    Whether they may still give it (not yet given, still open) is
    ``may_give_feedback``: their own attendance is not hidden from them.
    """
    from training.models import Attendance, TrainingSession

    if not user.is_authenticated or user.staff_member_id is None:
        raise Http404
    try:
        return TrainingSession.objects.get(
            pk=session_id,
            enrolments__staff_member_id=user.staff_member_id,
            enrolments__attendance=Attendance.ATTENDED,
        )
    except (TrainingSession.DoesNotExist, ValueError, TypeError):
        raise Http404


# --- The witness tables --------------------------------------------------------------------------


def access_events_about_visible_to(user):
    """Access transparency: the reads of a person's own records, shown to that person."""
    if not user.is_authenticated or user.staff_member_id is None:
        return AccessEvent.objects.none()
    return AccessEvent.objects.filter(subject_id=user.staff_member_id)


def audit_events_visible_to(user):
    """The director sees every change; IT sees system changes, never program work."""
    if has_role(user, Role.PROGRAM_DIRECTOR):
        return AuditEvent.objects.all()
    if has_role(user, Role.IT_ADMINISTRATOR):
        return AuditEvent.objects.filter(audience=AuditAudience.SYSTEM)
    return AuditEvent.objects.none()


def staff_member_for_role_grant(user, identifier: str) -> StaffMember | None:
    """Find one active person by exact work e-mail or employee id, to give them a role.

    Only for people who may grant some role; an exact match reveals no more
    than the person granting already knows.
    """
    if not grantable_roles(user):
        return None
    identifier = identifier.strip()
    if not identifier:
        return None
    return (
        StaffMember.objects.filter(is_active=True)
        .filter(Q(work_email__iexact=identifier) | Q(employee_id=identifier))
        .first()
    )


# --- The resource directory (resources app) -------------------------------------------------------
#
# The directory is about services, never people, and it is public: anyone may
# read it, signed in or not, and reading it is not witnessed (nobody should have
# to tell anyone that they looked). Only keeping it is guarded.


def may_manage_resources(user) -> bool:
    """Program staff keep the directory: add, edit, retire, import and export."""
    return is_program_staff(user)


# --- The conversation guide (guide app) ------------------------------------------------------
#
# The guide is program content and names no one: there is no ``guide_visible_to``
# and no access event. Who may read it or change it is a question of role.


def may_read_guide(user) -> bool:
    """Supporters use the guide in conversations; program staff train with it."""
    return is_peer_supporter(user) or is_program_staff(user)


def may_edit_guide(user) -> bool:
    """The guide is the program's voice: the director edits it."""
    return has_role(user, Role.PROGRAM_DIRECTOR)


# --- Workforce surveys (surveys app) ---------------------------------------------------------------
#
# Nobody can open a response: responses name no one and no page shows one.
# What is guarded is running the surveys and reading their aggregates, which
# always pass through suppression. The response form is opened with its
# single-use link, not with a role.


def may_manage_surveys(user) -> bool:
    """Program staff load instruments, plan and open waves, import earlier waves."""
    return is_program_staff(user)


def may_view_survey_results(user) -> bool:
    """The dashboard: program staff and leadership, suppressed aggregates only."""
    return is_program_staff(user) or has_role(user, Role.LEADERSHIP_VIEWER)


def surveys_visible_to(user):
    if may_view_survey_results(user):
        return Survey.objects.all()
    return Survey.objects.none()


def access_survey(user, slug: str) -> Survey:
    """A survey by its slug, for those who may see results (404 for anyone else)."""
    try:
        return surveys_visible_to(user).select_related("instrument").get(slug=slug)
    except Survey.DoesNotExist:
        raise Http404


def waves_visible_to(user):
    if may_view_survey_results(user):
        return Wave.objects.all()
    return Wave.objects.none()


def access_wave(user, wave_id) -> Wave:
    try:
        return (
            waves_visible_to(user).select_related("survey__instrument").get(pk=wave_id)
        )
    except (Wave.DoesNotExist, ValueError, TypeError):
        raise Http404


# --- Publicity (publicity app) ------------------------------------------------------------------
#
# Outreach activities are program work at public meetings: program staff plan
# and log them, and opening one is not witnessed. The onboarding list names new
# starters from the roster, so opening it writes one access event.


def may_manage_publicity(user) -> bool:
    """Program staff plan and log publicity, keep the onboarding list, and export both."""
    return is_program_staff(user)


def outreach_activities_visible_to(user):
    if may_manage_publicity(user):
        return OutreachActivity.objects.all()
    return OutreachActivity.objects.none()


def access_outreach_activity(user, activity_id) -> OutreachActivity:
    try:
        return outreach_activities_visible_to(user).get(pk=activity_id)
    except (OutreachActivity.DoesNotExist, ValueError, TypeError):
        raise Http404


def onboarding_list_visible_to(user, *, today, window_days: int):
    """People in the program's scope who started in the last ``window_days`` days."""
    if not may_manage_publicity(user):
        return StaffMember.objects.none()
    return eligible_staff_members(today).filter(
        start_date__gt=today - datetime.timedelta(days=window_days),
        start_date__lte=today,
    )


def access_onboarding_list(user, *, today, window_days: int, purpose: str):
    """The onboarding list, for program staff (404 for anyone else), witnessed once."""
    require(may_manage_publicity(user))
    people = onboarding_list_visible_to(user, today=today, window_days=window_days)
    AccessEvent.objects.create(
        actor=user,
        kind=AccessKind.READ,
        object_type=StaffMember._meta.label_lower,
        object_id="",
        purpose=f"{purpose} ({people.count()} people)",
    )
    return people


def onboarding_contacts_visible_to(user):
    if may_manage_publicity(user):
        return OnboardingContact.objects.all()
    return OnboardingContact.objects.none()


def access_onboarding_contact(user, contact_id) -> OnboardingContact:
    try:
        return (
            onboarding_contacts_visible_to(user)
            .select_related("staff_member")
            .get(pk=contact_id)
        )
    except (OnboardingContact.DoesNotExist, ValueError, TypeError):
        raise Http404


# --- The case to leadership (brief app) -------------------------------------------------------
#
# The brief holds aggregates only (every figure drawn from people passes
# through suppression) and published findings, which name no one: there is no
# ``brief_visible_to``. Reading it is a question of role; downloading its PDF
# writes an access event (an export).


def may_view_brief(user) -> bool:
    """Program staff build the brief; leadership reads it."""
    return is_program_staff(user) or has_role(user, Role.LEADERSHIP_VIEWER)


def may_edit_brief(user) -> bool:
    """The published findings and the cost model's assumptions are the director's."""
    return has_role(user, Role.PROGRAM_DIRECTOR)


# --- The program dashboard (reports app) ---------------------------------------------------------
#
# Aggregates only, never a case. Program staff see every figure (small ones
# marked); leadership sees each through confidentiality.suppression, and for
# complete months only (reports.dashboard).


def may_view_program_dashboard(user) -> bool:
    """The program dashboard and its exports: program staff and leadership."""
    return is_program_staff(user) or has_role(user, Role.LEADERSHIP_VIEWER)


def sees_full_detail(user) -> bool:
    """Whether the dashboard shows figures under k (program staff) or suppresses them."""
    return is_program_staff(user)
