"""The Celery app: configured from Django settings under the CELERY_ namespace."""

import logging
import os

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

logger = logging.getLogger(__name__)


class BoundedDeliveryTask(Task):
    """A task that gives up after CELERY_TASK_MAX_DELIVERIES deliveries of one message.

    With acks_late and reject_on_worker_lost, a message whose worker dies is delivered
    again. A task that kills its worker every time would loop forever, so each delivery
    is counted in the cache and a message past the bound is dropped with an error log.
    """

    def __call__(self, *args, **kwargs):
        if not self.request.is_eager and self._delivery_count_exceeded():
            logger.error("Dropping task %s[%s]: delivered too often.", self.name, self.request.id)
            return None
        try:
            return super().__call__(*args, **kwargs)
        finally:
            # Reaching here means the worker survived the run; only a lost worker
            # leaves the count raised for the next delivery to see.
            self._forget_deliveries()

    def _delivery_key(self) -> str:
        return f"celery-deliveries:{self.request.id}"

    def _delivery_count_exceeded(self) -> bool:
        from django.conf import settings
        from django.core.cache import cache

        key = self._delivery_key()
        cache.add(key, 0, timeout=settings.CELERY_VISIBILITY_TIMEOUT * 4)
        return cache.incr(key) > settings.CELERY_TASK_MAX_DELIVERIES

    def _forget_deliveries(self) -> None:
        from django.core.cache import cache

        if not self.request.is_eager:
            cache.delete(self._delivery_key())


app = Celery("marketplace", task_cls=BoundedDeliveryTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_stale_database_connections(task=None, **kwargs):
    # A worker is long-lived: drop connections that broke or outlived CONN_MAX_AGE
    # before and after every task, as Django does around every request. An eager task
    # runs inside its caller's transaction, whose connection must stay open.
    from django.db import close_old_connections

    if task is not None and task.request.is_eager:
        return
    close_old_connections()
