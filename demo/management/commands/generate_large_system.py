"""Fill an empty database with a synthetic large health system (docs/large-system.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from demo.large_system import (
    PASSWORD,
    LargeSystemRefused,
    StageTiming,
    large_system_generate,
)
from demo.large_system.people import ACCOUNTS, supporter_email
from demo.large_system.report import table_counts


class Command(BaseCommand):
    help = (
        "Generate a synthetic large health system (100 000 staff at --scale 1) into an "
        "empty, migrated database, for load tests. Refuses production mode."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1.0: 100 000 staff (0.001 for tests)",
        )
        parser.add_argument(
            "--api-key-file",
            type=Path,
            help="Write the incident system's API key here instead of printing it.",
        )

    def handle(self, *args, seed, scale, api_key_file, **options):
        if scale <= 0:
            raise CommandError("--scale must be more than 0.")
        self.stdout.write(f"Generating a large system, seed {seed}, scale {scale}.")
        try:
            timings, plaintext = large_system_generate(
                seed=seed, scale=scale, progress=self._progress
            )
        except LargeSystemRefused as refusal:
            raise CommandError(str(refusal)) from None
        total = sum(stage.seconds for stage in timings)
        self.stdout.write(f"Done in {total:.0f} s.\n")
        self.stdout.write("Rows per table:")
        counts = table_counts()
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>12,}")
        self._accounts(scale)
        if api_key_file:
            api_key_file.write_text(plaintext + "\n")
            api_key_file.chmod(0o600)
            self.stdout.write(f"The incident system's API key is in {api_key_file}.")
        else:
            self.stdout.write(
                f"The incident system's API key (shown once): {plaintext}"
            )

    def _progress(self, stage: StageTiming) -> None:
        counts = ", ".join(f"{name} {count:,}" for name, count in stage.counts.items())
        self.stdout.write(f"  {stage.name:<26} {stage.seconds:7.1f} s  {counts}")

    def _accounts(self, scale: float) -> None:
        self.stdout.write(f"\nSign in with password {PASSWORD} as:")
        for key, roles, _ in ACCOUNTS:
            self.stdout.write(
                f"  {key}@large.test  ({', '.join(r.label for r in roles)})"
            )
        self.stdout.write(f"  {supporter_email(1)} … (peer supporters)")
