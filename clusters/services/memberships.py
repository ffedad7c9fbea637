"""Joining and leaving clusters and initiatives: a small state machine.

    (none) ──request──▶ requested ──approve──▶ approved ──leave──▶ left
                 │            └──reject───▶ rejected
                 └── open joining: straight to approved

A left or rejected member may ask again; the same row is reused, and every step leaves a
Decision. Decisions lock the row first, so two coordinators approving at once give one
outcome and the second is told it was decided already.
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from clusters import permissions
from clusters.models import (
    ActionCluster,
    Decision,
    Initiative,
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
)
from clusters.services.audit import decision_record, member_tell, required_reason
from marketplace.errors import NotAllowed, StateConflict

OPEN_STATUSES = (MembershipStatus.REQUESTED, MembershipStatus.APPROVED)


def group_filter(group) -> dict:
    return {"cluster": group} if isinstance(group, ActionCluster) else {"initiative": group}


def _locked_membership(**lookup) -> Membership | None:
    # `of=("self",)`: PostgreSQL refuses to lock the nullable side of the outer joins.
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "cluster", "initiative__lead_cluster")
        .filter(**lookup)
        .first()
    )


def group_coordinators(group) -> list[User]:
    """The people who decide on this group's requests (not counting curators)."""
    groups = [group]
    if isinstance(group, Initiative):
        groups.append(group.lead_cluster)
    people = {}
    for each in groups:
        for membership in Membership.objects.filter(
            status=MembershipStatus.APPROVED, role=MembershipRole.COORDINATOR, **group_filter(each)
        ).select_related("user"):
            people[membership.user_id] = membership.user
    return list(people.values())


@transaction.atomic
def membership_request(*, group, user: User, message: str = "") -> Membership:
    """Join at once where joining is open; otherwise ask, and tell the coordinators."""
    if not permissions.can_join(user, group):
        raise NotAllowed(_("Only signed-in members can join, and only active initiatives."))
    membership = _locked_membership(user=user, **group_filter(group))
    if membership is not None and membership.status == MembershipStatus.APPROVED:
        raise StateConflict(_("You are a member already."))
    if membership is not None and membership.status == MembershipStatus.REQUESTED:
        raise StateConflict(_("You have asked to join already; a coordinator will decide."))
    joins_at_once = group.join_policy == JoinPolicy.OPEN
    status = MembershipStatus.APPROVED if joins_at_once else MembershipStatus.REQUESTED
    message = (message or "").strip()[:500]
    if membership is None:
        membership = _membership_create(group=group, user=user, status=status, message=message)
    else:
        membership.status = status
        membership.role = MembershipRole.MEMBER
        membership.message = message
        membership.requested_at = timezone.now()
        membership.decided_by = None
        membership.decided_at = None
        membership.decision_reason = ""
        membership.save()
    if joins_at_once:
        decision_record(membership, Decision.Action.MEMBERSHIP_APPROVED, actor=user)
    else:
        decision_record(
            membership, Decision.Action.MEMBERSHIP_REQUESTED, actor=user, reason=message
        )
        _tell_coordinators(membership, group=group)
    permissions.forget_memberships(user)
    return membership


def _membership_create(*, group, user, status, message) -> Membership:
    try:
        with transaction.atomic():
            return Membership.objects.create(
                user=user, status=status, message=message, **group_filter(group)
            )
    except IntegrityError:
        # A second click that raced the first one past the lookup above.
        raise StateConflict(_("You have asked to join already.")) from None


def _tell_coordinators(membership: Membership, *, group) -> None:
    title = format_lazy(
        gettext_lazy("{person} asks to join {group}"), person=membership.user, group=group.name
    )
    url = reverse("clusters:requests")
    for coordinator in group_coordinators(group):
        member_tell(recipient=coordinator, title=title, url=url, actor=membership.user)


