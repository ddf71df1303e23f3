"""Sign-in accounts and the program roles people hold."""

import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """An account that signs in by work email.

    What a person may see comes from the roles their roster entry holds,
    never from Django's staff or superuser flags.
    """

    email = models.EmailField(unique=True)
    staff_member = models.OneToOneField(
        "organization.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.staff_member_id:
            return self.staff_member.full_name
        return self.email


class Role(models.TextChoices):
    PROGRAM_DIRECTOR = "program_director", "Program director"
    PROGRAM_ADMINISTRATOR = "program_administrator", "Program administrator"
    PEER_SUPPORTER = "peer_supporter", "Peer supporter"
    LEADERSHIP_VIEWER = "leadership_viewer", "Leadership viewer"
    RISK_QUALITY = "risk_quality", "Risk & quality staff"
    IT_ADMINISTRATOR = "it_administrator", "IT administrator"


# A role that needs acknowledgement counts only once the appointee has acknowledged it.
ACKNOWLEDGED = Q(needs_acknowledgement=False) | Q(acknowledged_at__isnull=False)
AWAITING_ACKNOWLEDGEMENT = Q(needs_acknowledgement=True, acknowledged_at__isnull=True)


def _in_force(day: datetime.date) -> Q:
    return (
        Q(starts_on__lte=day)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        & (Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=day))
    )


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Assignments in force on a day (today by default).

        A revoked assignment stops counting on the day it was revoked, even
        though its end date records that day as the last one it was held. An
        appointment that needs acknowledgement counts only once acknowledged.
        """
        day = on or timezone.localdate()
        return self.filter(_in_force(day), ACKNOWLEDGED)

    def awaiting_acknowledgement(self, on: datetime.date | None = None):
        """Appointments not yet acknowledged that can still be (not revoked or over)."""
        day = on or timezone.localdate()
        return self.filter(
            AWAITING_ACKNOWLEDGEMENT,
            Q(revoked_at__isnull=True),
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        )

    def current_or_coming(self, on: datetime.date | None = None):
        """In force today, awaiting acknowledgement, or starting later (not revoked)."""
        day = on or timezone.localdate()
        still_open = Q(revoked_at__isnull=True) & (
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
        return self.filter(
            (_in_force(day) & ACKNOWLEDGED)
            | (AWAITING_ACKNOWLEDGEMENT & still_open)
            | (Q(starts_on__gt=day) & still_open)
        )


class RoleAssignment(models.Model):
    """A role held by a person from one date to another (open-ended if no end)."""

    staff_member = models.ForeignKey(
        "organization.StaffMember",
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when granted from the command line.",
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    committed_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=(
            "The share of a full-time week committed to the program: required "
            "for the program director, optional for the administrator."
        ),
    )
    needs_acknowledgement = models.BooleanField(
        default=False,
        help_text="The role counts only once the appointee has acknowledged it.",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="roleassignment_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(committed_percent__isnull=True)
                | Q(committed_percent__gte=1, committed_percent__lte=100),
                name="roleassignment_committed_percent_range",
            ),
        ]
        indexes = [models.Index(fields=["staff_member", "role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} from {self.starts_on}"

    @property
    def is_awaiting_acknowledgement(self) -> bool:
        return self.needs_acknowledgement and self.acknowledged_at is None
