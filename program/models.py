"""How the program runs: the director's choices, kept in one row."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

DEFAULT_PROGRAM_CONTACT = (
    "Call or write to the peer support program office. "
    "Your program administrator can tell you the number and address."
)
DEFAULT_OUT_OF_SCOPE_MESSAGE = (
    "The Employee Assistance Program (EAP) offers free, confidential "
    "counselling to every member of staff and their families, day and night. "
    "HR or the staff intranet can give you its number.\n\n"
    "Your own doctor can also help, and so can a colleague you trust."
)


class MeetingCadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    QUARTERLY = "quarterly", "Every three months"


class DepartmentRule(models.TextChoices):
    OTHER = "other", "Another department"
    SAME = "same", "The same department"
    ANY = "any", "Any department"


class ProgramSettings(models.Model):
    """One row: the director's settings for the program (see program.selectors)."""

    program_contact = models.TextField(
        default=DEFAULT_PROGRAM_CONTACT,
        help_text="How someone in the program's scope reaches the program directly.",
    )
    out_of_scope_message = models.TextField(
        default=DEFAULT_OUT_OF_SCOPE_MESSAGE,
        help_text=(
            "What someone outside the program's scope reads when they ask for help: "
            "other services they can turn to."
        ),
    )
    director_time_cap_percent = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="The share of the director's time proposed when a director is appointed.",
    )
    full_time_hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("40.0"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("80"))],
        help_text="A full-time week, to turn a share of time into hours.",
    )
    supporters_per_100_eligible = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[
            MinValueValidator(Decimal("0.1")),
            MaxValueValidator(Decimal("50")),
        ],
        help_text="The coverage target: peer supporters for every 100 eligible staff.",
    )
    assumed_requests_per_100_per_year = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("5.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=(
            "Requests for support a year for every 100 eligible staff, used to "
            "estimate demand until the program has a year of its own figures."
        ),
    )
    nominator_identity_kept_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=(
            "Days after a nomination round closes before who nominated whom is "
            "erased; the counts remain."
        ),
    )
    ongoing_meeting_cadence = models.CharField(
        max_length=16,
        choices=MeetingCadence.choices,
        default=MeetingCadence.MONTHLY,
        help_text="How often peer supporters meet for ongoing training.",
    )
    meetings_missed_allowed = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=(
            "A supporter who misses more ongoing meetings than this in a row is "
            "due a refresher and is not assigned until they attend one."
        ),
    )
    competency_sign_off_required = models.BooleanField(
        default=True,
        help_text=(
            "Supporters also need the director's competency sign-off (for example "
            "after a role-play) before they are assigned."
        ),
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text="How long before a training session participants get a reminder.",
    )
    supporter_caseload_cap = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Open assignments a supporter carries at most (unless their profile says).",
    )
    matching_department_rule = models.CharField(
        max_length=16,
        choices=DepartmentRule.choices,
        default=DepartmentRule.OTHER,
        help_text="Which department a supporter should come from, when the person has no preference.",
    )
    first_contact_hours_after_death = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text="The first-contact clock after an event where a patient died.",
    )
    second_offer_after_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="After “not now”, one gentle second offer this many days later.",
    )
    check_in_days = models.CharField(
        max_length=50,
        default="7,30",
        help_text="Days after an accepted offer when the supporter checks in, comma-separated.",
    )
    cluster_events = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text="This many events in one unit…",
    )
    cluster_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="…within this many days offer the unit's leader a group debrief.",
    )
    conversations_per_case = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=(
            "Conversations a case normally takes. One more prompts the supporter "
            "toward a facilitated referral, and the director sees the case."
        ),
    )
    crisis_protocol = models.TextField(
        default=(
            "If you believe your colleague may harm themselves or someone else:\n"
            "1. Stay with them, or stay on the line. Do not leave them alone.\n"
            "2. If the danger is immediate, call 911 (or your hospital's emergency "
            "number) now.\n"
            "3. Otherwise call or text 988, the Suicide & Crisis Lifeline, together "
            "with them.\n"
            "4. Press “Alert the program director” below: the director and the "
            "administrator are told at once and will call you.\n"
            "You are not expected to handle this alone."
        ),
        help_text="What a supporter sees when they raise a safety concern.",
    )
    referral_follow_up_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=(
            "Days after a facilitated referral when Alongside asks whether the "
            "person got there."
        ),
    )
    encounter_notes_enabled = models.BooleanField(
        default=False,
        help_text=(
            "Let supporters keep a short note with each conversation: encrypted, "
            "read only by the supporter and the director, deleted with the case."
        ),
    )
    case_retention_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=(
            "Days after a case ends (closed, declined or never answered) before its "
            "names, contact details, notes and referrer are deleted. De-identified "
            "counts remain for the program's reports."
        ),
    )
    channel_reminder_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(14), MaxValueValidator(730)],
        help_text=(
            "Remind the director and administrator when a publicity channel "
            "(grand rounds, the newsletter…) has not been used for this many days."
        ),
    )
    onboarding_window_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=(
            "The onboarding list shows people in the program's scope who started "
            "within this many days."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "program settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="programsettings_single_row"
            )
        ]

    def __str__(self) -> str:
        return "Program settings"
