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

    ``in_transaction`` says whether the work and its completion can share one
    transaction (true for database-only work, false for anything that talks
    to the outside world, like sending e-mail).
    """

    model: type[DueWork]
    perform: Callable[[DueWork], dict | None]
    in_transaction: bool


_task_handlers: dict[str, TaskHandler] = {}
_queues: dict[str, Queue] = {}


def task_handler(kind: str) -> Callable[[TaskHandler], TaskHandler]:
    def register(function: TaskHandler) -> TaskHandler:
        if _task_handlers.get(kind, function) is not function:
            raise ValueError(f"Two handlers registered for task kind {kind!r}.")
        _task_handlers[kind] = function
        return function

    return register


def handler_for(kind: str) -> TaskHandler:
    try:
        return _task_handlers[kind]
    except KeyError:
        raise LookupError(f"No handler is registered for task kind {kind!r}.")


def register_queue(queue: Queue) -> None:
    _queues[queue.model._meta.label] = queue


def queues() -> list[Queue]:
    return list(_queues.values())
