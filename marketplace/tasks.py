from celery import shared_task

from marketplace import jobs


@shared_task(name="marketplace.tasks.outbox_drain", ignore_result=True)
def outbox_drain():
    return jobs.outbox_drain()


@shared_task(name="marketplace.tasks.ping")
def ping():
    return "pong"
