"""Who the program serves: versions of its scope, and the demand it meets or misses."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ScopeStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    SCHEDULED = "scheduled", "Scheduled"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ScopeVersion(models.Model):
    """Which professions, sites and departments the program serves from a date.

    The scope in force on a day is the scheduled version with the latest
    ``effective_from`` on or before it, so a planned expansion takes effect on
    its date without anyone acting. Versions that have taken effect are never
    changed: they are the program's history. A proposal has no effect; it is
    there so the director can see what an expansion would add.
    """

    name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=ScopeStatus.choices, default=ScopeStatus.PROPOSED
    )
    effective_from = models.DateField(null=True, blank=True)
    professions = models.ManyToManyField("organization.Profession", related_name="+")
    all_sites = models.BooleanField(default=True)
    sites = models.ManyToManyField("organization.Site", blank=True, related_name="+")
    all_departments = models.BooleanField(default=True)
    departments = models.ManyToManyField(
        "organization.Department", blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(status="scheduled"),
                name="scopeversion_one_per_day",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(effective_from__isnull=False),
                name="scopeversion_scheduled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def has_taken_effect(self, on: datetime.date | None = None) -> bool:
        """Scheduled and in force on or before the day: part of the program's history."""
        day = on or timezone.localdate()
        return self.status == ScopeStatus.SCHEDULED and self.effective_from <= day

    def is_open_to_change(self, on: datetime.date | None = None) -> bool:
        """A proposal, or a scheduled version whose day has not come yet."""
        return self.status != ScopeStatus.WITHDRAWN and not self.has_taken_effect(on)


class DemandRecord(models.Model):
    """Someone asked the program for help: counted, never identified.

    No person, no content and no time of day: only what the director needs to
    see demand, and unmet demand from outside the scope, by profession and
    department.
    """

    recorded_on = models.DateField(db_index=True)
    in_scope = models.BooleanField()
    profession = models.ForeignKey(
        "organization.Profession", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "organization.Department", on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "organization.Site", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{'In' if self.in_scope else 'Outside'} scope request on {self.recorded_on}"
