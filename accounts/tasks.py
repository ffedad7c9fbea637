from celery import shared_task

from accounts import services


@shared_task(name="accounts.tasks.send_welcome_email", max_retries=3, default_retry_delay=60)
def send_welcome_email(user_id: int) -> None:
    services.welcome_email_send(user_id=user_id)
