"""Every write to accounts, organisations and roles."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts import permissions, selectors
from accounts.models import (
    SELF_CHOSEN_ROLES,
    Delivery,
    Notification,
    NotificationPreference,
    Organisation,
    Role,
    RoleGrant,
    User,
)
from marketplace import jobs
from marketplace.errors import DomainError, NotAllowed

CURATOR_GROUP = "Curators"
# Curators maintain the content of these apps through the admin.
CURATED_APPS = ("accounts", "explore", "shape", "deal", "clusters", "marketplace")


def _forget_cached_roles(user: User) -> None:
    user.__dict__.pop("roles", None)


@transaction.atomic
def organisation_join_or_create(
    *, user: User, name: str, kind: str, country: str, city: str = ""
) -> Organisation:
    """Attach a person to an organisation by name, creating it if nobody has yet.

    The founder of an organisation is confirmed in it; whoever joins an existing one
    waits until a confirmed colleague or a curator vouches for them, so nobody can
    speak for a bank by typing its name.
    """
    name = name.strip()
    slug = slugify(name)[:200]
    if not slug:
        raise DomainError(
            _("Give the organisation a name with letters or digits."), field="organisation_name"
        )
    organisation, created = Organisation.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": kind, "country": country, "city": city}
    )
    user.organisation = organisation
    user.organisation_confirmed = created
    user.save(update_fields=["organisation", "organisation_confirmed"])
    return organisation


@transaction.atomic
def colleague_confirm(*, person: User, actor: User) -> User:
    if not permissions.can_confirm_colleague(actor, person):
        raise NotAllowed(_("Only a confirmed colleague or a curator can confirm this person."))
    person.organisation_confirmed = True
    person.save(update_fields=["organisation_confirmed"])
    return person


@transaction.atomic
def role_grant(*, user: User, role: str, actor: User | None) -> RoleGrant:
    """Give a role. `actor=None` is the system itself (sign-up, demo data)."""
    if actor is not None and not permissions.can_grant_role(actor, role, to=user):
        raise NotAllowed(_("You may not grant this role."))
    grant, _created = RoleGrant.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": actor}
    )
    if role == Role.CURATOR:
        _make_staff_curator(user)
    _forget_cached_roles(user)
    return grant


@transaction.atomic
def role_revoke(*, user: User, role: str, actor: User) -> None:
    if role == Role.MEMBER or not permissions.can_grant_role(actor, role, to=user):
        raise NotAllowed(_("You may not remove this role."))
    RoleGrant.objects.filter(user=user, role=role).delete()
    if role == Role.CURATOR and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
        user.groups.remove(*Group.objects.filter(name=CURATOR_GROUP))
    _forget_cached_roles(user)


def _make_staff_curator(user: User) -> None:
    group, _created = Group.objects.get_or_create(name=CURATOR_GROUP)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def member_signup_complete(
    *,
    user: User,
    name: str,
    organisation_name: str,
    organisation_kind: str,
    country: str,
    roles: list[str],
) -> User:
    """Finish a sign-up: name, organisation and the roles chosen on the form."""
    user.name = name.strip()
    user.save(update_fields=["name"])
    organisation_join_or_create(
        user=user, name=organisation_name, kind=organisation_kind, country=country
    )
    role_grant(user=user, role=Role.MEMBER, actor=None)
    for role in roles:
        if role in SELF_CHOSEN_ROLES:
            role_grant(user=user, role=role, actor=user)
    return user


@transaction.atomic
def profile_update(*, user: User, name: str, listed_in_directories: bool, roles: list[str]) -> User:
    """Update what a person says about themself, including promoter and investor roles."""
    user.name = name.strip()
    user.listed_in_directories = listed_in_directories
    user.save(update_fields=["name", "listed_in_directories"])
    for role in SELF_CHOSEN_ROLES:
        if role in roles and role not in user.roles:
            role_grant(user=user, role=role, actor=user)
        elif role not in roles and role in user.roles:
            role_revoke(user=user, role=role, actor=user)
    return user


@transaction.atomic
def notification_preferences_update(*, user: User, choices: dict[str, str]) -> None:
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )


@transaction.atomic
def api_token_renew(*, user: User) -> Token:
    """Replace the person's API token; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


def curator_group_sync(**kwargs) -> None:
    """Give the curators' group every model permission of the platform's own apps.

    Runs after each migrate, when new models (and their permissions) may have appeared.
    """
    group, _created = Group.objects.get_or_create(name=CURATOR_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=CURATED_APPS))


@transaction.atomic
def member_email_confirmed(*, user: User) -> None:
    """A person proved their address: welcome them once, in the background."""
    if user.emailaddress_set.filter(verified=True).count() == 1:
        jobs.enqueue("accounts.tasks.send_welcome_email", user.pk)


def welcome_email_send(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    context = {"user": user, "profile_url": settings.SITE_URL + reverse("accounts:profile")}
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Welcome to the marketplace"),
            message=render_to_string("accounts/email/welcome.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )


def notify(
    *, recipient: User, kind: str, title, url: str = "", body="", actor=None
) -> Notification:
    """Tell one person something happened: in the site always, by e-mail as they chose.

    `title` and `body` may be lazy strings (`format_lazy`); they are written in the site's
    default language. Call inside the transaction of the change: the e-mail leaves after
    commit, and a digest picks up what waits for it.
    """
    delivery = selectors.notification_preferences_for(user=recipient)[kind]
    with translation.override(settings.LANGUAGE_CODE):
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            title=str(title)[:300],
            body=str(body),
            url=url,
            actor=actor,
            awaiting_digest=delivery == Delivery.DAILY,
        )
    transaction.on_commit(lambda: _forget_unread_count(recipient.pk))
    if delivery == Delivery.IMMEDIATELY and recipient.is_active:
        jobs.enqueue("accounts.tasks.send_notification_email", notification.pk)
    return notification


def notification_email_send(*, notification_id: int) -> None:
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None or not notification.recipient.is_active:
        return
    context = {"notification": notification, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + notification.title,
            message=render_to_string("accounts/email/notification.txt", context),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )


def notification_digests_send() -> int:
    """E-mail each person who chose a daily digest what waited for it; returns how many."""
    recipients = (
        Notification.objects.filter(awaiting_digest=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        sent += _digest_send(recipient_id=recipient_id)
    return sent


@transaction.atomic
def _digest_send(*, recipient_id: int) -> int:
    waiting = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient_id=recipient_id, awaiting_digest=True)
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    if not waiting:
        return 0
    recipient = waiting[0].recipient
    Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(awaiting_digest=False)
    if not recipient.is_active:
        return 0
    context = {"notifications": waiting, "recipient": recipient, "site_url": settings.SITE_URL}
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("Your daily digest"),
            message=render_to_string("accounts/email/digest.txt", context),
            from_email=None,
            recipient_list=[recipient.email],
        )
    return 1


def notifications_mark_read(*, user: User, ids=None) -> int:
    """Mark the person's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    marked = unread.update(read_at=timezone.now())
    _forget_unread_count(user.pk)
    return marked


def _forget_unread_count(user_id: int) -> None:
    cache.delete(selectors.unread_count_key(user_id))
