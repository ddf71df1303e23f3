"""The program team's own time: hours the director and administrator give the program."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

QUARTER_HOUR = Decimal("0.25")
MIN_HOURS = QUARTER_HOUR
MAX_HOURS = Decimal("24")


def validate_quarter_hours(value: Decimal) -> None:
    if value % QUARTER_HOUR != 0:
        raise ValidationError(
            "Enter hours in quarters of an hour (for example 1.25 or 2.5).",
            code="quarter_hours",
        )


class Activity(models.TextChoices):
    SELECTION_AND_TRAINING = "selection_training", "Selection and training"
    OUTREACH_AND_PUBLICITY = "outreach_publicity", "Outreach and publicity"
    SUPPORTER_SUPERVISION = "supervision", "Supporter supervision"
    ADMINISTRATION = "administration", "Administration"
    MEETINGS = "meetings", "Meetings"
    OTHER = "other", "Other"


class HoursEntry(models.Model):
    """Time one member of the program staff gave the program on one day.

    It records what kind of work it was, never whom it was about: the note is
    for things like "grand rounds talk", not for people or cases.
    """

    staff_member = models.ForeignKey(
        "organization.StaffMember",
        on_delete=models.PROTECT,
        related_name="program_hours",
    )
    worked_on = models.DateField()
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[
            MinValueValidator(MIN_HOURS),
            MaxValueValidator(MAX_HOURS),
            validate_quarter_hours,
        ],
    )
    activity = models.CharField(max_length=32, choices=Activity.choices)
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "A few words on the work, such as “grand rounds talk”. "
            "Never anything about a person or a case."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-worked_on", "-created_at", "-id"]
        verbose_name_plural = "hours entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=MIN_HOURS, hours__lte=MAX_HOURS),
                name="hoursentry_hours_in_range",
            ),
        ]
        indexes = [models.Index(fields=["staff_member", "worked_on"])]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.worked_on}"
