"""Who may see and do what in Explore."""

from accounts.permissions import is_curator, is_member
from explore.models import PublicationStatus


def can_choose_interests(user) -> bool:
    return is_member(user)


def can_view_item(user, item) -> bool:
    """Published items are open data; drafts, pending and archived ones are their author's."""
    if item.status == PublicationStatus.PUBLISHED and item.revision_of_id is None:
        return True
    return is_curator(user) or (user.is_authenticated and item.author_id == user.pk)


def can_submit_content(user) -> bool:
    return is_member(user)


def can_edit_item(user, item) -> bool:
    if is_curator(user):
        return True
    return (
        is_member(user) and item.author_id == user.pk and item.status != PublicationStatus.ARCHIVED
    )


def can_moderate(user) -> bool:
    return is_curator(user)
