from celery import shared_task

from accounts import services


@shared_task(name="accounts.tasks.send_welcome_email", max_retries=3, default_retry_delay=60)
def send_welcome_email(user_id: int) -> None:
    services.welcome_email_send(user_id=user_id)


@shared_task(name="accounts.tasks.send_notification_email", max_retries=3, default_retry_delay=60)
def send_notification_email(notification_id: int) -> None:
    services.notification_email_send(notification_id=notification_id)


@shared_task(name="accounts.tasks.send_daily_digests")
def send_daily_digests() -> int:
    return services.notification_digests_send()
