"""Training peer supporters: the curriculum, sessions, attendance and readiness."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from confidentiality.fields import EncryptedTextField


class TrainingModule(models.Model):
    """A part of the curriculum, with what a supporter should be able to do after it."""

    title = models.CharField(max_length=200, unique=True)
    summary = models.TextField(
        help_text="What the module is about, in a few sentences."
    )
    objectives = models.TextField(
        help_text="Learning objectives, one per line: what a supporter can do afterwards."
    )
    is_core = models.BooleanField(
        default=True,
        help_text="Every core module must be complete before a supporter is assignable.",
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_retired = models.BooleanField(
        default=False,
        help_text="Retired modules stay in records but are no longer taught.",
    )

    class Meta:
        ordering = ["sort_order", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


class SessionKind(models.TextChoices):
    TRAINING = "training", "Training session"
    ONGOING = "ongoing", "Ongoing supporters' meeting"


class Modality(models.TextChoices):
    REMOTE = "remote", "Remote"
    IN_PERSON = "in_person", "In person"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class TrainingSession(models.Model):
    """A training session or an ongoing supporters' meeting, at a time and a place.

    ``uid`` and ``sequence`` are its identity in calendars (RFC 5545): every
    invitation, update and cancellation carries the same UID, and each change
    raises the sequence so calendar clients replace the old version.
    """

    kind = models.CharField(
        max_length=16, choices=SessionKind.choices, default=SessionKind.TRAINING
    )
    title = models.CharField(max_length=200)
    modules = models.ManyToManyField(
        TrainingModule, blank=True, related_name="sessions"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    modality = models.CharField(max_length=16, choices=Modality.choices)
    meeting_link = models.URLField(blank=True)
    room = models.CharField(max_length=200, blank=True)
    private_setting_confirmed = models.BooleanField(
        default=False,
        help_text="The facilitator confirms the setting is private: a closed room, "
        "or a meeting only participants can join.",
    )
    capacity = models.PositiveSmallIntegerField(default=12)
    facilitator = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attendance_taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="trainingsession_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="trainingsession_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def where(self) -> str:
        return self.meeting_link if self.modality == Modality.REMOTE else self.room


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    WAITING = "waiting", "On the waiting list"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Absent"


class Enrolment(models.Model):
    """A supporter's place in a session (or on its waiting list), and whether they came."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="enrolments"
    )
    staff_member = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="enrolments"
    )
    status = models.CharField(
        max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    enrolled_at = models.DateTimeField(auto_now_add=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when enrolled automatically (ongoing meetings).",
    )
    attendance = models.CharField(max_length=16, choices=Attendance.choices, blank=True)
    feedback_given = models.BooleanField(
        default=False,
        help_text="Whether this person has given feedback; never which feedback.",
    )

    class Meta:
        ordering = ["enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "staff_member"], name="enrolment_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} in {self.session}"


class ModuleCompletion(models.Model):
    """A supporter completed a module: by attending a session, or recorded by the director."""

    staff_member = models.ForeignKey(
        "organization.StaffMember",
        on_delete=models.PROTECT,
        related_name="module_completions",
    )
    module = models.ForeignKey(
        TrainingModule, on_delete=models.PROTECT, related_name="completions"
    )
    completed_on = models.DateField()
    session = models.ForeignKey(
        TrainingSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["completed_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member", "module"], name="completion_once_per_module"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member}: {self.module}"


class CompetencySignOff(models.Model):
    """The director's record that a supporter showed the skills (for example in a role-play)."""

    staff_member = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="sign_offs"
    )
    signed_off_on = models.DateField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = EncryptedTextField(help_text="Seen by program staff only.")

    class Meta:
        ordering = ["-signed_off_on", "-pk"]

    def __str__(self) -> str:
        return f"Sign-off for {self.staff_member} on {self.signed_off_on}"


class PauseReason(models.TextChoices):
    LEAVE = "leave", "On leave"
    OVERLOAD = "overload", "Too much on right now"
    OTHER = "other", "Another reason"


class SupporterPause(models.Model):
    """A supporter stepped out of matching for a while; their history stays."""

    staff_member = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="pauses"
    )
    reason = models.CharField(max_length=16, choices=PauseReason.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_member"],
                condition=Q(ended_at__isnull=True),
                name="supporterpause_one_open_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_member} paused ({self.get_reason_display()})"


class Readiness(models.TextChoices):
    IN_TRAINING = "in_training", "In training"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    ACTIVE = "active", "Active"
    REFRESHER_DUE = "refresher_due", "Refresher due"
    PAUSED = "paused", "Paused"


class SupporterStanding(models.Model):
    """Where a supporter stands today, and why: kept up to date by the training services.

    Matching asks ``status == active`` (one indexed column) rather than
    re-deriving readiness from attendance history for every candidate.
    ``training.services.supporter_standing_refresh`` is the only writer.
    """

    staff_member = models.OneToOneField(
        "organization.StaffMember", on_delete=models.CASCADE, related_name="standing"
    )
    status = models.CharField(
        max_length=24, choices=Readiness.choices, default=Readiness.IN_TRAINING
    )
    reasons = models.JSONField(default=list, blank=True)
    core_modules_done = models.PositiveSmallIntegerField(default=0)
    core_modules_total = models.PositiveSmallIntegerField(default=0)
    meetings_missed_in_a_row = models.PositiveSmallIntegerField(default=0)
    became_active_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.staff_member}: {self.get_status_display()}"

    @property
    def is_assignable(self) -> bool:
        return self.status == Readiness.ACTIVE


class SessionFeedback(models.Model):
    """One participant's feedback on a session, anonymous.

    No person, no time beyond the session itself: the facilitator never sees
    these rows, and the director sees them only as suppressed aggregates.
    """

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="feedback"
    )
    usefulness = models.PositiveSmallIntegerField()
    felt_safe = models.PositiveSmallIntegerField()
    confidence = models.PositiveSmallIntegerField()
    comment = EncryptedTextField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__range=(1, 5))
                & Q(felt_safe__range=(1, 5))
                & Q(confidence__range=(1, 5)),
                name="sessionfeedback_scores_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.session}"
