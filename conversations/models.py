"""Support conversations: what a supporter logs, and the care the program takes of them.

Deliberately little: an encounter is a date, a length, a way of talking
and what comes next. A note exists only when the organization switches
notes on, and is encrypted. Nothing here says what was talked about.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from confidentiality.fields import EncryptedTextField


class EncounterModality(models.TextChoices):
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"


class EncounterOutcome(models.TextChoices):
    CONTINUING = "continuing", "We will talk again"
    REFERRAL_OFFERED = "referral_offered", "I offered a facilitated referral"
    REFERRAL_ACCEPTED = "referral_accepted", "They accepted a facilitated referral"
    CLOSED = "closed", "Support has ended"


class Encounter(models.Model):
    """One conversation between a supporter and the person an offer is for."""

    offer = models.ForeignKey(
        "outreach.OutreachOffer", on_delete=models.CASCADE, related_name="encounters"
    )
    supporter = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    occurred_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    modality = models.CharField(max_length=16, choices=EncounterModality.choices)
    outcome = models.CharField(max_length=24, choices=EncounterOutcome.choices)
    note = EncryptedTextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        indexes = [models.Index(fields=["supporter", "occurred_on"])]

    def __str__(self) -> str:
        return f"Conversation on {self.occurred_on}"


class CareCheck(models.Model):
    """After each conversation, two questions for the supporter about themselves."""

    encounter = models.OneToOneField(
        Encounter, on_delete=models.CASCADE, related_name="care_check"
    )
    heaviness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    wants_debrief = models.BooleanField(default=False)
    answered_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Care check after {self.encounter}"


class DebriefRequest(models.Model):
    """A supporter asks the director for a debrief. About the supporter, not the case."""

    supporter = models.ForeignKey(
        "organization.StaffMember", on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Debrief asked for on {self.requested_at:%Y-%m-%d}"


class SafetyConcern(models.Model):
    """That a supporter raised a safety concern, and when. Nothing about whom or why.

    Who raised it is kept so the director can call them back; the person
    they were supporting, and the conversation, are never recorded.
    """

    raised_by = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"Safety concern raised at {self.raised_at:%Y-%m-%d %H:%M}"


class FollowUpWith(models.TextChoices):
    SUPPORTER = "supporter", "Ask me whether they got there"
    PERSON = "person", "Ask them directly, by e-mail (they agreed)"


class ReferralOutcome(models.TextChoices):
    WAITING = "waiting", "Not asked yet"
    REACHED = "reached", "They got there"
    NOT_YET = "not_yet", "Not yet"
    NOT_GOING = "not_going", "They decided not to"


class FacilitatedReferral(models.Model):
    """A warm handoff to a resource, with the person's consent, and whether it closed the loop.

    Nothing about the conversation travels with it: only which resource, when,
    and, later, whether they got there.
    """

    offer = models.ForeignKey(
        "outreach.OutreachOffer",
        on_delete=models.CASCADE,
        related_name="facilitated_referrals",
    )
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.PROTECT, related_name="+"
    )
    supporter = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    made_on = models.DateField()
    follow_up_with = models.CharField(max_length=16, choices=FollowUpWith.choices)
    follow_up_on = models.DateField()
    outcome = models.CharField(
        max_length=16, choices=ReferralOutcome.choices, default=ReferralOutcome.WAITING
    )
    outcome_at = models.DateTimeField(null=True, blank=True)
    answer_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    answer_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_on", "pk"]

    def __str__(self) -> str:
        return f"Facilitated referral on {self.made_on}"
