"""A real worker process for test_processes: ``python -m worker.tests.worker_process``.

It registers the handlers below, sends e-mail to files (Django's file
backend) when ALONGSIDE_TEST_MAIL_DIR names a folder, then runs
``manage.py run_worker`` (signal handling included) with the arguments it
was given. The test that starts it passes the test database in DATABASE_URL.
"""

import os
import sys
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

SEND_PAUSE_SECONDS = 0.02


def record_execution(payload: dict) -> None:
    """Append the task's number to a file: one line per execution, from any process."""
    time.sleep(payload.get("pause", 0))
    with open(payload["record_to"], "a") as record:
        record.write(f"{payload['n']}\n")


def slow_on_first_attempt(payload: dict) -> None:
    """Leave a marker and sleep the first time, so a test can kill the worker meanwhile."""
    marker = Path(payload["marker"])
    if not marker.exists():
        marker.touch()
        time.sleep(payload["sleep"])
    record_execution(payload)


class SlowFileBackend(EmailBackend):
    """Django's file backend, taking its time over each message like a real mail server."""

    def send_messages(self, email_messages):
        time.sleep(SEND_PAUSE_SECONDS * len(email_messages))
        return super().send_messages(email_messages)


def register_test_handlers() -> None:
    from worker.registry import task_handler

    task_handler("test.record_execution")(record_execution)
    task_handler("test.slow_on_first_attempt")(slow_on_first_attempt)


def send_email_to_files(folder: str) -> None:
    from django.conf import settings

    settings.MAILERS = {
        "default": {
            "BACKEND": "worker.tests.worker_process.SlowFileBackend",
            "OPTIONS": {"file_path": folder},
        }
    }


def main() -> None:
    from worker.stop_signals import stop_signals_block

    stop_signals_block()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    import django

    django.setup()
    register_test_handlers()
    if mail_folder := os.environ.get("ALONGSIDE_TEST_MAIL_DIR"):
        send_email_to_files(mail_folder)
    from django.core.management import call_command

    call_command("run_worker", *sys.argv[1:])


if __name__ == "__main__":
    main()
