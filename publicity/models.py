"""Publicity: launching the program, and keeping it known.

Outreach activities (a grand-rounds talk, a newsletter piece) are program
work at public meetings and name no one but, perhaps, a presenter. The
onboarding list reads the roster; an onboarding contact records only that a
new starter was told of the program, and goes when they leave the roster or a
year after they started. Channel request counts are the de-identified tally
of "how did you hear about us", kept after retention deletes the requests.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from outreach.models import HowHeard

TITLE_MAX = 200
AUDIENCE_MAX = 1_000_000


class Channel(models.TextChoices):
    """Where the program is publicised. Codes are ``HowHeard``'s, so requests join."""

    GRAND_ROUNDS = HowHeard.GRAND_ROUNDS.value, "Grand rounds"
    QUALITY_SAFETY = HowHeard.QUALITY_SAFETY.value, "Quality and safety conference"
    FACULTY_MEETING = HowHeard.FACULTY_MEETING.value, "Faculty meeting"
    MEDICAL_STAFF_MEETING = (
        HowHeard.MEDICAL_STAFF_MEETING.value,
        "Medical staff meeting",
    )
    ONBOARDING = HowHeard.ONBOARDING.value, "Onboarding and orientation"
    NEWSLETTER = HowHeard.NEWSLETTER.value, "Newsletter"
    OTHER = HowHeard.OTHER.value, "Other"


# "Other" is a catch-all: nobody is reminded to use it.
REMINDED_CHANNELS = [channel for channel in Channel if channel != Channel.OTHER]


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DONE = "done", "Held"
    CANCELLED = "cancelled", "Cancelled"


class OutreachActivity(models.Model):
    """One piece of publicity: planned, then held (with its audience) or cancelled."""

    channel = models.CharField(max_length=32, choices=Channel.choices)
    title = models.CharField(
        max_length=TITLE_MAX,
        help_text="For example “Peer support after adverse events: grand rounds”.",
    )
    held_on = models.DateField(verbose_name="Date")
    status = models.CharField(
        max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    audience_size = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(AUDIENCE_MAX)],
        help_text="How many people it reached: those in the room (or online), or "
        "a newsletter's readers.",
    )
    presenter = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who presents or writes it; several names are fine.",
    )
    materials = models.TextField(
        blank=True,
        help_text="One a line: slides, a handout, a web address.",
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name_plural = "outreach activities"
        indexes = [models.Index(fields=["channel", "status", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | models.Q(audience_size__isnull=False),
                name="outreachactivity_done_has_audience",
                violation_error_message="An activity that has been held needs "
                "its audience size.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def material_lines(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class HowTold(models.TextChoices):
    ORIENTATION = "orientation", "At orientation"
    EMAIL = "email", "By e-mail"
    IN_PERSON = "in_person", "In person"


class OnboardingContact(models.Model):
    """A new starter was told of the program: when and how. Nothing else."""

    staff_member = models.OneToOneField(
        "organization.StaffMember",
        on_delete=models.CASCADE,
        related_name="onboarding_contact",
    )
    told_on = models.DateField()
    how = models.CharField(max_length=16, choices=HowTold.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-told_on", "-pk"]

    def __str__(self) -> str:
        return f"Told of the program {self.get_how_display().lower()} on {self.told_on}"


class ChannelRequestCount(models.Model):
    """How many requests a month named each answer to "how did you hear about us".

    No person, no day: the worker adds each day's requests here
    (``publicity.tally``) so the channel chart outlives the requests, which
    retention deletes. ``how_heard`` is blank for requests that did not say.
    """

    month = models.DateField(help_text="The first day of the month.")
    how_heard = models.CharField(max_length=32, blank=True)
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "how_heard"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "how_heard"], name="channelrequestcount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.how_heard or 'not said'}: {self.requests}"


class RequestTallyProgress(models.Model):
    """One row: every request made before ``counted_before`` is in the tally."""

    counted_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="requesttallyprogress_single_row"
            )
        ]

    def __str__(self) -> str:
        return f"Requests counted before {self.counted_before}"


class ChannelReminder(models.Model):
    """A reminder that a channel had not been used was sent on a day.

    Kept so the reminder goes once per period, not every day.
    """

    channel = models.CharField(max_length=32, choices=Channel.choices)
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_on", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "sent_on"], name="channelreminder_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} reminder, {self.sent_on}"
