from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.roster import DEMO_ACCOUNTS, DEPARTMENTS, ORGANIZATION_NAME, SITES
from demo.services import DemoLoadResult, DemoModeRequired, demo_organization_load


class Command(BaseCommand):
    help = (
        f"Load {ORGANIZATION_NAME}, the demo organization, and its demo accounts. "
        "Demo mode only; safe to run again."
    )

    def handle(self, *args, **options):
        try:
            result = demo_organization_load()
        except DemoModeRequired as error:
            raise CommandError(str(error))
        self.stdout.write(_summary(result))
        self.stdout.write("")
        self.stdout.write(
            f"Sign in as any of these, password {settings.DEMO_PASSWORD}:"
        )
        self.stdout.write(_accounts_table())


def _summary(result: DemoLoadResult) -> str:
    if result.people_added:
        return (
            f"Loaded {ORGANIZATION_NAME}, the demo organization: added "
            f"{result.people_added} people in {len(DEPARTMENTS)} departments at {len(SITES)} sites."
        )
    if result.changed:
        changes = ", ".join(
            f"{name.replace('_', ' ')}: {count}"
            for name, count in result.changes().items()
        )
        return f"{ORGANIZATION_NAME} was already loaded; put back what had changed ({changes})."
    return f"{ORGANIZATION_NAME} is already loaded; nothing changed."


def _accounts_table() -> str:
    email_width = max(len(account.email) for account in DEMO_ACCOUNTS)
    role_width = max(len(account.role_label) for account in DEMO_ACCOUNTS)
    return "\n".join(
        f"  {account.email:<{email_width}}  {account.role_label:<{role_width}}  "
        f"sees {account.sees}"
        for account in DEMO_ACCOUNTS
    )
