"""Publicity's daily work, run by the worker (see worker/recurring.py)."""

from publicity.onboarding import onboarding_contacts_purge
from publicity.reminders import channel_reminders_send
from publicity.tally import requests_tally
from worker.registry import task_handler


@task_handler("publicity.channel_reminders")
def channel_reminders(payload: dict) -> None:
    channel_reminders_send()


@task_handler("publicity.tally_requests")
def tally_requests(payload: dict) -> None:
    requests_tally()


@task_handler("publicity.purge_onboarding_contacts")
def purge_onboarding_contacts(payload: dict) -> None:
    onboarding_contacts_purge()
