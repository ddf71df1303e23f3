"""Selecting peer supporters: nomination rounds, nominations and the candidate pipeline."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from confidentiality.fields import EncryptedTextField


class NominationRound(models.Model):
    """A period in which colleagues nominate, and apply to become, peer supporters."""

    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    closes_on = models.DateField()
    closed_early_on = models.DateField(
        null=True, blank=True, help_text="Set when the director ends the round early."
    )
    nominators_erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When who-nominated-whom was erased, leaving the counts.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="nominationround_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status(self, on=None) -> str:
        """upcoming, open or closed on a day (today by default)."""
        day = on or timezone.localdate()
        if self.closed_early_on is not None and day >= self.closed_early_on:
            return "closed"
        if day < self.opens_on:
            return "upcoming"
        if day <= self.closes_on:
            return "open"
        return "closed"

    def is_open(self, on=None) -> bool:
        return self.status(on) == "open"

    @property
    def closed_on(self):
        """The first day the round is closed."""
        if self.closed_early_on is not None:
            return self.closed_early_on
        return self.closes_on + datetime.timedelta(days=1)


class Nomination(models.Model):
    """One colleague's nomination of another.

    Confidential: a nominee never learns who nominated them, and program staff
    see counts and reasons, never names. The nominator is kept only so that
    they can see and withdraw their own nominations and so the limit of three
    holds; it is erased once the round has been closed for a while.
    """

    round = models.ForeignKey(
        NominationRound, on_delete=models.PROTECT, related_name="nominations"
    )
    candidate = models.ForeignKey(
        "selection.Candidate", on_delete=models.PROTECT, related_name="nominations"
    )
    nominator = models.ForeignKey(
        "organization.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = EncryptedTextField(
        help_text="Why the nominator would trust this colleague after a hard day."
    )
    created_at = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "nominator"], name="nomination_once_per_nominator"
            ),
        ]

    def __str__(self) -> str:
        return f"Nomination in {self.round}"


class CandidateStage(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    APPLIED = "applied", "Applied"
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted the invitation"
    DECLINED = "declined", "Declined the invitation"
    INTERVIEWED = "interviewed", "Interviewed"
    SELECTED = "selected", "Selected"
    NOT_SELECTED = "not_selected", "Not selected"
    IN_TRAINING = "in_training", "In training"


# The pipeline: from each stage, where program staff may move a candidate.
# Accepting or declining is the candidate's own answer to the invitation
# (program staff may record it on their behalf, for an answer given in person).
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    CandidateStage.NOMINATED: (CandidateStage.INVITED, CandidateStage.NOT_SELECTED),
    CandidateStage.APPLIED: (CandidateStage.INVITED, CandidateStage.NOT_SELECTED),
    CandidateStage.INVITED: (
        CandidateStage.ACCEPTED,
        CandidateStage.DECLINED,
        CandidateStage.NOT_SELECTED,
    ),
    CandidateStage.ACCEPTED: (CandidateStage.INTERVIEWED, CandidateStage.NOT_SELECTED),
    CandidateStage.INTERVIEWED: (CandidateStage.SELECTED, CandidateStage.NOT_SELECTED),
    CandidateStage.SELECTED: (CandidateStage.IN_TRAINING,),
    CandidateStage.DECLINED: (),
    CandidateStage.NOT_SELECTED: (),
    CandidateStage.IN_TRAINING: (),
}

FUNNEL_ORDER = [
    CandidateStage.NOMINATED,
    CandidateStage.APPLIED,
    CandidateStage.INVITED,
    CandidateStage.ACCEPTED,
    CandidateStage.INTERVIEWED,
    CandidateStage.SELECTED,
    CandidateStage.IN_TRAINING,
    CandidateStage.DECLINED,
    CandidateStage.NOT_SELECTED,
]


class Candidate(models.Model):
    """A person being considered as a peer supporter in one round."""

    round = models.ForeignKey(
        NominationRound, on_delete=models.PROTECT, related_name="candidates"
    )
    staff_member = models.ForeignKey(
        "organization.StaffMember",
        on_delete=models.PROTECT,
        related_name="supporter_candidacies",
    )
    stage = models.CharField(
        max_length=16, choices=CandidateStage.choices, default=CandidateStage.NOMINATED
    )
    stage_changed_at = models.DateTimeField(default=timezone.now)
    applied_on = models.DateField(null=True, blank=True)
    statement = EncryptedTextField(
        help_text="The applicant's own short statement, for program staff."
    )
    invitation_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invitation_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["staff_member__last_name", "staff_member__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "staff_member"], name="candidate_once_per_round"
            ),
        ]
        indexes = [models.Index(fields=["round", "stage"])]

    def __str__(self) -> str:
        return f"{self.staff_member} ({self.get_stage_display()})"


class CandidateStep(models.Model):
    """One move along the pipeline: who decided, when, and a note for program staff."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="steps"
    )
    from_stage = models.CharField(
        max_length=16, choices=CandidateStage.choices, blank=True
    )
    to_stage = models.CharField(max_length=16, choices=CandidateStage.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the candidate answered the invitation themselves.",
    )
    decided_at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(help_text="Seen by program staff only.")

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"
