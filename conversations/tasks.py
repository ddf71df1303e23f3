"""The follow-up after a facilitated referral, run by the worker."""

from conversations import referrals
from worker.registry import task_handler


@task_handler("conversations.referral_follow_up")
def referral_follow_up(payload: dict) -> None:
    referrals.referral_follow_up_ask(referral_id=payload["referral_id"])
