"""The signals that stop a worker, blocked before any other thread exists.

A signal sent to a process goes to any thread that does not block it. The
worker blocks SIGTERM and SIGINT and waits for them on a thread of its own
(run_worker.stopping_on_signals), but threads started earlier keep the mask
they were born with: numpy's BLAS starts some when it is imported (openpyxl
imports numpy when it is installed), and a SIGTERM delivered to one of those
kills the worker mid-task. Threads inherit the mask of the thread that starts
them, so ``manage.py run_worker`` blocks the signals first, before Django
and its libraries are imported. Deliberately free of Django imports.
"""

import signal

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def stop_signals_block() -> set[signal.Signals]:
    """Block the stop signals in this thread (and every thread it starts). The previous mask."""
    return signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
