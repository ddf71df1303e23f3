import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts.models import Role
from accounts.services import role_grant
from organization.models import StaffMember


class Command(BaseCommand):
    help = (
        "Give a person on the roster a program role from the command line, e.g. the first "
        "IT administrator. Audited as done from the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "person", help="Work e-mail or employee id, as on the roster."
        )
        parser.add_argument("role", choices=Role.values)
        parser.add_argument(
            "--starts-on", type=datetime.date.fromisoformat, default=None
        )
        parser.add_argument("--ends-on", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, person: str, role: str, starts_on, ends_on, **options):
        staff_member = StaffMember.objects.filter(
            Q(work_email__iexact=person) | Q(employee_id=person)
        ).first()
        if staff_member is None:
            raise CommandError(
                f"Nobody on the roster has the work e-mail or employee id {person!r}. "
                "Import the roster first (manage.py import_roster FILE)."
            )
        try:
            assignment = role_grant(
                actor=None,
                staff_member=staff_member,
                role=Role(role),
                starts_on=starts_on,
                ends_on=ends_on,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages))
        self.stdout.write(
            self.style.SUCCESS(
                f"{staff_member} is {assignment.get_role_display().lower()} "
                f"from {assignment.starts_on}."
            )
        )
