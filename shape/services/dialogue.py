"""Stakeholder invitations and the structured dialogue around a project plan.

Writes follow the house rules (atomic, permission-checked, domain errors); the few reads
the dialogue pages share sit at the end, next to the e-mails the tasks send.
"""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Delivery, NotificationKind, User
from accounts.selectors import notification_preferences_for
from marketplace import jobs
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape import permissions
from shape.models import (
    ChecklistItem,
    DialogueMessage,
    DialogueThread,
    ProjectPlan,
    StakeholderInvitation,
    StakeholderRole,
)

TOKEN_BYTES = 32  # token_urlsafe(32) gives 43 characters; the column holds 64.


# --- Invitations ------------------------------------------------------------------------------


@transaction.atomic
def stakeholder_invite(
    *, plan: ProjectPlan, email: str, role: str, actor: User
) -> StakeholderInvitation:
    """Invite a person by address; they get an e-mail with a link only they can accept."""
    if not permissions.can_invite_stakeholders(actor, plan):
        raise NotAllowed(_("Only the plan's promoter and co-editors invite stakeholders."))
    email = email.strip().lower()
    if not email:
        raise DomainError(_("Give the address to send the invitation to."), field="email")
    if role not in StakeholderRole.values:
        raise DomainError(_("Choose one of the offered roles."), field="role")
    team = {plan.promoter.email.lower(), *(e.lower() for e in _co_editor_emails(plan))}
    if email in team:
        raise DomainError(
            _("%(email)s already edits this plan and needs no invitation.") % {"email": email},
            field="email",
        )
    if plan.invitations.filter(email__iexact=email, revoked_at__isnull=True).exists():
        raise DomainError(
            _("%(email)s already has an open invitation to this plan. Revoke it to send a new one.")
            % {"email": email},
            field="email",
        )
    try:
        # The constraint catches two editors inviting the same address at the same moment.
        with transaction.atomic():
            invitation = StakeholderInvitation.objects.create(
                plan=plan,
                email=email,
                role=role,
                token=secrets.token_urlsafe(TOKEN_BYTES),
                invited_by=actor,
            )
    except IntegrityError as error:
        raise DomainError(
            _("%(email)s already has an open invitation to this plan.") % {"email": email},
            field="email",
        ) from error
    jobs.enqueue("shape.tasks.send_stakeholder_invitation_email", invitation.pk)
    return invitation


def _co_editor_emails(plan: ProjectPlan) -> list[str]:
    return list(plan.co_editors.values_list("email", flat=True))


@transaction.atomic
def stakeholder_invitation_accept(*, token: str, user: User) -> StakeholderInvitation:
    """Bind an invitation to the signed-in person.

    The person must have verified the invited address: a forwarded link alone gives a
    stranger no access to a draft plan. Accepting twice is harmless for the same person.
    """
    invitation = (
        StakeholderInvitation.objects.select_for_update()
        .select_related("plan")
        .filter(token=token)
        .first()
    )
    if invitation is None or not user.is_authenticated:
        raise DomainError(_("This invitation link is not valid."))
    if invitation.revoked_at is not None:
        raise StateConflict(_("This invitation was withdrawn by the plan's team."))
    if invitation.accepted_at is not None:
        if invitation.stakeholder_id == user.pk:
            return invitation
        raise StateConflict(_("This invitation was already accepted by someone else."))
    verified = user.emailaddress_set.filter(email__iexact=invitation.email, verified=True)
    if not verified.exists():
        raise DomainError(
            _(
                "This invitation was sent to %(email)s. Sign in with that address, or add it "
                "to your account and confirm it, then open the link again."
            )
            % {"email": invitation.email}
        )
    invitation.stakeholder = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["stakeholder", "accepted_at"])
    return invitation


