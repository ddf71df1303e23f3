from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.services import api_key_create


class Command(BaseCommand):
    help = (
        "Make an API key for a source system (an incident-reporting system) and "
        "print it, once. Calls send it as: Authorization: Bearer <key>."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            help="The source system's name, e.g. RL6. Events are idempotent per source.",
        )

    def handle(self, *args, source: str, **options):
        try:
            api_key, plaintext = api_key_create(source=source)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(plaintext)
        self.stderr.write(
            f"This key for {api_key.source} will not be shown again: store it in the "
            "source system now. Revoke it under System → API keys."
        )
