"""The organization: where people work, what they do, and the staff roster."""

from django.db import models
from django.db.models.functions import Lower


class Site(models.Model):
    """A hospital, clinic or campus of the health system."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Profession(models.Model):
    """A profession on the roster (physician, nurse…). Configurable per organization."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    is_clinical = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    """A person on the staff roster, kept in step with HR by roster imports."""

    employee_id = models.CharField(max_length=64, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    work_email = models.EmailField(max_length=254, blank=True)
    npi = models.CharField(max_length=10, blank=True, db_index=True)
    profession = models.ForeignKey(
        Profession, on_delete=models.PROTECT, related_name="staff_members"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff_members"
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="staff_members"
    )
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    start_date = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                Lower("work_email"),
                condition=~models.Q(work_email=""),
                name="staffmember_unique_work_email",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(Lower("work_email"), name="staffmember_email_lower"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class RosterImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    READING = "reading", "Reading the file"
    CHECKING = "checking", "Checking rows"
    SAVING = "saving", "Saving"
    DONE = "done", "Imported"
    REJECTED = "rejected", "Not imported: the file has errors"
    FAILED = "failed", "Failed"


class RosterImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "Import nothing if any row has an error"
    VALID_ROWS = "valid_rows", "Import the valid rows and report the rest"


class RosterImport(models.Model):
    """One upload of the staff roster, from the file to its validation report.

    The uploaded file is kept in the database (so any worker can read it) only
    until the import finishes; afterwards only counts and the report remain.
    """

    created_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for imports from the command line.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(null=True, blank=True)
    mode = models.CharField(
        max_length=20,
        choices=RosterImportMode.choices,
        default=RosterImportMode.ALL_OR_NOTHING,
    )
    status = models.CharField(
        max_length=16,
        choices=RosterImportStatus.choices,
        default=RosterImportStatus.QUEUED,
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    runs = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker has started this import."
    )

    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list,
        blank=True,
        help_text="The first errors found: [{row, employee_id, field, message}].",
    )
    failure = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Roster import {self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            RosterImportStatus.DONE,
            RosterImportStatus.REJECTED,
            RosterImportStatus.FAILED,
        }
