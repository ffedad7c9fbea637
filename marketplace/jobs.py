"""Enqueueing Celery tasks so that no job is lost when the broker is away."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from marketplace.celery import app
from marketplace.models import OutboxTask

logger = logging.getLogger(__name__)

BROKER_ERRORS = (OperationalError, RedisConnectionError, OSError)

# A fresh row is normally being sent by its own on_commit hook; the drain leaves it alone
# for this long so that one job is not published twice in the ordinary case.
DRAIN_GRACE = timedelta(seconds=30)


def enqueue(task_name: str, *args, **kwargs) -> OutboxTask:
    """Record a task in the current transaction and publish it once that commits.

    Call it from a service, inside its transaction: if the transaction rolls back the job
    disappears with it; if the broker is down at commit the row stays for the drain.
    Arguments must be JSON-serialisable (ids, not model instances).
    """
    entry = OutboxTask.objects.create(task_name=task_name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: publish(entry.pk))
    return entry


def publish(entry_id: int) -> bool:
    """Send one outbox row to the broker; True when it was taken and the row deleted."""
    entry = OutboxTask.objects.filter(pk=entry_id).first()
    if entry is None:
        return False
    task = app.tasks[entry.task_name]
    try:
        task.apply_async(args=entry.args, kwargs=entry.kwargs)
    except BROKER_ERRORS as error:
        logger.warning("Could not enqueue %s, kept in the outbox: %s", entry.task_name, error)
        OutboxTask.objects.filter(pk=entry.pk).update(
            attempts=entry.attempts + 1, last_error=str(error)[:1000]
        )
        return False
    OutboxTask.objects.filter(pk=entry.pk).delete()
    return True


def outbox_drain(*, limit: int = 500) -> int:
    """Publish rows that their own commit hook did not; returns how many were sent."""
    cutoff = timezone.now() - DRAIN_GRACE
    waiting = OutboxTask.objects.filter(created_at__lte=cutoff).values_list("pk", flat=True)
    return sum(publish(entry_id) for entry_id in list(waiting[:limit]))
