"""The resource directory: services a clinician can turn to beyond the program.

Nothing here is about a person. A resource is an organization's service (an
EAP, the state physician health program, a crisis line) described so a
clinician can decide, alone and without telling anyone, whether to use it.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models


class ResourceKind(models.TextChoices):
    EAP = "eap", "Employee assistance program"
    COUNSELLING = "counselling", "Mental-health counselling"
    PHYSICIAN_HEALTH_PROGRAM = "php", "State physician health program"
    STRESS_REDUCTION = "stress_reduction", "Stress reduction"
    CHAPLAINCY = "chaplaincy", "Chaplaincy and spiritual care"
    CRISIS_LINE = "crisis_line", "Crisis line"
    PEER_HOTLINE = "peer_hotline", "Peer hotline"
    OTHER = "other", "Other"


class Reportability(models.TextChoices):
    """Whether using the service is reportable to a licensing board.

    Clinicians stay away from help they fear will reach the board, so the
    directory says so plainly, including when the answer is not known.
    """

    NO = "no", "Not reportable to a licensing board"
    YES = "yes", "May be reported to a licensing board"
    DEPENDS = "depends", "Reportable in some circumstances"
    UNKNOWN = "unknown", "Not known whether reportable"


class Resource(models.Model):
    """One service in the directory, shaped to map onto an HSDS ``service``."""

    hsds_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        verbose_name="HSDS id",
        help_text="The service's id in Open Referral HSDS files; kept across "
        "export and import.",
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=ResourceKind.choices)
    description = models.TextField(
        blank=True, help_text="A sentence or two: what it offers."
    )
    organization_name = models.CharField(
        max_length=200,
        help_text="Who runs it.",
    )
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    url = models.URLField(blank=True, verbose_name="Web address")
    location = models.CharField(
        max_length=300, blank=True, help_text="Where to go, if it is a place."
    )
    hours = models.TextField(blank=True, help_text="When it is open.")
    cost = models.TextField(blank=True)
    eligibility = models.TextField(blank=True, help_text="Who may use it.")
    confidentiality = models.TextField(
        blank=True, help_text="What it keeps private and what it must report."
    )
    reportable_to_licensing_board = models.CharField(
        max_length=16, choices=Reportability.choices, default=Reportability.UNKNOWN
    )
    is_crisis = models.BooleanField(
        default=False,
        verbose_name="Crisis resource",
        help_text="Shown first, and on the safety-concern screen.",
    )
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_crisis", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.has_a_way_to_reach_it():
            raise ValidationError(
                "Say how to reach it: a phone number, an e-mail address, a web "
                "address or a place."
            )

    def has_a_way_to_reach_it(self) -> bool:
        return any((self.phone, self.email, self.url, self.location))
