"""API keys for the systems that push adverse events (incident reporting)."""

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    """One source system's key. Only a hash is kept; the key is shown once, when made."""

    source = models.CharField(
        max_length=100,
        help_text="The source system's name; events it sends are idempotent per source.",
    )
    prefix = models.CharField(
        max_length=12, unique=True, help_text="The key's first characters, to find it."
    )
    key_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["source", "-created_at"]

    def __str__(self) -> str:
        return f"API key {self.prefix}… for {self.source}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
