"""One offer's story, from the first step to the last: the same moves the outreach services make.

First contact comes a lognormal time after assignment (median about a fifth
of the clock: under five hours on a 24-hour clock), so about one offer in
thirty misses its clock, escalates and is reassigned. After an event about
four in ten accept, a quarter decline, a fifth never answer and one in ten
say "not now" and get the one gentle second offer; people who asked for
themselves nearly all accept. Accepted cases have one to three
conversations and then close, some with a facilitated referral.
"""

import datetime
import math
import random
from dataclasses import dataclass, field

from outreach.models import CloseReason, OfferOrigin, OfferState

ESCALATED = "First contact was due and had not been made; escalated."
MATCHED = "Matched: trained and available, from another department, fewest open cases."
LOGGED = "Logged by the supporter."
ANSWERED = "Answered from the e-mail."
SECOND_OFFER = "The one gentle second offer was sent."
ENDED = {OfferState.CLOSED, OfferState.DECLINED, OfferState.NO_ANSWER}
AFTER_EVENT = {"accepted": 0.42, "declined": 0.26, "no_answer": 0.2, "not_now": 0.12}
ASKED = {"accepted": 0.86, "declined": 0.05, "no_answer": 0.05, "not_now": 0.04}
CLOSED_BEFORE_CONTACT = 0.015


@dataclass
class Step:
    from_state: str
    to_state: str
    at: datetime.datetime
    by_supporter: bool = False
    by_staff: bool = False
    detail: str = ""


@dataclass
class Story:
    steps: list[Step]
    supporters: list[int]  # supporter indexes, the current one last
    assigned_at: datetime.datetime
    contacted_at: datetime.datetime | None = None
    close_reason: str = ""
    second_offer_sent: bool = False
    conversations: list[datetime.datetime] = field(default_factory=list)
    referred: bool = False

    @property
    def state(self) -> str:
        return self.steps[-1].to_state


def _hours(value: float) -> datetime.timedelta:
    return datetime.timedelta(hours=value)


def story_tell(r: random.Random, *, created, hours: int, origin: str, pick) -> Story:
    """The whole story, as if nothing stopped it; ``pick()`` chooses a supporter."""
    assigned = created + datetime.timedelta(seconds=2)
    story = Story(
        steps=[
            Step("", OfferState.NEW, created),
            Step(OfferState.NEW, OfferState.ASSIGNED, assigned, detail=MATCHED),
        ],
        supporters=[pick()],
        assigned_at=assigned,
    )
    if r.random() < CLOSED_BEFORE_CONTACT:
        reason = r.choice([CloseReason.DUPLICATE, CloseReason.LEFT, CloseReason.OTHER])
        _close(story, assigned + _hours(r.uniform(1, 48)), reason, by_staff=True)
        return story
    delay = hours * math.exp(r.gauss(math.log(0.18), 0.9))
    contact = assigned + _hours(delay)
    if delay > hours:
        due = assigned + _hours(hours)
        story.steps.append(
            Step(OfferState.ASSIGNED, OfferState.ASSIGNED, due, detail=ESCALATED)
        )
        story.supporters.append(pick())
        story.assigned_at = due + datetime.timedelta(minutes=1)
        story.steps.append(
            Step(OfferState.ASSIGNED, OfferState.ASSIGNED, story.assigned_at, detail="Reassigned. " + MATCHED)
        )  # fmt: skip
        contact = story.assigned_at + _hours(hours * r.uniform(0.05, 0.5))
    story.contacted_at = contact
    story.steps.append(
        Step(OfferState.ASSIGNED, OfferState.CONTACTED, contact, True, detail=LOGGED)
    )
    _answer(r, story, contact, AFTER_EVENT if origin == OfferOrigin.EVENT else ASKED)
    return story


def _choice(r: random.Random, shares: dict[str, float]) -> str:
    x, total = r.random(), 0.0
    for key, share in shares.items():
        total += share
        if x < total:
            return key
    return key


def _answer(r: random.Random, story: Story, contact, shares: dict) -> None:
    outcome = _choice(r, shares)
    answered = contact + _hours(math.exp(r.gauss(math.log(5), 1.0)))
    if outcome == "no_answer":
        at = contact + datetime.timedelta(days=r.uniform(3, 7))
        story.steps.append(
            Step(OfferState.CONTACTED, OfferState.NO_ANSWER, at, True, detail=LOGGED)
        )
    elif outcome == "declined":
        story.steps.append(
            Step(OfferState.CONTACTED, OfferState.DECLINED, answered, detail=ANSWERED)
        )
    elif outcome == "not_now":
        story.steps.append(
            Step(OfferState.CONTACTED, OfferState.NOT_NOW, answered, detail=ANSWERED)
        )
        again = answered + datetime.timedelta(days=7)
        story.second_offer_sent = True
        story.steps.append(
            Step(OfferState.NOT_NOW, OfferState.CONTACTED, again, detail=SECOND_OFFER)
        )
        _answer(r, story, again, {"accepted": 0.4, "declined": 0.6})
    else:
        story.steps.append(
            Step(OfferState.CONTACTED, OfferState.ACCEPTED, answered, detail=ANSWERED)
        )
        _support(r, story, answered)


def _support(r: random.Random, story: Story, accepted) -> None:
    talks = 1 + (r.random() < 0.5) + (r.random() < 0.3)
    at = accepted + datetime.timedelta(days=r.uniform(0.5, 4))
    story.steps.append(
        Step(OfferState.ACCEPTED, OfferState.IN_SUPPORT, at, True, detail="First conversation held.")
    )  # fmt: skip
    for _ in range(talks):
        story.conversations.append(at)
        at += datetime.timedelta(days=r.uniform(5, 10))
    story.referred = r.random() < 0.15
    reason = CloseReason.REFERRED_ON if story.referred else CloseReason.SUPPORT_ENDED
    _close(
        story,
        story.conversations[-1] + datetime.timedelta(days=r.uniform(2, 14)),
        reason,
    )


def _close(story: Story, at, reason: str, *, by_staff: bool = False) -> None:
    story.close_reason = reason
    story.steps.append(
        Step(story.state, OfferState.CLOSED, at, not by_staff, by_staff, detail=LOGGED)
    )


def story_fit(story: Story, *, now, keep_open: bool) -> None:
    """Make the story end before now: squeeze it (most), or stop it part way (the open few)."""
    start = story.steps[0].at
    last = story.steps[-1].at
    if last < now:
        return
    if not keep_open:
        factor = (now - datetime.timedelta(minutes=1) - start) / (last - start)
        for step in story.steps:
            step.at = start + (step.at - start) * factor
        story.conversations = [
            start + (at - start) * factor for at in story.conversations
        ]
        story.assigned_at = start + (story.assigned_at - start) * factor
        if story.contacted_at:
            story.contacted_at = start + (story.contacted_at - start) * factor
        return
    story.steps = [step for step in story.steps if step.at <= now]
    while story.state in ENDED:
        story.steps.pop()
    if story.assigned_at > now:
        story.assigned_at = story.steps[1].at
        story.supporters = story.supporters[:1]
    story.conversations = [at for at in story.conversations if at <= now]
    if story.state != OfferState.CLOSED:
        story.close_reason = ""
    if story.contacted_at and story.contacted_at > now:
        story.contacted_at = None
