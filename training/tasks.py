"""Training's background tasks (registered when the app is ready)."""

from training.services import session_reminder_send, supporter_standings_refresh_all
from worker.registry import task_handler


@task_handler("training.session_reminder")
def session_reminder(payload: dict) -> None:
    session_reminder_send(session_id=payload["session_id"])


@task_handler("training.refresh_standings")
def refresh_standings(payload: dict) -> None:
    supporter_standings_refresh_all()
