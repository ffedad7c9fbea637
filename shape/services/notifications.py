"""E-mails about a plan's workflow, sent by Celery tasks."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from accounts.models import NotificationKind, Role, User
from accounts.selectors import notification_preferences_for
from shape.models import PlanEvent, PlanStatus

CURATOR_EVENTS = {PlanStatus.SUBMITTED, PlanStatus.RESUBMITTED}


def plan_event_email_send(*, event_id: int) -> None:
    """Tell those concerned about a status change: the team, or curators for a submission."""
    event = PlanEvent.objects.select_related("plan", "actor").filter(pk=event_id).first()
    if event is None:
        return
    context = {"event": event, "plan": event.plan, "site_url": settings.SITE_URL}
    subject = render_to_string("shape/email/plan_event_subject.txt", context).strip()
    body = render_to_string("shape/email/plan_event.txt", context)
    for person in _recipients(event):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            message=body,
            from_email=None,
            recipient_list=[person.email],
        )


def _recipients(event: PlanEvent) -> list[User]:
    plan = event.plan
    if event.to_status in CURATOR_EVENTS:
        people = list(User.objects.filter(is_active=True, role_grants__role=Role.CURATOR))
    else:
        people = [plan.promoter, *plan.co_editors.filter(is_active=True)]
    return [person for person in people if person != event.actor and _wants_mail(person)]


def _wants_mail(person: User) -> bool:
    # Workflow news follows the person's choice for dialogue notifications about plans.
    return notification_preferences_for(user=person)[NotificationKind.DIALOGUE] == "immediately"
