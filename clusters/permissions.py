"""Who may see and do what in clusters and initiatives.

A "group" is an ActionCluster or an Initiative. A person's memberships are loaded once
per user object (see `memberships_of`), so a page asking many questions about many
discussions or documents costs one query.
"""

from accounts.permissions import is_curator, is_member
from clusters.models import (
    ActionCluster,
    Initiative,
    InitiativeStatus,
    Membership,
    MembershipRole,
    MembershipStatus,
)

_CACHE = "_cluster_memberships"


def group_key(group) -> tuple[str, int]:
    return ("cluster" if isinstance(group, ActionCluster) else "initiative", group.pk)


def _membership_key(membership: Membership) -> tuple[str, int]:
    if membership.cluster_id:
        return ("cluster", membership.cluster_id)
    return ("initiative", membership.initiative_id)


def memberships_of(user) -> dict[tuple[str, int], Membership]:
    """The person's memberships keyed by group_key, loaded once per user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = {}
        for membership in Membership.objects.filter(user=user):
            cached[_membership_key(membership)] = membership
        setattr(user, _CACHE, cached)
    return cached


def forget_memberships(user) -> None:
    """Drop the cached memberships after they changed (services call it)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def membership_in(user, group) -> Membership | None:
    return memberships_of(user).get(group_key(group))


def is_group_member(user, group) -> bool:
    membership = membership_in(user, group)
    return membership is not None and membership.status == MembershipStatus.APPROVED


def is_group_coordinator(user, group) -> bool:
    membership = membership_in(user, group)
    return (
        membership is not None
        and membership.status == MembershipStatus.APPROVED
        and membership.role == MembershipRole.COORDINATOR
    )


def can_manage_members(user, group) -> bool:
    """Curators, the group's coordinators, and for an initiative its lead cluster's too."""
    if is_curator(user):
        return True
    if not is_member(user):
        return False
    if is_group_coordinator(user, group):
        return True
    return isinstance(group, Initiative) and is_group_coordinator(user, group.lead_cluster)


def can_view_initiative(user, initiative: Initiative) -> bool:
    """Active and closed initiatives are public; a proposal is seen by who decides on it."""
    if initiative.is_public:
        return True
    if is_curator(user):
        return True
    if user.is_authenticated and initiative.proposed_by_id == user.pk:
        return True
    return is_member(user) and is_group_coordinator(user, initiative.lead_cluster)


def can_view_group(user, group) -> bool:
    return isinstance(group, ActionCluster) or can_view_initiative(user, group)


def can_view_members_only(user, group) -> bool:
    """Members-only discussions and documents: approved members, coordinators, curators."""
    return is_group_member(user, group) or can_manage_members(user, group)


def can_join(user, group) -> bool:
    if not is_member(user):
        return False
    if isinstance(group, Initiative):
        return group.status == InitiativeStatus.ACTIVE
    return True


def can_contribute(user, group) -> bool:
    """Start discussions, post and share documents: the group's members and its managers."""
    if not is_member(user) and not is_curator(user):
        return False
    if isinstance(group, Initiative) and group.status != InitiativeStatus.ACTIVE:
        return False
    return is_group_member(user, group) or can_manage_members(user, group)


def can_view_item(user, item) -> bool:
    """A discussion or a document: its group must be visible, members-only ones to members."""
    group = item.group
    if not can_view_group(user, group):
        return False
    return not item.members_only or can_view_members_only(user, group)


def can_post(user, discussion) -> bool:
    return (
        discussion.archived_at is None
        and can_view_item(user, discussion)
        and can_contribute(user, discussion.group)
    )


def can_report_post(user, post) -> bool:
    return is_member(user) and post.author_id != user.pk and not post.is_hidden


def can_propose_initiative(user) -> bool:
    return is_member(user)


def can_close_initiative(user, initiative: Initiative) -> bool:
    return initiative.status == InitiativeStatus.ACTIVE and can_manage_members(user, initiative)


def can_decide_requests(user) -> bool:
    """Whether the person has any membership requests page at all: curators, coordinators."""
    if is_curator(user):
        return True
    return is_member(user) and any(m.is_coordinator for m in memberships_of(user).values())


def can_curate(user) -> bool:
    """The curator dashboard: moderation, requests, reports, featuring, coordinators."""
    return is_curator(user)


def can_see_statistics(user) -> bool:
    """Platform statistics count unpublished plans and deal outcomes: curators only."""
    return is_curator(user)
