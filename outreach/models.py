"""Referrals and active outreach: offers of support, who makes them, and how they end."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from confidentiality.fields import EncryptedTextField


class HowHeard(models.TextChoices):
    """How a person heard of the program (publicity channels, issue 8, join on these)."""

    GRAND_ROUNDS = "grand_rounds", "Grand rounds"
    QUALITY_SAFETY = "quality_safety_conference", "A quality and safety conference"
    FACULTY_MEETING = "faculty_meeting", "A faculty meeting"
    MEDICAL_STAFF_MEETING = "medical_staff_meeting", "A medical staff meeting"
    ONBOARDING = "onboarding", "Onboarding or orientation"
    NEWSLETTER = "newsletter", "A newsletter"
    COLLEAGUE = "colleague", "A colleague"
    REACHED_OUT = "reached_out", "A peer supporter reached out to me"
    OTHER = "other", "Somewhere else"


class DepartmentPreference(models.TextChoices):
    OTHER_DEPARTMENT = "other", "Someone from another department"
    OWN_DEPARTMENT = "own", "Someone from my own department"
    ANY = "any", "Either"


class ContactModality(models.TextChoices):
    ANY = "any", "Any way"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    IN_PERSON = "in_person", "In person"


class ReferralKind(models.TextChoices):
    SELF = "self", "For themselves"
    COLLEAGUE = "colleague", "By a colleague"
    LEADER = "leader", "By their leader"


class Referral(models.Model):
    """Someone asked for support, for themselves or for a colleague.

    The referrer of a colleague is seen by program staff and never shown to
    the person referred. There is no field for what happened: the program
    needs who and how to reach them, not the story.
    """

    kind = models.CharField(max_length=16, choices=ReferralKind.choices)
    person = models.ForeignKey(
        "organization.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    referrer = models.ForeignKey(
        "organization.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who referred them (the person themselves for a self-referral).",
    )
    department_preference = models.CharField(
        max_length=16,
        choices=DepartmentPreference.choices,
        default=DepartmentPreference.ANY,
        help_text="“Either” leaves the program's department rule to decide.",
    )
    same_profession = models.BooleanField(default=True)
    supporter_gender = models.CharField(max_length=32, blank=True)
    modality = models.CharField(
        max_length=16, choices=ContactModality.choices, default=ContactModality.ANY
    )
    good_times = EncryptedTextField(help_text="When is a good time to reach them.")
    phone = EncryptedTextField(help_text="A number to call, if they gave one.")
    how_heard = models.CharField(max_length=32, choices=HowHeard.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Referral ({self.get_kind_display().lower()})"


class OfferOrigin(models.TextChoices):
    EVENT = "event", "After an adverse event"
    SELF = "self", "Asked for themselves"
    COLLEAGUE = "colleague", "Referred by a colleague"
    LEADER = "leader", "Referred by their leader"
    CLUSTER = "cluster", "Group debrief after a cluster of events"
    REOPENED = "reopened", "Re-opened after notice of litigation"


class OfferState(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    CONTACTED = "contacted", "Contacted"
    ACCEPTED = "accepted", "Accepted"
    NOT_NOW = "not_now", "Not now"
    DECLINED = "declined", "Declined"
    NO_ANSWER = "no_answer", "No answer"
    IN_SUPPORT = "in_support", "In support"
    CLOSED = "closed", "Closed"


class CloseReason(models.TextChoices):
    SUPPORT_ENDED = "support_ended", "Support ended"
    DECLINED = "declined", "Declined"
    NO_ANSWER = "no_answer", "Never answered"
    REFERRED_ON = "referred_on", "Referred on to other help"
    LEFT = "left", "Left the organization"
    DUPLICATE = "duplicate", "Duplicate offer"
    OTHER = "other", "Another reason"


OPEN_STATES = [
    OfferState.NEW,
    OfferState.ASSIGNED,
    OfferState.CONTACTED,
    OfferState.ACCEPTED,
    OfferState.NOT_NOW,
    OfferState.IN_SUPPORT,
]


class OutreachOffer(models.Model):
    """One offer of support to one person, from first assignment to closing.

    A first-contact clock runs from assignment (``first_contact_due_at``);
    the worker reminds the supporter before it runs out and reassigns when
    it does.
    """

    person = models.ForeignKey(
        "organization.StaffMember",
        on_delete=models.PROTECT,
        related_name="outreach_offers",
    )
    origin = models.CharField(max_length=16, choices=OfferOrigin.choices)
    event = models.ForeignKey(
        "events.AdverseEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offers",
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="offers"
    )
    trigger_type = models.ForeignKey(
        "events.TriggerType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        max_length=16, choices=OfferState.choices, default=OfferState.NEW
    )
    state_changed_at = models.DateTimeField()
    supporter = models.ForeignKey(
        "organization.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_contact_due_at = models.DateTimeField(null=True, blank=True)
    first_contact_hours = models.PositiveSmallIntegerField(default=24)
    contacted_at = models.DateTimeField(null=True, blank=True)
    match_explanation = models.JSONField(
        default=dict,
        blank=True,
        help_text="Why this supporter, and the runners-up, at the last assignment.",
    )
    answer_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    answer_expires_at = models.DateTimeField(null=True, blank=True)
    second_offer_sent = models.BooleanField(default=False)
    reopened_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    close_reason = models.CharField(
        max_length=16, choices=CloseReason.choices, blank=True
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "first_contact_due_at"]),
            models.Index(fields=["supporter", "state"]),
            models.Index(fields=["person", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(event__isnull=False, origin=OfferOrigin.EVENT),
                name="offer_once_per_event_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer #{self.pk} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class OfferStep(models.Model):
    """One transition of an offer, for the program staff's timeline. No content."""

    offer = models.ForeignKey(
        OutreachOffer, on_delete=models.CASCADE, related_name="steps"
    )
    from_state = models.CharField(max_length=16, choices=OfferState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=OfferState.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for the system (clocks) or the person answering a link.",
    )
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # "Was this offer ever accepted?", asked of every offer by the dashboard.
            models.Index(
                fields=["offer"],
                condition=models.Q(
                    to_state__in=[OfferState.ACCEPTED, OfferState.IN_SUPPORT]
                ),
                name="offerstep_accepted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class SupporterGender(models.TextChoices):
    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"


class SupporterProfile(models.Model):
    """What a supporter tells matching about themselves (all optional)."""

    staff_member = models.OneToOneField(
        "organization.StaffMember",
        on_delete=models.CASCADE,
        related_name="supporter_profile",
    )
    gender = models.CharField(
        max_length=16, choices=SupporterGender.choices, blank=True
    )
    caseload_cap = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Open assignments at most (empty: the program's cap).",
    )

    def __str__(self) -> str:
        return f"Profile of {self.staff_member}"


class OnCallWindow(models.Model):
    """A time a supporter is on call: triggered outreach prefers them."""

    supporter = models.ForeignKey(
        "organization.StaffMember", on_delete=models.CASCADE, related_name="on_call"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="oncallwindow_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} on call"


class ClosedCaseCount(models.Model):
    """What remains of ended cases once retention has deleted them: counts, and nothing else.

    One row per combination of month the offer was made, origin, trigger,
    profession, department, site and how the case ended. Nothing here points
    to a person, an event or a supporter. Time to first contact is kept as
    cumulative counts (contacted within 1, 2, 4, 8, 24 and 72 hours), so the
    reports can say "half within 4 hours" without a time per person.
    """

    month = models.DateField(help_text="The first day of the month the offer was made.")
    origin = models.CharField(max_length=16, choices=OfferOrigin.choices)
    trigger_type = models.ForeignKey(
        "events.TriggerType",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    profession = models.ForeignKey(
        "organization.Profession", on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "organization.Department", on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "organization.Site", on_delete=models.PROTECT, related_name="+"
    )
    ended_as = models.CharField(
        max_length=16,
        choices=CloseReason.choices,
        help_text="Why the case ended (declined and never answered included).",
    )
    offers = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    contacted = models.PositiveIntegerField(default=0)
    contacted_within_target = models.PositiveIntegerField(default=0)
    contacted_within_1h = models.PositiveIntegerField(default=0)
    contacted_within_2h = models.PositiveIntegerField(default=0)
    contacted_within_4h = models.PositiveIntegerField(default=0)
    contacted_within_8h = models.PositiveIntegerField(default=0)
    contacted_within_24h = models.PositiveIntegerField(default=0)
    contacted_within_72h = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)
    facilitated_referrals = models.PositiveIntegerField(default=0)
    referrals_reached = models.PositiveIntegerField(default=0)
    referrals_not_yet = models.PositiveIntegerField(default=0)
    referrals_not_going = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "pk"]
        indexes = [models.Index(fields=["month", "origin"])]

    def __str__(self) -> str:
        return f"{self.offers} ended case(s) from {self.month:%B %Y}"
