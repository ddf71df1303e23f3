import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.imports import (
    ResponseImportError,
    response_file_records,
    survey_responses_import,
)
from surveys.models import Survey


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a day written YYYY-MM-DD.") from None


def _count(text: str) -> int:
    if not text.isdigit():
        raise CommandError(f"“{text}” is not a number of people.")
    return int(text)


class Command(BaseCommand):
    help = (
        "Import a past wave's responses from a REDCap or Qualtrics export (CSV, "
        "UTF-8): a column per item, named by its id, and the optional segment "
        "columns department, profession, site and tenure_band or tenure_years. "
        "Every other column is ignored and never stored. Nothing is stored if any "
        "row has a problem; exits with status 1 then, after listing them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export, a CSV file.")
        parser.add_argument("--survey", required=True, help="The survey's slug.")
        parser.add_argument(
            "--wave", required=True, help="The wave's label, e.g. “Spring 2025”."
        )
        parser.add_argument(
            "--opens-on",
            type=_day,
            help="The day the wave opened (YYYY-MM-DD); needed to create it.",
        )
        parser.add_argument(
            "--closes-on",
            type=_day,
            help="The day the wave closed (YYYY-MM-DD); needed to create it.",
        )
        parser.add_argument(
            "--invited",
            type=_count,
            help="How many were invited, for the response rate.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report; store nothing.",
        )

    def handle(self, *args, file: str, survey: str, wave: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}.")
        found = Survey.objects.select_related("instrument").filter(slug=survey).first()
        if found is None:
            slugs = ", ".join(Survey.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"There is no survey “{survey}” (surveys: {slugs}).")
        try:
            with path.open("rb") as stream:
                report = survey_responses_import(
                    actor=None,
                    survey=found,
                    wave_label=wave,
                    records=response_file_records(stream),
                    opens_on=options["opens_on"],
                    closes_on=options["closes_on"],
                    invited=options["invited"],
                    dry_run=options["dry_run"],
                    source=path.name,
                )
        except ResponseImportError as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"Nothing was imported: the file has {report.problem_count} "
                f"problem{'s' if report.problem_count != 1 else ''}."
            )
