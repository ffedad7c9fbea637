"""What curators decide from their dashboard: featured content and bulk decisions.

Bulk decisions (submissions, membership requests, proposed initiatives, reported posts)
call the single-item services one item at a time through `bulk_decide`, each in its own
savepoint, so one item decided meanwhile by another curator does not undo the rest of a
bulk action. Moderation itself belongs to Explore.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from clusters import permissions
from clusters.models import (
    ActionCluster,
    Decision,
    FeaturedItem,
    Initiative,
    Membership,
    PostReport,
)
from clusters.services import discussions as discussion_services
from clusters.services import initiatives as initiative_services
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


class ProposalBulkAction:
    ACCEPT = "accept"
    DECLINE = "decline"
    CHOICES = (ACCEPT, DECLINE)


class ReportBulkAction:
    HIDE = "hide"
    DISMISS = "dismiss"
    CHOICES = (HIDE, DISMISS)


@dataclass
class BulkOutcome:
    done: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (item, message) decided meanwhile or refused


def bulk_decide(items: Iterable, decide: Callable) -> BulkOutcome:
    """Call `decide(item)` for each item, each in its own savepoint.

    A DomainError (decided meanwhile, refused) skips that item with its message and rolls
    back only what that item changed; the others are still decided. Must not run inside
    an atomic block that the caller expects to roll back as a whole.
    """
    outcome = BulkOutcome()
    for item in items:
        try:
            with transaction.atomic():
                decided = decide(item)
        except DomainError as error:
            outcome.skipped.append((item, error.message))
        else:
            outcome.done.append(decided)
    return outcome


def moderation_bulk_decide(*, items, action: str, actor: User, reason: str = "") -> BulkOutcome:
    """Publish or reject several pending submissions; rejecting needs one reason for all."""
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators decide on submissions."))
    if action not in BulkAction.CHOICES:
        raise DomainError(_("Choose publish or reject."), field="action")
    if action == BulkAction.PUBLISH:
        return bulk_decide(
            items, lambda item: explore_services.content_publish(item=item, actor=actor)
        )
    reason = required_reason(reason)
    return bulk_decide(
        items,
        lambda item: explore_services.content_reject(item=item, actor=actor, reason=reason),
    )


def membership_bulk_decide(
    *, memberships: list[Membership], action: str, actor: User, reason: str = ""
) -> BulkOutcome:
    """Approve or reject several membership requests; rejecting needs one reason for all."""
    if action not in ("approve", "reject"):
        raise DomainError(_("Choose approve or reject."), field="action")
    if action == "approve":
        decide = membership_services.membership_approve
    else:
        reason = required_reason(reason)
        decide = membership_services.membership_reject
    return bulk_decide(
        memberships,
        lambda membership: decide(membership=membership, actor=actor, reason=reason),
    )


def proposal_bulk_decide(
    *, initiatives: list[Initiative], action: str, actor: User, reason: str = ""
) -> BulkOutcome:
    """Accept or decline several proposed initiatives; declining needs one reason for all.

    As for a single decision, the reason of an acceptance is optional and goes to the
    proposer with the news.
    """
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators decide on proposed initiatives."))
    if action not in ProposalBulkAction.CHOICES:
        raise DomainError(_("Choose accept or decline."), field="action")
    if action == ProposalBulkAction.ACCEPT:
        decide = initiative_services.initiative_accept
    else:
        reason = required_reason(reason)
        decide = initiative_services.initiative_decline
    return bulk_decide(
        initiatives,
        lambda initiative: decide(initiative=initiative, actor=actor, reason=reason),
    )


def report_bulk_decide(
    *, reports: list[PostReport], action: str, actor: User, reason: str
) -> BulkOutcome:
    """Hide the reported posts or dismiss the reports; both need one reason for all."""
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators decide on reported posts."))
    if action not in ReportBulkAction.CHOICES:
        raise DomainError(_("Choose to hide the posts or to dismiss the reports."), field="action")
    reason = required_reason(reason)
    if action == ReportBulkAction.DISMISS:
        decide = discussion_services.report_dismiss
    else:
        # Hiding a post settles every open report on it, so a second chosen report on the
        # same post would come back as "decided already": decide once per post.
        first_per_post: dict[int, PostReport] = {}
        for report in reports:
            first_per_post.setdefault(report.post_id, report)
        reports = list(first_per_post.values())
        decide = discussion_services.report_hide_post
    return bulk_decide(reports, lambda report: decide(report=report, actor=actor, reason=reason))
