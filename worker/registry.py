"""What the worker knows how to do.

Apps register, in their AppConfig.ready(), the handlers for their kinds of
BackgroundTask and any DueWork model of their own that the worker should
sweep (the outbox registers its e-mail queue this way).
"""

from collections.abc import Callable
from dataclasses import dataclass

from worker.models import DueWork

TaskHandler = Callable[[dict], None]


@dataclass(frozen=True)
class Queue:
    """A DueWork model and the function that performs one claimed row of it.

    ``in_transaction`` says, for a row, whether the work and its completion
    share one transaction: true for database-only work, false for anything
    that talks to the outside world (sending e-mail) or must commit as it
    goes (a long import showing its progress).
    """

    model: type[DueWork]
    perform: Callable[[DueWork], dict | None]
    in_transaction: Callable[[DueWork], bool]


_task_handlers: dict[str, TaskHandler] = {}
_outside_transaction: set[str] = set()

_queues: dict[str, Queue] = {}


def task_handler(
    kind: str, *, in_transaction: bool = True
) -> Callable[[TaskHandler], TaskHandler]:
    """Register the handler for a kind of task.

    By default the worker runs a handler and marks its task done in one
    transaction, so its database work happens exactly once. A handler that
    must commit as it goes passes ``in_transaction=False``; it then runs at
    least once and must be safe to run again from the top.
    """

    def register(function: TaskHandler) -> TaskHandler:
        if _task_handlers.get(kind, function) is not function:
            raise ValueError(f"Two handlers registered for task kind {kind!r}.")
        _task_handlers[kind] = function
        if not in_transaction:
            _outside_transaction.add(kind)
        return function

    return register


def task_runs_in_transaction(task) -> bool:
    return task.kind not in _outside_transaction


def handler_for(kind: str) -> TaskHandler:
    try:
        return _task_handlers[kind]
    except KeyError:
        raise LookupError(f"No handler is registered for task kind {kind!r}.")


def register_queue(queue: Queue) -> None:
    _queues[queue.model._meta.label] = queue


def queues() -> list[Queue]:
    return list(_queues.values())
