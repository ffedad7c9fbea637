"""Jobs asked for by a change survive a broker that is down when the change commits."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts import services
from marketplace import jobs
from marketplace.models import OutboxTask
from tests.conftest import point_celery_at

DEAD_REDIS = "redis://127.0.0.1:1/0"


def age_outbox_rows():
    OutboxTask.objects.update(created_at=timezone.now() - jobs.DRAIN_GRACE - timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
def test_a_job_runs_once_its_transaction_commits_and_leaves_no_row(member):
    with transaction.atomic():
        services.member_email_confirmed(user=member)
        assert len(mail.outbox) == 0  # nothing runs before the commit

    assert [message.to for message in mail.outbox] == [[member.email]]
    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_enqueues_nothing(member):
    def confirm_then_fail():
        with transaction.atomic():
            services.member_email_confirmed(user=member)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        confirm_then_fail()

    assert OutboxTask.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_a_job_is_kept_when_the_broker_is_down_and_sent_when_it_is_back(member, live_broker):
    point_celery_at(DEAD_REDIS)

    with transaction.atomic():
        services.member_email_confirmed(user=member)

    kept = OutboxTask.objects.get()
    assert kept.task_name == "accounts.tasks.send_welcome_email"
    assert kept.args == [member.pk]
    assert kept.attempts == 1
    assert kept.last_error

    point_celery_at(settings.REDIS_URL)
    age_outbox_rows()

    assert jobs.outbox_drain() == 1
    assert OutboxTask.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_drain_leaves_fresh_rows_to_their_own_commit_hook(member, live_broker):
    point_celery_at(DEAD_REDIS)
    with transaction.atomic():
        services.member_email_confirmed(user=member)

    assert jobs.outbox_drain() == 0
    assert OutboxTask.objects.count() == 1