@transaction.atomic
def stakeholder_invitation_revoke(
    *, invitation: StakeholderInvitation, actor: User
) -> StakeholderInvitation:
    """Withdraw an invitation; an accepted one loses its access to the plan at once."""
    invitation = (
        StakeholderInvitation.objects.select_for_update()
        .select_related("plan")
        .get(pk=invitation.pk)
    )
    if not permissions.is_plan_editor(actor, invitation.plan):
        raise NotAllowed(_("Only the plan's promoter and co-editors revoke invitations."))
    if invitation.revoked_at is not None:
        raise StateConflict(_("This invitation was already revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


# --- Threads and messages ---------------------------------------------------------------------


@transaction.atomic
def dialogue_thread_start(
    *,
    plan: ProjectPlan,
    title: str,
    body: str,
    item: ChecklistItem | None = None,
    actor: User,
) -> DialogueThread:
    if not permissions.can_discuss_plan(actor, plan):
        raise NotAllowed(_("Only the plan's team, its stakeholders and curators take part."))
    title, body = title.strip(), body.strip()
    if not title:
        raise DomainError(_("Give the thread a subject."), field="title")
    if not body:
        raise DomainError(_("Write the first message."), field="body")
    if (
        item is not None
        and plan.checklist_template_id is not None
        and not ChecklistItem.objects.filter(
            pk=item.pk, dimension__template_id=plan.checklist_template_id
        ).exists()
    ):
        raise DomainError(_("Choose an item of this plan's checklist."), field="item")
    thread = DialogueThread.objects.create(plan=plan, item=item, title=title, started_by=actor)
    _post(thread=thread, body=body, author=actor)
    return thread


@transaction.atomic
def dialogue_reply(*, thread: DialogueThread, body: str, actor: User) -> DialogueMessage:
    # The lock orders a reply and a concurrent resolve: one of them sees the other.
    thread = DialogueThread.objects.select_for_update().select_related("plan").get(pk=thread.pk)
    if not permissions.can_discuss_plan(actor, thread.plan):
        raise NotAllowed(_("Only the plan's team, its stakeholders and curators take part."))
    if thread.resolved_at is not None:
        raise StateConflict(_("This thread is resolved. Reopen it to reply."))
    body = body.strip()
    if not body:
        raise DomainError(_("Write a message."), field="body")
    return _post(thread=thread, body=body, author=actor)


def _post(*, thread: DialogueThread, body: str, author: User) -> DialogueMessage:
    """Must run inside the caller's transaction, so the e-mail goes only if the post stays."""
    message = DialogueMessage.objects.create(thread=thread, author=author, body=body)
    jobs.enqueue("shape.tasks.send_dialogue_message_email", message.pk)
    return message


@transaction.atomic
def dialogue_thread_resolve(*, thread: DialogueThread, actor: User) -> DialogueThread:
    thread = DialogueThread.objects.select_for_update().select_related("plan").get(pk=thread.pk)
    if not permissions.can_resolve_thread(actor, thread):
        raise NotAllowed(
            _("Only whoever started the thread, the plan's editors or a curator can resolve it.")
        )
    if thread.resolved_at is not None:
        raise StateConflict(_("This thread is already resolved."))
    thread.resolved_at = timezone.now()
    thread.resolved_by = actor
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


@transaction.atomic
def dialogue_thread_reopen(*, thread: DialogueThread, actor: User) -> DialogueThread:
    thread = DialogueThread.objects.select_for_update().select_related("plan").get(pk=thread.pk)
    if not permissions.can_resolve_thread(actor, thread):
        raise NotAllowed(
            _("Only whoever started the thread, the plan's editors or a curator can reopen it.")
        )
    if thread.resolved_at is None:
        raise StateConflict(_("This thread is open already."))
    thread.resolved_at = None
    thread.resolved_by = None
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


# --- Reads the dialogue pages share -----------------------------------------------------------


def dialogue_threads(*, plan: ProjectPlan) -> QuerySet[DialogueThread]:
    """The plan's threads, open ones first, each with its messages and their authors."""
    messages = DialogueMessage.objects.select_related("author").order_by("created_at", "id")
    return (
        plan.threads.select_related("started_by", "resolved_by", "item")
        .prefetch_related(Prefetch("messages", queryset=messages))
        # Explicit: SQLite and PostgreSQL put NULLs at opposite ends by default.
        .order_by(F("resolved_at").asc(nulls_first=True), "-created_at", "-id")
    )


def stakeholder_invitations(*, plan: ProjectPlan) -> QuerySet[StakeholderInvitation]:
    return plan.invitations.select_related("stakeholder", "invited_by").order_by("-created_at")


def invitation_by_token(*, token: str) -> StakeholderInvitation | None:
    return (
        StakeholderInvitation.objects.select_related("plan", "invited_by", "stakeholder")
        .filter(token=token)
        .first()
    )


def dialogue_log(*, plan: ProjectPlan) -> dict:
    """The whole dialogue as plain data, to cite as evidence of stakeholder engagement."""
    threads = dialogue_threads(plan=plan)
    return {
        "plan": {"id": plan.pk, "title": plan.title},
        "generated_at": timezone.now(),
        "stakeholders": [
            {
                "name": str(invitation.stakeholder),
                "role": invitation.get_role_display(),
                "accepted_at": invitation.accepted_at,
            }
            for invitation in stakeholder_invitations(plan=plan).filter(
                accepted_at__isnull=False, revoked_at__isnull=True
            )
        ],
        "threads": [
            {
                "id": thread.pk,
                "title": thread.title,
                "item": (
                    {"code": thread.item.code, "question": thread.item.question}
                    if thread.item
                    else None
                ),
                "started_by": _name(thread.started_by),
                "created_at": thread.created_at,
                "resolved": thread.resolved_at is not None,
                "resolved_at": thread.resolved_at,
                "resolved_by": _name(thread.resolved_by) if thread.resolved_at else None,
                "messages": [
                    {
                        "author": _name(message.author),
                        "created_at": message.created_at,
                        "body": message.body,
                    }
                    for message in thread.messages.all()
                ],
            }
            for thread in threads
        ],
    }


def _name(user: User | None) -> str:
    return str(user) if user is not None else _("(deleted account)")


# --- E-mails, sent by shape.tasks ----------------------------------------------------------


def stakeholder_invitation_email_send(*, invitation_id: int) -> None:
    invitation = (
        StakeholderInvitation.objects.select_related("plan", "invited_by")
        .filter(pk=invitation_id, revoked_at__isnull=True, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return  # revoked or accepted before the worker got to it
    context = {
        "invitation": invitation,
        "plan": invitation.plan,
        "accept_url": settings.SITE_URL
        + reverse("shape:invitation-accept", args=[invitation.token]),
        "signup_url": settings.SITE_URL + reverse("account_signup"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("shape/email/invitation_subject.txt", context).strip()
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            message=render_to_string("shape/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )


def dialogue_message_email_send(*, message_id: int) -> None:
    """Tell the thread's other participants about a new message, as each of them chose."""
    message = (
        DialogueMessage.objects.select_related("thread__plan__promoter", "author")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return
    thread = message.thread
    context = {
        "message": message,
        "thread": thread,
        "plan": thread.plan,
        "dialogue_url": settings.SITE_URL
        + reverse("shape:plan-dialogue", args=[thread.plan_id])
        + f"#thread-{thread.pk}",
        "preferences_url": settings.SITE_URL + reverse("accounts:profile"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("shape/email/dialogue_message_subject.txt", context).strip()
        body = render_to_string("shape/email/dialogue_message.txt", context)
    for person in dialogue_recipients(message=message):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            message=body,
            from_email=None,
            recipient_list=[person.email],
        )


def dialogue_recipients(*, message: DialogueMessage) -> list[User]:
    """Who posted in the thread and the plan's promoter, minus the author and the opted out."""
    thread = message.thread
    plan = thread.plan
    posters = User.objects.filter(is_active=True, pk__in=thread.messages.values("author")).exclude(
        pk=message.author_id
    )
    people = {person.pk: person for person in posters}
    if plan.promoter_id != message.author_id and plan.promoter.is_active:
        people.setdefault(plan.promoter_id, plan.promoter)
    return [
        person
        for person in people.values()
        # A revoked stakeholder keeps their old posts but hears nothing new.
        if permissions.can_view_plan(person, plan) and _wants_dialogue_mail(person)
    ]


def _wants_dialogue_mail(person: User) -> bool:
    # "Daily" waits for the digest that Deal brings; until then only "immediately" mails.
    choice = notification_preferences_for(user=person)[NotificationKind.DIALOGUE]
    return choice == Delivery.IMMEDIATELY
