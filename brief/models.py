"""The case to leadership: published findings, and the cost model's assumptions.

Neither names anyone. Findings are what the literature says, kept as data the
director edits; the assumptions are the director's figures for the
cost/benefit model (brief/cost_model.py). The local picture (surveys, events,
the program's reach and speed) is never stored here: it is read, suppressed,
each time the brief is made.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models

DOI_URL = "https://doi.org/"


def _at_least(low, message: str) -> MinValueValidator:
    return MinValueValidator(low, message=message)


def _at_most(high, message: str) -> MaxValueValidator:
    return MaxValueValidator(high, message=message)


PERCENT = [
    _at_least(Decimal(0), "A percentage cannot be below 0 %%."),
    _at_most(Decimal(100), "A percentage cannot be above 100 %%."),
]
NOT_NEGATIVE = _at_least(Decimal(0), "An amount cannot be negative.")
doi_validator = RegexValidator(
    r"^10\.\d{4,9}/\S+$",
    message="A DOI starts with “10.” and a number, then a slash: for example "
    "“10.1001/archsurg.2011.312” (without https://doi.org/).",
)


class EvidenceFinding(models.Model):
    """One published finding the brief cites, with its source.

    Rows supplied with Alongside (``is_seeded``) are marked until the director
    has checked them against the source (``checked_on``): the brief says so.
    """

    statement = models.TextField(
        max_length=600, help_text="What the study found, in a sentence or two."
    )
    figure = models.CharField(
        max_length=40,
        blank=True,
        help_text="The headline number as the source gives it, for example “61 %”. "
        "Leave it empty rather than guess.",
    )
    population = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who was studied, how many, where and how (survey, cohort, model).",
    )
    authors = models.CharField(
        max_length=300, help_text="As cited: “Waterman AD, Garbutt J, Hazel E, et al”."
    )
    title = models.CharField(max_length=400)
    journal = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(
        validators=[
            _at_least(1900, "Give the year the study was published."),
            _at_most(2100, "Give the year the study was published."),
        ]
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[doi_validator],
        help_text="For example “10.1001/archsurg.2011.312”.",
    )
    url = models.URLField(
        "Web address", blank=True, help_text="Where there is no DOI, a link to it."
    )
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(
        "Shown in the brief",
        default=True,
    )
    is_seeded = models.BooleanField(default=False, editable=False)
    checked_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the director confirmed it against the source.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.authors} ({self.year})"

    @property
    def citation(self) -> str:
        """Authors. Title. Journal. Year."""
        title = self.title.rstrip(".")
        return f"{self.authors.rstrip('.')}. {title}. {self.journal.rstrip('.')}. {self.year}."

    @property
    def link(self) -> str:
        if self.doi:
            return DOI_URL + self.doi
        return self.url

    @property
    def needs_checking(self) -> bool:
        return self.checked_on is None


class CostModelAssumptions(models.Model):
    """The cost/benefit model's inputs: one row, the director's (defaults are illustrative).

    Percentages are stored as percentages (7.00 means 7 %). Amounts are in the
    organization's currency, written with ``currency``.
    """

    physicians_in_scope = models.PositiveIntegerField(
        "Physicians the program serves",
        default=500,
        validators=[
            _at_least(1, "The model needs at least one physician."),
            _at_most(1_000_000, "That is more physicians than any organization has."),
        ],
    )
    annual_turnover_rate = models.DecimalField(
        "Yearly turnover (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("7.00"),
        validators=PERCENT,
        help_text="Physicians who leave in a year, as a share of all physicians.",
    )
    replacement_cost = models.DecimalField(
        "Cost of replacing one physician",
        max_digits=12,
        decimal_places=0,
        default=Decimal(500_000),
        validators=[NOT_NEGATIVE],
        help_text="Recruitment, onboarding and revenue lost while the post is empty. "
        "Published estimates run to two or three times a physician's yearly salary.",
    )
    burnout_prevalence = models.DecimalField(
        "Physicians with burnout (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("45.00"),
        validators=PERCENT,
    )
    burnout_prevalence_source = models.CharField(
        max_length=300,
        blank=True,
        default="",
        help_text="Where the burnout figure comes from (set when it is taken from a survey).",
    )
    burnout_relative_risk = models.DecimalField(
        "How much likelier a physician with burnout is to leave",
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
        validators=[
            _at_least(
                Decimal(1), "1 means burnout makes no difference; it cannot be less."
            ),
            _at_most(
                Decimal(10),
                "Above 10 times as likely is beyond any published estimate.",
            ),
        ],
        help_text="A relative risk: 2 means twice as likely. Hamidi et al. (2018) found 2.1.",
    )
    expected_reduction = models.DecimalField(
        "Expected reduction in burnout-related departures (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=PERCENT,
        help_text="The share of burnout-related departures the program would prevent. "
        "Be conservative.",
    )
    director_time_share = models.DecimalField(
        "Director's time on the program (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("20.00"),
        validators=PERCENT,
        help_text="The AMA module plans for up to 20 %.",
    )
    director_salary = models.DecimalField(
        "Director's yearly salary",
        max_digits=12,
        decimal_places=0,
        default=Decimal(350_000),
        validators=[NOT_NEGATIVE],
    )
    supporters = models.PositiveIntegerField(
        "Peer supporters",
        default=15,
        validators=[_at_most(10_000, "That is more supporters than any program has.")],
    )
    supporter_hours_per_year = models.DecimalField(
        "Hours each supporter gives in a year",
        max_digits=6,
        decimal_places=1,
        default=Decimal(40),
        validators=[
            NOT_NEGATIVE,
            _at_most(Decimal(2000), "A year of full-time work is about 2,000 hours."),
        ],
        help_text="Conversations, training refreshers and meetings.",
    )
    supporter_hourly_cost = models.DecimalField(
        "Cost of an hour of a supporter's time",
        max_digits=8,
        decimal_places=0,
        default=Decimal(150),
        validators=[NOT_NEGATIVE],
    )
    training_cost = models.DecimalField(
        "Training, each year",
        max_digits=12,
        decimal_places=0,
        default=Decimal(15_000),
        validators=[NOT_NEGATIVE],
    )
    other_costs = models.DecimalField(
        "Other yearly costs",
        max_digits=12,
        decimal_places=0,
        default=Decimal(0),
        validators=[NOT_NEGATIVE],
        help_text="The administrator's time, materials, anything else.",
    )
    currency = models.CharField(
        max_length=8,
        default="$",
        help_text="Written before every amount, for example “$”, “€” or “CHF ”.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name_plural = "cost model assumptions"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="cost_model_assumptions_one_row"
            )
        ]

    def __str__(self) -> str:
        return "Cost model assumptions"
