"""The witness tables: who read what (access events) and who changed what (audit events).

Both are append-only. The models refuse updates and deletes; on PostgreSQL a
trigger (migration 0002) refuses them too, so not even a bug or a hand-typed
SQL statement can rewrite history.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove a witness row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted.")


class AccessKind(models.TextChoices):
    READ = "read", "Opened"
    EXPORT = "export", "Exported"


class AccessEvent(AppendOnlyModel):
    """Someone read or exported a protected record."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=AccessKind.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    subject = models.ForeignKey(
        "organization.StaffMember",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person the record is about, who can see this event.",
    )
    purpose = models.CharField(max_length=200)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_type} {self.object_id}"


class AuditAudience(models.TextChoices):
    """Who may read an audit event.

    SYSTEM events (roles, configuration, keys) are for the IT administrator and
    the program director; PROGRAM events touch support work and are for the
    program director only.
    """

    SYSTEM = "system", "System"
    PROGRAM = "program", "Program"


class AuditAction(models.TextChoices):
    """Every kind of change Alongside records. One list, so reviewers see them all."""

    ROLE_GRANTED = "role.granted", "Role granted"
    ROLE_REVOKED = "role.revoked", "Role revoked"
    ROSTER_IMPORTED = "roster.imported", "Roster imported"
    STAFF_MEMBER_CHANGED = "staff_member.changed", "Roster entry changed"
    ORGANIZATION_CHANGED = (
        "organization.changed",
        "Sites, departments or professions changed",
    )
    ACCOUNT_LINKED = "account.linked", "Account linked to the roster"
    FIELD_KEYS_ROTATED = "field_keys.rotated", "Encrypted fields re-encrypted"
    DEMO_LOADED = "demo.loaded", "Demo organization loaded"
    PROGRAM_SETTINGS_CHANGED = "program_settings.changed", "Program settings changed"
    SCOPE_PROPOSED = "scope.proposed", "Scope change proposed"
    SCOPE_SCHEDULED = "scope.scheduled", "Scope change scheduled"
    SCOPE_WITHDRAWN = "scope.withdrawn", "Scope change withdrawn"
    ROLE_ACKNOWLEDGED = "role.acknowledged", "Appointment acknowledged"
    HOURS_LOGGED = "hours.logged", "Program hours logged"
    HOURS_REMOVED = "hours.removed", "Program hours removed"
    NOMINATION_ROUND_OPENED = "nomination_round.opened", "Nomination round opened"
    NOMINATION_ROUND_CLOSED = "nomination_round.closed", "Nomination round closed early"
    NOMINATION_MADE = "nomination.made", "Nomination made"
    NOMINATION_WITHDRAWN = "nomination.withdrawn", "Nomination withdrawn"
    NOMINATORS_ERASED = "nomination.nominators_erased", "Nominators erased"
    SUPPORTER_APPLIED = "candidate.applied", "Applied to be a peer supporter"
    CANDIDATE_MOVED = "candidate.moved", "Candidate moved along the pipeline"
    TRAINING_MODULE_CHANGED = "training_module.changed", "Training module changed"
    SESSION_SCHEDULED = "training_session.scheduled", "Training session scheduled"
    SESSION_CHANGED = "training_session.changed", "Training session changed"
    SESSION_CANCELLED = "training_session.cancelled", "Training session cancelled"
    ENROLMENT_CHANGED = "enrolment.changed", "Training enrolment changed"
    ATTENDANCE_RECORDED = "attendance.recorded", "Attendance taken"
    MODULE_COMPLETED = "module.completed", "Training module completed"
    COMPETENCY_SIGNED_OFF = "competency.signed_off", "Competency signed off"
    SUPPORTER_PAUSED = "supporter.paused", "Supporter paused"
    SUPPORTER_RESUMED = "supporter.resumed", "Supporter back from a pause"
    SUPPORTER_READINESS_CHANGED = (
        "supporter.readiness_changed",
        "Supporter readiness changed",
    )
    SESSION_FEEDBACK_GIVEN = "session_feedback.given", "Session feedback given"
    TRIGGER_TYPE_CHANGED = "trigger_type.changed", "Trigger catalogue changed"
    EVENT_RECORDED = "event.recorded", "Adverse event recorded"
    EVENT_LITIGATION_NOTICED = (
        "event.litigation_noticed",
        "Notice of litigation recorded",
    )
    API_KEY_CREATED = "api_key.created", "API key created"
    API_KEY_REVOKED = "api_key.revoked", "API key revoked"
    REFERRAL_MADE = "referral.made", "Referral made"
    OFFER_CREATED = "offer.created", "Outreach offer created"
    OFFER_ASSIGNED = "offer.assigned", "Outreach offer assigned"
    OFFER_MOVED = "offer.moved", "Outreach offer moved on"
    REQUEST_WITHDRAWN = "request.withdrawn", "A request for support was withdrawn"
    CASES_PURGED = "cases.purged", "Ended cases purged after the retention period"
    ENCOUNTER_LOGGED = "encounter.logged", "Support conversation logged"
    CARE_CHECK_ANSWERED = "care_check.answered", "Supporter answered the care check"
    DEBRIEF_REQUESTED = "debrief.requested", "Supporter asked for a debrief"
    DEBRIEF_HANDLED = "debrief.handled", "Debrief request handled"
    SAFETY_CONCERN_RAISED = "safety_concern.raised", "Safety concern raised"
    FACILITATED_REFERRAL_MADE = (
        "facilitated_referral.made",
        "Facilitated referral made",
    )
    FACILITATED_REFERRAL_ANSWERED = (
        "facilitated_referral.answered",
        "Facilitated referral followed up",
    )
    SAFETY_CONCERN_ACKNOWLEDGED = (
        "safety_concern.acknowledged",
        "Safety concern acknowledged",
    )
    ON_CALL_CHANGED = "on_call.changed", "On-call availability changed"
    SUPPORTER_PROFILE_CHANGED = "supporter_profile.changed", "Supporter profile changed"
    RESOURCE_CHANGED = "resource.changed", "Resource directory entry changed"
    RESOURCE_RETIRED = "resource.retired", "Resource retired from the directory"
    RESOURCES_IMPORTED = "resources.imported", "Resource directory imported"
    GUIDE_CHANGED = "guide.changed", "Conversation guide changed"
    SURVEY_INSTRUMENT_LOADED = "survey.instrument_loaded", "Survey instrument loaded"
    SURVEY_CHANGED = "survey.changed", "Survey or wave planned"
    SURVEY_WAVE_OPENED = "survey.wave_opened", "Survey wave opened"
    SURVEY_WAVE_CLOSED = "survey.wave_closed", "Survey wave closed"
    SURVEY_RESPONSES_IMPORTED = (
        "survey.responses_imported",
        "Earlier survey responses imported",
    )
    PUBLICITY_PLANNED = "publicity.planned", "Outreach activity planned or logged"
    PUBLICITY_CHANGED = "publicity.changed", "Outreach activity changed"
    PUBLICITY_HELD = "publicity.held", "Outreach activity marked held"
    PUBLICITY_CANCELLED = "publicity.cancelled", "Outreach activity cancelled"
    ONBOARDING_TOLD = "onboarding.told", "New starter told of the program"
    ONBOARDING_TOLD_REMOVED = (
        "onboarding.told_removed",
        "Record of a new starter being told removed",
    )
    ONBOARDING_CONTACTS_PURGED = (
        "onboarding.contacts_purged",
        "Onboarding records deleted after the retention period",
    )
    BRIEF_FINDING_CHANGED = (
        "brief_finding.changed",
        "Published finding in the brief changed",
    )
    BRIEF_FINDING_RETIRED = (
        "brief_finding.retired",
        "Published finding retired from the brief",
    )
    BRIEF_FINDING_MOVED = "brief_finding.moved", "Published findings reordered"
    BRIEF_ASSUMPTIONS_CHANGED = (
        "brief_assumptions.changed",
        "Cost model assumptions changed",
    )


class AuditEventQuerySet(AppendOnlyQuerySet):
    def redact(self) -> int:
        """Forget whom these events were about and their details; keep who did what, when.

        The one change an audit event allows, made only by retention: a purged
        case's history must not outlive the case. PostgreSQL's trigger
        (migration 0003) allows exactly this change and nothing else.
        """
        return models.QuerySet.update(self, subject=None, details={})


class AuditEvent(AppendOnlyModel):
    """Something changed. Carries field names and non-sensitive values only."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    subject = models.ForeignKey(
        "organization.StaffMember",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience = models.CharField(max_length=16, choices=AuditAudience.choices)
    details = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["audience", "-occurred_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action
