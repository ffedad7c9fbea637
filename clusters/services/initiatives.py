"""Initiatives: members propose them, curators accept or decline, coordinators close them."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from clusters import permissions
from clusters.models import (
    ActionCluster,
    Decision,
    Initiative,
    InitiativeStatus,
    Membership,
    MembershipRole,
    MembershipStatus,
)
from clusters.services.audit import decision_record, member_tell, required_reason
from marketplace.errors import DomainError, NotAllowed, StateConflict

NAME_MAX = Initiative._meta.get_field("name").max_length


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "initiative"
    slug, counter = base, 2
    while Initiative.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def initiative_propose(
    *,
    lead_cluster: ActionCluster,
    actor: User,
    name: str,
    description: str = "",
    goals: str = "",
    lead_organisation: Organisation | None = None,
) -> Initiative:
    if not permissions.can_propose_initiative(actor):
        raise NotAllowed(_("Only members propose initiatives."))
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the initiative a name."), field="name")
    if len(name) > NAME_MAX:
        raise DomainError(
            _("Keep the name under %(count)d characters.") % {"count": NAME_MAX}, field="name"
        )
    initiative = Initiative.objects.create(
        lead_cluster=lead_cluster,
        name=name,
        slug=_unique_slug(name),
        description=(description or "").strip(),
        goals=(goals or "").strip(),
        lead_organisation=lead_organisation or actor.organisation,
        proposed_by=actor,
    )
    decision_record(initiative, Decision.Action.INITIATIVE_PROPOSED, actor=actor)
    return initiative


def _proposal_for_decision(initiative: Initiative, actor: User) -> Initiative:
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators decide on proposed initiatives."))
    initiative = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("lead_cluster", "proposed_by")
        .get(pk=initiative.pk)
    )
    if initiative.status != InitiativeStatus.PROPOSED:
        raise StateConflict(_("This proposal has been decided already."))
    return initiative


def _decide(initiative: Initiative, *, status: str, actor: User, reason: str) -> None:
    initiative.status = status
    initiative.decided_by = actor
    initiative.decided_at = timezone.now()
    initiative.decision_reason = reason
    initiative.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "updated_at"]
    )


@transaction.atomic
def initiative_accept(*, initiative: Initiative, actor: User, reason: str = "") -> Initiative:
    """The proposal goes live and whoever proposed it becomes its first coordinator."""
    initiative = _proposal_for_decision(initiative, actor)
    reason = (reason or "").strip()
    _decide(initiative, status=InitiativeStatus.ACTIVE, actor=actor, reason=reason)
    decision_record(initiative, Decision.Action.INITIATIVE_ACCEPTED, actor=actor, reason=reason)
    if initiative.proposed_by is not None:
        Membership.objects.update_or_create(
            initiative=initiative,
            user=initiative.proposed_by,
            defaults={
                "status": MembershipStatus.APPROVED,
                "role": MembershipRole.COORDINATOR,
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
        )
        permissions.forget_memberships(initiative.proposed_by)
        member_tell(
            recipient=initiative.proposed_by,
            title=format_lazy(
                gettext_lazy("Your initiative {name} was accepted"), name=initiative.name
            ),
            url=initiative.get_absolute_url(),
            actor=actor,
            body=reason,
        )
    return initiative


@transaction.atomic
def initiative_decline(*, initiative: Initiative, actor: User, reason: str) -> Initiative:
    reason = required_reason(reason)
    initiative = _proposal_for_decision(initiative, actor)
    _decide(initiative, status=InitiativeStatus.DECLINED, actor=actor, reason=reason)
    decision_record(initiative, Decision.Action.INITIATIVE_DECLINED, actor=actor, reason=reason)
    member_tell(
        recipient=initiative.proposed_by,
        title=format_lazy(
            gettext_lazy("Your initiative {name} was declined"), name=initiative.name
        ),
        url=initiative.lead_cluster.get_absolute_url(),
        actor=actor,
        body=reason,
    )
    return initiative


@transaction.atomic
def initiative_close(*, initiative: Initiative, actor: User, reason: str = "") -> Initiative:
    """Archive an active initiative: its page stays, nobody joins or posts any more."""
    initiative = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("lead_cluster")
        .get(pk=initiative.pk)
    )
    if initiative.status != InitiativeStatus.ACTIVE:
        raise StateConflict(_("Only an active initiative can be closed."))
    if not permissions.can_close_initiative(actor, initiative):
        raise NotAllowed(_("Only the initiative's coordinators and curators close it."))
    initiative.status = InitiativeStatus.CLOSED
    initiative.save(update_fields=["status", "updated_at"])
    decision_record(
        initiative, Decision.Action.INITIATIVE_CLOSED, actor=actor, reason=(reason or "").strip()
    )
    return initiative


@transaction.atomic
def initiative_feature_set(*, initiative: Initiative, actor: User, featured: bool) -> Initiative:
    """Show an initiative among the featured ones, or stop; recorded like every decision."""
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators feature content."))
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if initiative.featured == featured:
        return initiative
    initiative.featured = featured
    initiative.save(update_fields=["featured", "updated_at"])
    action = Decision.Action.FEATURED if featured else Decision.Action.UNFEATURED
    decision_record(initiative, action, actor=actor)
    return initiative
