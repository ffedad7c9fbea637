"""What curators decide from their dashboard: featured content and bulk moderation.

Moderation itself belongs to Explore; the dashboard calls its services one item at a
time, each in its own savepoint, so one item decided meanwhile by another curator does
not undo the rest of a bulk action.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from clusters import permissions
from clusters.models import ActionCluster, Decision, FeaturedItem, Membership
from clusters.services import memberships as membership_services
from clusters.services.audit import decision_record, required_reason
from explore import services as explore_services
from explore.models import KnowledgeItem, PublicationStatus, ReferenceProject, Solution
from marketplace.errors import DomainError, NotAllowed, StateConflict

FEATURE_FIELDS = {
    Solution: "solution",
    ReferenceProject: "reference_project",
    KnowledgeItem: "knowledge_item",
}


def _is_public(item) -> bool:
    if isinstance(item, ReferenceProject):
        return True
    return item.status == PublicationStatus.PUBLISHED and item.revision_of_id is None


@transaction.atomic
def content_feature(
    *, cluster: ActionCluster, item, actor: User, position: int | None = None
) -> FeaturedItem:
    """Show a published solution, reference project or knowledge item on the cluster page."""
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators feature content."))
    field_name = FEATURE_FIELDS.get(type(item))
    if field_name is None:
        raise DomainError(_("Only solutions, reference projects and knowledge can be featured."))
    if not _is_public(item):
        raise StateConflict(_("Only published content can be featured."))
    if position is None:
        last = cluster.featured_items.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    try:
        with transaction.atomic():
            featured = FeaturedItem.objects.create(
                cluster=cluster, position=position, featured_by=actor, **{field_name: item}
            )
    except IntegrityError:
        raise StateConflict(_("This is featured on the cluster already.")) from None
    decision_record(featured, Decision.Action.FEATURED, actor=actor)
    return featured


@transaction.atomic
def feature_remove(*, featured: FeaturedItem, actor: User, reason: str = "") -> None:
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators change featured content."))
    deleted, _rows = FeaturedItem.objects.filter(pk=featured.pk).delete()
    if not deleted:
        raise StateConflict(_("This is no longer featured."))
    decision_record(featured.cluster, Decision.Action.UNFEATURED, actor=actor, reason=reason)


class BulkAction:
    PUBLISH = "publish"
    REJECT = "reject"
    CHOICES = (PUBLISH, REJECT)


@dataclass
class BulkOutcome:
    done: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (item, message) decided meanwhile or refused


def moderation_bulk_decide(*, items, action: str, actor: User, reason: str = "") -> BulkOutcome:
    """Publish or reject several pending submissions; rejecting needs one reason for all."""
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators decide on submissions."))
    if action not in BulkAction.CHOICES:
        raise DomainError(_("Choose publish or reject."), field="action")
    if action == BulkAction.REJECT:
        reason = required_reason(reason)
    outcome = BulkOutcome()
    for item in items:
        try:
            with transaction.atomic():
                if action == BulkAction.PUBLISH:
                    decided = explore_services.content_publish(item=item, actor=actor)
                else:
                    decided = explore_services.content_reject(item=item, actor=actor, reason=reason)
        except DomainError as error:
            outcome.skipped.append((item, error.message))
        else:
            outcome.done.append(decided)
    return outcome


def membership_bulk_decide(
    *, memberships: list[Membership], action: str, actor: User, reason: str = ""
) -> BulkOutcome:
    """Approve or reject several membership requests; rejecting needs one reason for all."""
    if action not in ("approve", "reject"):
        raise DomainError(_("Choose approve or reject."), field="action")
    if action == "reject":
        reason = required_reason(reason)
    outcome = BulkOutcome()
    for membership in memberships:
        try:
            with transaction.atomic():
                if action == "approve":
                    decided = membership_services.membership_approve(
                        membership=membership, actor=actor, reason=reason
                    )
                else:
                    decided = membership_services.membership_reject(
                        membership=membership, actor=actor, reason=reason
                    )
        except DomainError as error:
            outcome.skipped.append((membership, error.message))
        else:
            outcome.done.append(decided)
    return outcome
