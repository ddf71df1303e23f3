from django.core.management.base import BaseCommand

from confidentiality import crypto
from confidentiality.services import encrypted_fields_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the first key of FIELD_ENCRYPTION_KEYS. "
        "Add the new key first, keep the old ones, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Re-encrypting under key {crypto.active_key_id()!r}…")
        counts = encrypted_fields_rotate()
        for label, rotated in counts.items():
            self.stdout.write(f"  {label}: {rotated} re-encrypted")
        self.stdout.write(
            self.style.SUCCESS("Done. Keys no longer in use can be removed.")
        )
