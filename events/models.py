"""Adverse events: what happened, to which staff, and nothing clinical.

There is deliberately no field for clinical details, the patient or a
narrative. An event records the kind of trigger, the harm level, when, where,
and who among the staff was involved, because that is all outreach needs.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class HarmLevel(models.TextChoices):
    """The AHRQ Common Formats harm scale (v1.2), as used by patient-safety organizations."""

    DEATH = "death", "Death"
    SEVERE = "severe", "Severe harm"
    MODERATE = "moderate", "Moderate harm"
    MILD = "mild", "Mild harm"
    NO_HARM = "none", "No harm"
    UNKNOWN = "unknown", "Unknown"


# From the most to the least harm; a threshold includes everything above it.
HARM_ORDER = [
    HarmLevel.DEATH,
    HarmLevel.SEVERE,
    HarmLevel.MODERATE,
    HarmLevel.MILD,
    HarmLevel.NO_HARM,
    HarmLevel.UNKNOWN,
]


class TriggerType(models.Model):
    """A kind of hard event the program reaches out after. Configurable by the director."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    uses_harm_level = models.BooleanField(
        default=False, help_text="Whether events of this type carry a harm level."
    )
    creates_offers = models.BooleanField(
        default=True,
        help_text="Whether an event of this type offers support to everyone involved.",
    )
    minimum_harm_level = models.CharField(
        max_length=16,
        choices=HarmLevel.choices,
        blank=True,
        help_text="Offer support only at this harm level or worse (empty: any).",
    )
    first_contact_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Hours within which a supporter must make first contact."
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class AdverseEvent(models.Model):
    """A hard event, entered by risk & quality staff or pushed by an incident system."""

    source = models.CharField(
        max_length=100,
        help_text="“manual” for events entered here, else the API key's source system.",
    )
    source_event_id = models.CharField(
        max_length=200,
        blank=True,
        help_text="The event's identifier in its source system (for idempotent ingest).",
    )
    occurred_on = models.DateField()
    trigger_type = models.ForeignKey(
        TriggerType, on_delete=models.PROTECT, related_name="events"
    )
    harm_level = models.CharField(max_length=16, choices=HarmLevel.choices, blank=True)
    unit = models.ForeignKey(
        "organization.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        "organization.Site",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unmatched_count = models.PositiveSmallIntegerField(
        default=0,
        help_text="People named by the source who matched nobody on the roster.",
    )
    litigation_noticed_on = models.DateField(
        null=True,
        blank=True,
        help_text="When notice of litigation or a claim arrived (re-opens offers).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    api_key = models.ForeignKey(
        "api.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_event_id"],
                condition=~Q(source_event_id=""),
                name="adverseevent_once_per_source_id",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "occurred_on"]),
            # The event list: newest first, a page at a time.
            models.Index(fields=["-occurred_on", "-id"], name="adverseevent_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_type} on {self.occurred_on}"


class MatchedBy(models.TextChoices):
    ROSTER = "roster", "Chosen from the roster"
    EMPLOYEE_ID = "employee_id", "Employee id"
    NPI = "npi", "NPI"
    EMAIL = "email", "Work e-mail"


class EventInvolvement(models.Model):
    """A member of staff involved in an event (matched to the roster)."""

    event = models.ForeignKey(
        AdverseEvent, on_delete=models.CASCADE, related_name="involvements"
    )
    staff_member = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    matched_by = models.CharField(max_length=16, choices=MatchedBy.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "staff_member"], name="involvement_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["staff_member"])]

    def __str__(self) -> str:
        return f"{self.staff_member} in {self.event}"


class EventOutreachTally(models.Model):
    """What retention keeps of an event's purged offers: how many, and whether one was in time.

    When retention deletes offers made after an event (``outreach.retention``),
    it adds them here, one row per event and month the offers were made in, so
    "events with an offer, someone contacted within the clock" does not drop
    once the cases behind it are gone. The row names no person, supporter or
    offer: only how many of the event's offers of that month were purged and
    whether any of them had been contacted within its first-contact clock.

    A separate table rather than fields on AdverseEvent, for two reasons. The
    figure counts offers by the month they were made (an event's offers can
    come months apart: a re-opening after notice of litigation, a group
    debrief), so a single total per event could not say which period its
    offers belong to; ClosedCaseCount keeps months the same way. And risk &
    quality staff see events but never what follows them: keeping outreach's
    facts off the event's own row keeps them out of every event screen, form
    and API that reads that row. Only reports.metrics reads this.
    """

    event = models.ForeignKey(
        AdverseEvent, on_delete=models.CASCADE, related_name="outreach_tallies"
    )
    month = models.DateField(
        help_text="The first day of the month the offers were made."
    )
    offers = models.PositiveIntegerField(
        default=0, help_text="How many of the event's offers of the month were purged."
    )
    contacted_in_target = models.BooleanField(
        default=False,
        help_text="Whether any of them had been contacted within its first-contact clock.",
    )

    class Meta:
        ordering = ["event", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "month"], name="outreach_tally_once_per_event_month"
            ),
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.offers} purged offer(s) after {self.event} in {self.month:%B %Y}"
