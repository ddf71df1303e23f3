"""A test-only model with encrypted fields (installed in test mode only)."""

from django.db import models

from confidentiality.fields import EncryptedTextField


class EncryptedSample(models.Model):
    note = EncryptedTextField()
    second_note = EncryptedTextField()
    label = models.CharField(max_length=50, blank=True)

    class Meta:
        app_label = "encrypted_samples"

    def __str__(self) -> str:
        return self.label
