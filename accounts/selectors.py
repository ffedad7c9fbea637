from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from accounts.models import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    Organisation,
    User,
)


def user_with_roles(*, user_id: int) -> User:
    return (
        User.objects.select_related("organisation").prefetch_related("role_grants").get(pk=user_id)
    )


def notification_preferences_for(*, user) -> dict[str, str]:
    """Every kind with the user's delivery choice; kinds never set are delivered at once."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATELY) for kind in NotificationKind.values}


def organisation_with_listed_people(*, slug: str) -> Organisation:
    listed = User.objects.filter(is_active=True, listed_in_directories=True).order_by("name")
    return Organisation.objects.prefetch_related(
        Prefetch("people", queryset=listed, to_attr="listed_people")
    ).get(slug=slug)


def colleagues_awaiting_confirmation(*, organisation) -> list[User]:
    return list(
        organisation.people.filter(is_active=True, organisation_confirmed=False).order_by("email")
    )


def personal_data_export(*, user) -> dict:
    """Everything the platform stores about a person themself, for download."""
    organisation = user.organisation
    return {
        "email": user.email,
        "name": user.name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "roles": sorted(user.roles),
        "organisation": (
            {
                "name": organisation.name,
                "kind": organisation.kind,
                "confirmed": user.organisation_confirmed,
            }
            if organisation
            else None
        ),
        "listed_in_directories": user.listed_in_directories,
        "notification_preferences": notification_preferences_for(user=user),
        "email_addresses": list(user.emailaddress_set.values("email", "verified", "primary")),
        "areas_of_interest": list(user.areas_of_interest.values_list("name", flat=True)),
    }


def unread_count_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_notification_count(*, user) -> int:
    """How many notifications wait unread; cached until one arrives or is read."""
    key = unread_count_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at=None).count()
        cache.set(key, count, timeout=None)
    return count


def notifications_for(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(recipient=user).select_related("actor")
    if unread_only:
        notifications = notifications.filter(read_at=None)
    return notifications
