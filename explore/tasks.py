from celery import shared_task

from explore import services


@shared_task(name="explore.tasks.send_moderation_decision", max_retries=3, default_retry_delay=60)
def send_moderation_decision(record_id: int, author_id: int) -> None:
    services.moderation_decision_send(record_id=record_id, author_id=author_id)
