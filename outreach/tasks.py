"""Outreach clocks, run by the worker (registered when the app is ready)."""

from outreach import retention, services
from worker.registry import task_handler


@task_handler("outreach.first_contact_reminder")
def first_contact_reminder(payload: dict) -> None:
    services.first_contact_remind(
        offer_id=payload["offer_id"], assigned_at=payload["assigned_at"]
    )


@task_handler("outreach.first_contact_expired")
def first_contact_expired(payload: dict) -> None:
    services.first_contact_expire(
        offer_id=payload["offer_id"], assigned_at=payload["assigned_at"]
    )


@task_handler("outreach.second_offer")
def second_offer(payload: dict) -> None:
    services.second_offer_send(offer_id=payload["offer_id"])


@task_handler("outreach.check_in")
def check_in(payload: dict) -> None:
    services.check_in_remind(offer_id=payload["offer_id"], days=payload["days"])


@task_handler("outreach.reach_in")
def reach_in(payload: dict) -> None:
    services.event_reach_in(event_id=payload["event_id"])


@task_handler("outreach.purge_closed_cases")
def purge_closed_cases(payload: dict) -> None:
    retention.closed_cases_purge_due()
