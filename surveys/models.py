"""Anonymous workforce surveys: instruments, waves, invitations, and responses that name nobody.

Invitations (who was asked, and whether they have answered) and responses
(what was answered) live in separate tables with no key between them. A
response has a random id, no time finer than its wave, no user, address or
browser, and the segment labels its invitation was issued with — labels
coarsened so that no combination of them describes fewer than k people.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from confidentiality.fields import EncryptedTextField


class Instrument(models.Model):
    """A questionnaire's definition (docs/surveys.md), one row per slug and version."""

    slug = models.SlugField(max_length=60)
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    definition = models.JSONField(help_text="The validated definition, as loaded.")
    is_builtin = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "version"], name="instrument_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class Survey(models.Model):
    """A survey the program runs in waves, with one instrument."""

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="surveys"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class WaveStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Wave(models.Model):
    """One round of a survey: who is asked, when, and the thresholds it promised.

    The thresholds are copied from the settings when the wave opens and
    never change after: respondents read them on the first page.
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="waves")
    label = models.CharField(max_length=60, help_text="For example “Spring 2026”.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=WaveStatus.choices, default=WaveStatus.DRAFT
    )
    professions = models.ManyToManyField(
        "organization.Profession",
        blank=True,
        related_name="+",
        help_text="Only these professions (none chosen: everyone the program serves).",
    )
    departments = models.ManyToManyField(
        "organization.Department", blank=True, related_name="+"
    )
    sites = models.ManyToManyField("organization.Site", blank=True, related_name="+")
    reminder_days = models.CharField(
        max_length=50,
        default="7,12",
        blank=True,
        help_text="Days after opening when those who have not answered get a reminder.",
    )
    k = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(100)],
        help_text="Smallest group shown, locked when the wave opens.",
    )
    k_comments = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(100)],
        help_text="Fewest responses before comments are shown, locked at opening.",
    )
    invited = models.PositiveIntegerField(
        default=0,
        help_text="How many were invited (for an imported wave: as reported).",
    )
    answered = models.PositiveIntegerField(
        default=0,
        help_text="How many answered, counted when the wave closed and its invitations were deleted.",
    )
    imported = models.BooleanField(
        default=False, help_text="Loaded from an earlier survey tool."
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "opens_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "label"], name="wave_label_once_per_survey"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="wave_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.label}"


class TenureBand(models.TextChoices):
    UNDER_ONE = "<1", "Less than a year"
    ONE_TO_FOUR = "1-4", "1 to 4 years"
    FIVE_TO_NINE = "5-9", "5 to 9 years"
    TEN_PLUS = "10+", "10 years or more"


class SegmentLabels(models.Model):
    """The segment labels a response carries, fixed when its invitation is issued.

    Empty where a label was coarsened away because it would have described
    fewer than k people.
    """

    department = models.ForeignKey(
        "organization.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    profession = models.ForeignKey(
        "organization.Profession",
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
    tenure_band = models.CharField(max_length=8, choices=TenureBand.choices, blank=True)

    class Meta:
        abstract = True


class Invitation(SegmentLabels):
    """That a person was asked to answer a wave, and whether they have. Never what."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    staff_member = models.ForeignKey(
        "organization.StaffMember", on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    answered = models.BooleanField(default=False)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "staff_member"], name="invitation_once_per_wave"
            )
        ]
        indexes = [models.Index(fields=["wave", "answered"])]

    def __str__(self) -> str:
        return f"Invitation to {self.wave}"


class Response(SegmentLabels):
    """One anonymous response: a random id, the wave, the segment labels. No person, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")

    class Meta:
        # Ordered by the random id: storage order says nothing about who came first.
        ordering = ["id"]

    def __str__(self) -> str:
        return "A response"


class Answer(models.Model):
    """One answer (an option's code) to one choice item of a response."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers"
    )
    item = models.CharField(max_length=60)
    value = models.SmallIntegerField()

    class Meta:
        ordering = ["response", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item"], name="answer_once_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} = {self.value}"


class Comment(models.Model):
    """A free-text comment, scrubbed of addresses and numbers, tied to no response.

    Kept apart from the response so the words and the answers cannot be put
    together; shown only once the wave has enough responses.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="comments")
    text = EncryptedTextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return "A comment"


class WaveSummary(models.Model):
    """A wave's aggregates and driver analysis, computed by the worker; raw counts, unsuppressed.

    The dashboard reads these and passes every figure through suppression.
    """

    wave = models.OneToOneField(Wave, on_delete=models.CASCADE, related_name="summary")
    computed_at = models.DateTimeField()
    responses = models.PositiveIntegerField()
    segments = models.JSONField(
        default=dict, help_text="Responses per segment: {dimension: {segment: n}}."
    )
    counts = models.JSONField(
        default=dict,
        help_text="Answers per item, code and segment: {dimension: {segment: {item: {code: n}}}}.",
    )
    outcomes = models.JSONField(
        default=dict, help_text="Per outcome and segment: answered and flagged."
    )
    drivers = models.JSONField(default=dict, help_text="The driver analysis.")

    def __str__(self) -> str:
        return f"Summary of {self.wave}"