def _pending_for_decision(membership: Membership, actor: User) -> Membership:
    membership = _locked_membership(pk=membership.pk)
    if membership is None:
        raise StateConflict(_("This request no longer exists."))
    if not permissions.can_manage_members(actor, membership.group):
        raise NotAllowed(_("Only this group's coordinators and curators decide on requests."))
    if membership.status != MembershipStatus.REQUESTED:
        raise StateConflict(_("This request has been decided already."))
    return membership


def _decide(membership: Membership, *, status: str, actor: User, reason: str) -> None:
    membership.status = status
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.decision_reason = reason
    membership.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


@transaction.atomic
def membership_approve(*, membership: Membership, actor: User, reason: str = "") -> Membership:
    membership = _pending_for_decision(membership, actor)
    _decide(membership, status=MembershipStatus.APPROVED, actor=actor, reason=reason.strip())
    decision_record(
        membership, Decision.Action.MEMBERSHIP_APPROVED, actor=actor, reason=reason.strip()
    )
    group = membership.group
    member_tell(
        recipient=membership.user,
        title=format_lazy(gettext_lazy("Welcome to {group}"), group=group.name),
        url=group.get_absolute_url(),
        actor=actor,
        body=reason.strip(),
    )
    return membership


@transaction.atomic
def membership_reject(*, membership: Membership, actor: User, reason: str) -> Membership:
    reason = required_reason(reason)
    membership = _pending_for_decision(membership, actor)
    _decide(membership, status=MembershipStatus.REJECTED, actor=actor, reason=reason)
    decision_record(membership, Decision.Action.MEMBERSHIP_REJECTED, actor=actor, reason=reason)
    group = membership.group
    member_tell(
        recipient=membership.user,
        title=format_lazy(
            gettext_lazy("Your request to join {group} was declined"), group=group.name
        ),
        url=group.get_absolute_url(),
        actor=actor,
        body=reason,
    )
    return membership


@transaction.atomic
def membership_leave(*, group, user: User) -> Membership:
    """Leave (or withdraw a pending request); a coordinator who leaves stops coordinating."""
    membership = _locked_membership(user=user, **group_filter(group))
    if membership is None or membership.status not in OPEN_STATUSES:
        raise StateConflict(_("You are not a member."))
    membership.status = MembershipStatus.LEFT
    membership.role = MembershipRole.MEMBER
    membership.save(update_fields=["status", "role"])
    decision_record(membership, Decision.Action.MEMBERSHIP_LEFT, actor=user)
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def coordinator_appoint(*, group, user: User, actor: User) -> Membership:
    """A curator makes someone coordinator, adding them as a member if need be."""
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators appoint coordinators."))
    membership = _locked_membership(user=user, **group_filter(group))
    if membership is not None and membership.is_coordinator:
        raise StateConflict(_("%(person)s coordinates already.") % {"person": user})
    if membership is None:
        membership = _membership_create(
            group=group, user=user, status=MembershipStatus.APPROVED, message=""
        )
    membership.status = MembershipStatus.APPROVED
    membership.role = MembershipRole.COORDINATOR
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.save()
    decision_record(membership, Decision.Action.COORDINATOR_APPOINTED, actor=actor)
    member_tell(
        recipient=user,
        title=format_lazy(gettext_lazy("You now coordinate {group}"), group=group.name),
        url=group.get_absolute_url(),
        actor=actor,
    )
    permissions.forget_memberships(user)
    return membership


@transaction.atomic
def coordinator_remove(*, membership: Membership, actor: User, reason: str = "") -> Membership:
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators remove coordinators."))
    membership = _locked_membership(pk=membership.pk)
    if membership is None or not membership.is_coordinator:
        raise StateConflict(_("This person does not coordinate this group."))
    membership.role = MembershipRole.MEMBER
    membership.save(update_fields=["role"])
    decision_record(membership, Decision.Action.COORDINATOR_REMOVED, actor=actor, reason=reason)
    return membership
