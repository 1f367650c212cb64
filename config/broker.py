"""Queueing a task once the caller's transaction commits, when the broker may be down.

A change that has committed stands: a broker that cannot take its follow-up task must not
turn it into an error page. Every task queued this way has a sweep behind it that finds the
work undone (letters_sweep, outbox_flush), so a failed publish is logged and left to it.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached or refuses the message: Celery
# re-raises the transport's connection and channel errors as kombu's OperationalError; a socket
# fault outside that wrapping is an OSError.
BROKER_ERRORS = (OperationalError, OSError)


def task_delay_on_commit(task, *args, sweep: str) -> None:
    """`task.delay(*args)` once the transaction commits (at once outside one). If the broker
    does not take it, log an error naming the `sweep` that will do the work instead."""
    transaction.on_commit(lambda: task_delay_or_leave_to_sweep(task, *args, sweep=sweep))


def task_delay_or_leave_to_sweep(task, *args, sweep: str) -> None:
    if task.app.conf.task_always_eager:
        # No broker: the task runs here, and what it raises is its own fault, not a publish's.
        task.delay(*args)
        return
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.error("The broker did not take %s%r (%s); %s will do it", task.name, args, exc, sweep)
