import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.urls import reverse

from accounts.models import Role
from accounts.services import role_grant
from organization.models import StaffMember
from program.selectors import program_settings


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
        parser.add_argument(
            "--time-share",
            type=int,
            default=None,
            metavar="PERCENT",
            help=(
                "The share of a full-time week committed to the program: for the "
                "program director (default: the program's cap for the director's time) "
                "or, optionally, the administrator."
            ),
        )

    def handle(
        self, *args, person: str, role: str, starts_on, ends_on, time_share, **options
    ):
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
                committed_percent=time_share,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages))
        role_name = assignment.get_role_display().lower()
        if not assignment.needs_acknowledgement:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{staff_member} is {role_name} from {assignment.starts_on}."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{staff_member} is appointed {role_name} from {assignment.starts_on}, "
                f"committing {assignment.committed_percent} % of their time."
            )
        )
        self.stdout.write(
            "The role counts once they acknowledge it, signed in, at "
            f"{reverse('appointment_acknowledge', args=[assignment.pk])} "
            "(their home page links to it)."
        )
        cap = program_settings().director_time_cap_percent
        if assignment.committed_percent > cap:
            self.stderr.write(
                self.style.WARNING(
                    f"{assignment.committed_percent} % is above the program's cap of "
                    f"{cap} % for the director's time."
                )
            )
