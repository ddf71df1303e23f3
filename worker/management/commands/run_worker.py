import contextlib
import signal
import threading

from django.core.management.base import BaseCommand

from worker.runner import Worker
from worker.stop_signals import STOP_SIGNALS, stop_signals_block


@contextlib.contextmanager
def stopping_on_signals(stop: threading.Event):
    """Set ``stop`` when SIGTERM or SIGINT arrives, from a thread of its own.

    A Python signal handler runs in the main thread between two bytecodes,
    possibly while that thread holds the event's internal lock inside
    ``stop.wait()``; calling ``stop.set()`` there can deadlock. So the signals
    are blocked and a small thread waits for them instead (and manage.py has
    blocked them already, before any library started a thread of its own:
    see worker.stop_signals).
    """
    previous_mask = stop_signals_block()

    def wait_for_signal() -> None:
        signal.sigwait(STOP_SIGNALS)
        stop.set()

    threading.Thread(target=wait_for_signal, name="stop-on-signal", daemon=True).start()
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)


class Command(BaseCommand):
    help = "Perform due background work (e-mail, reminders, escalations, purges) until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="Stop when nothing is due instead of waiting.",
        )

    def handle(self, *args, once: bool = False, **options):
        stop = threading.Event()
        worker = Worker(stop=stop)
        self.stdout.write(
            f"Worker {worker.worker_id} running. Stop with Ctrl-C or SIGTERM."
        )
        with stopping_on_signals(stop):
            processed = worker.run(once=once)
        self.stdout.write(f"Worker stopped cleanly after {processed} items.")
