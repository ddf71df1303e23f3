"""What the load test needs from the large system: sessions, and ids of real rows.

Run under the server's own settings (same SECRET_KEY, same database), it
prints JSON: a signed-in session for each role (``signed_in_session_key``: as a
completed sign-in with a second factor leaves one) and samples of the rows the pages
open, so the locust users request pages that exist.
"""

import json
import random
import sys

import django

django.setup()

from django.utils import timezone  # noqa: E402 - after setup

from accounts.models import User  # noqa: E402
from demo.large_system import signed_in_session_key  # noqa: E402
from events.models import AdverseEvent, TriggerType  # noqa: E402
from organization.models import StaffMember  # noqa: E402
from outreach.models import OPEN_STATES, OutreachOffer  # noqa: E402
from surveys.models import Survey  # noqa: E402

SAMPLE = 300
SUPPORTER_SESSIONS = 40


def sample_ids(queryset, rng: random.Random) -> list[int]:
    """Ids spread over the whole table, not just its first rows."""
    highest = queryset.order_by("-pk").values_list("pk", flat=True).first() or 0
    wanted = sorted(rng.randrange(1, highest + 1) for _ in range(SAMPLE * 3))
    found = list(queryset.filter(pk__in=wanted).values_list("pk", flat=True))
    return found[:SAMPLE]


def supporter_sessions() -> list[dict]:
    """Supporters with a case open now, each with that case."""
    offers = (
        OutreachOffer.objects.filter(state__in=OPEN_STATES, supporter__isnull=False)
        .order_by("pk")
        .values_list("supporter_id", "pk")
    )
    first_offer: dict[int, int] = {}
    for supporter_id, offer_id in offers.iterator():
        first_offer.setdefault(supporter_id, offer_id)
    users = User.objects.filter(staff_member_id__in=first_offer).order_by("pk")
    return [
        {"key": signed_in_session_key(user), "offer": first_offer[user.staff_member_id]}
        for user in users[:SUPPORTER_SESSIONS]
    ]


def main() -> None:
    rng = random.Random(20261126)
    email = "{}@large.test".format
    sessions = {
        role: {"key": signed_in_session_key(User.objects.get(email=email(role)))}
        for role in ("director", "leader", "it")
    }
    sessions["supporters"] = supporter_sessions()
    survey = Survey.objects.order_by("pk").first()
    staff = StaffMember.objects.filter(is_active=True)
    context = {
        "sessions": sessions,
        "staff_members": sample_ids(staff, rng),
        "employee_ids": list(
            staff.filter(pk__in=sample_ids(staff, rng)).values_list(
                "employee_id", flat=True
            )
        ),
        "surnames": list(
            staff.filter(pk__in=sample_ids(staff, rng)[:50]).values_list(
                "last_name", flat=True
            )
        ),
        "events": sample_ids(AdverseEvent.objects.all(), rng),
        "offers": sample_ids(OutreachOffer.objects.all(), rng),
        "survey_results": f"/surveys/{survey.slug}/results/",
        "triggers": list(
            TriggerType.objects.filter(creates_offers=True).values_list(
                "code", flat=True
            )
        ),
        "today": timezone.localdate().isoformat(),
        "api_key": sys.argv[1] if len(sys.argv) > 1 else "",
    }
    json.dump(context, sys.stdout)


if __name__ == "__main__":
    main()
