"""A real Celery worker on the Redis broker runs the platform's jobs end to end."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from accounts import services
from marketplace.models import OutboxTask


def wait_for(condition, *, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_welcome_email_after_the_address_is_confirmed(member, live_broker):
    with start_worker(live_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            services.member_email_confirmed(user=member)

        assert wait_for(lambda: len(mail.outbox) == 1), "the worker never sent the e-mail"

    assert mail.outbox[0].to == [member.email]
    assert "Welcome" in mail.outbox[0].subject
    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_worker_returns_a_task_result_through_the_redis_backend(live_broker):
    with start_worker(live_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = live_broker.tasks["marketplace.tasks.ping"].delay()

        assert result.get(timeout=20) == "pong"
