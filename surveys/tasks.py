"""Survey work the worker does: invitations, reminders, closing, summaries."""

from surveys import invitations, services
from worker.registry import task_handler


@task_handler("surveys.invite")
def invite(payload: dict) -> None:
    invitations.wave_invitations_issue(wave_id=payload["wave_id"])


@task_handler("surveys.remind")
def remind(payload: dict) -> None:
    invitations.wave_reminders_send(wave_id=payload["wave_id"])


@task_handler("surveys.close")
def close(payload: dict) -> None:
    services.wave_close(actor=None, wave_id=payload["wave_id"])


@task_handler("surveys.summarize")
def summarize(payload: dict) -> None:
    # numpy and statsmodels take seconds to import: only the worker summarizing needs them.
    from surveys.summary import wave_summarize

    wave_summarize(wave_id=payload["wave_id"])


@task_handler("surveys.restamp_open_waves")
def restamp_open_waves(payload: dict) -> None:
    services.open_waves_restamp()
