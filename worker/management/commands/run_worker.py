import signal
import threading

from django.core.management.base import BaseCommand

from worker.runner import Worker


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

        def request_stop(signum, frame):
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        worker = Worker(stop=stop)
        self.stdout.write(
            f"Worker {worker.worker_id} running. Stop with Ctrl-C or SIGTERM."
        )
        processed = worker.run(once=once)
        self.stdout.write(f"Worker stopped cleanly after {processed} items.")
