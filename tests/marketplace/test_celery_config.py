import pytest
from django.conf import settings

from marketplace.celery import app


def test_a_task_is_acknowledged_only_after_it_ran():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True


def test_the_redis_visibility_timeout_outlasts_every_task():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    app.loader.import_default_modules()
    limits = [
        task.time_limit or app.conf.task_time_limit
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    ]

    assert limits, "no platform task was registered"
    assert all(limit and limit < visibility for limit in limits)
    assert app.conf.result_backend_transport_options["visibility_timeout"] == visibility


@pytest.mark.django_db
def test_a_message_delivered_too_often_is_dropped_without_running():
    from django.core.cache import cache

    ping = app.tasks["marketplace.tasks.ping"]
    ping.push_request(id="lost-worker-task", is_eager=False)
    try:
        cache.set("celery-deliveries:lost-worker-task", settings.CELERY_TASK_MAX_DELIVERIES)
        assert ping() is None
    finally:
        ping.pop_request()


@pytest.mark.django_db
def test_a_message_within_its_delivery_bound_runs_and_forgets_its_count():
    from django.core.cache import cache

    ping = app.tasks["marketplace.tasks.ping"]
    ping.push_request(id="redelivered-task", is_eager=False)
    try:
        cache.set("celery-deliveries:redelivered-task", 1)
        assert ping() == "pong"
        assert cache.get("celery-deliveries:redelivered-task") is None
    finally:
        ping.pop_request()
