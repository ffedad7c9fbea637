from celery import shared_task

from shape.services import dialogue, notifications


@shared_task(name="shape.tasks.send_plan_event_email", max_retries=3, default_retry_delay=60)
def send_plan_event_email(event_id: int) -> None:
    notifications.plan_event_email_send(event_id=event_id)


@shared_task(
    name="shape.tasks.send_stakeholder_invitation_email", max_retries=3, default_retry_delay=60
)
def send_stakeholder_invitation_email(invitation_id: int) -> None:
    dialogue.stakeholder_invitation_email_send(invitation_id=invitation_id)


@shared_task(name="shape.tasks.send_dialogue_message_email", max_retries=3, default_retry_delay=60)
def send_dialogue_message_email(message_id: int) -> None:
    dialogue.dialogue_message_email_send(message_id=message_id)
