"""Whether a peer supporter is ready to be assigned, and why not: the program's rules.

Precedence, first match wins:

1. **paused** — the supporter stepped out (leave, overload);
2. **in training** — a core module is not complete;
3. **awaiting sign-off** — the program requires the director's competency
   sign-off and there is none;
4. **refresher due** — they missed more ongoing meetings in a row than the
   program allows; attending any session (a meeting or a training session)
   ends the run;
5. **active** — assignable.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

from training.models import Readiness


@dataclass(frozen=True)
class ReadinessFacts:
    """Everything the rules look at, gathered by the caller."""

    core_modules: list[str]
    completed_core: list[str]
    sign_off_required: bool
    signed_off: bool
    missed_in_a_row: int
    missed_allowed: int
    paused_since: object = None
    pause_reason: str = ""
    next_meeting: object = None


@dataclass(frozen=True)
class ReadinessVerdict:
    status: Readiness
    reasons: list[str] = field(default_factory=list)


def readiness_verdict(facts: ReadinessFacts) -> ReadinessVerdict:
    if facts.paused_since is not None:
        return ReadinessVerdict(
            Readiness.PAUSED,
            [
                f"Paused since {_day(facts.paused_since)} ({facts.pause_reason.lower()}). "
                "Switching the pause off brings you back into matching."
            ],
        )
    missing = [
        title for title in facts.core_modules if title not in facts.completed_core
    ]
    if missing:
        return ReadinessVerdict(
            Readiness.IN_TRAINING,
            [
                f"{len(missing)} of {len(facts.core_modules)} core modules still to "
                f"complete: {', '.join(missing)}."
            ],
        )
    if facts.sign_off_required and not facts.signed_off:
        return ReadinessVerdict(
            Readiness.AWAITING_SIGN_OFF,
            [
                "Every core module is complete. The program director records a "
                "competency sign-off (for example after a role-play) before the "
                "first assignment."
            ],
        )
    if facts.missed_in_a_row > facts.missed_allowed:
        next_meeting = (
            f" The next is on {_day(facts.next_meeting)}."
            if facts.next_meeting
            else " The next one has not been scheduled yet."
        )
        return ReadinessVerdict(
            Readiness.REFRESHER_DUE,
            [
                f"Missed the last {facts.missed_in_a_row} supporters' meetings (more "
                f"than {facts.missed_allowed} in a row). Attending one makes you "
                f"assignable again.{next_meeting}"
            ],
        )
    return ReadinessVerdict(Readiness.ACTIVE, [])


def _day(moment) -> str:
    if hasattr(moment, "astimezone"):
        moment = timezone.localtime(moment).date()
    return date_format(moment, "j M Y")
