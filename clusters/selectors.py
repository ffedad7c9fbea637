"""Read queries for cluster and initiative pages, the curator dashboard and the API.

Every list is scoped to what the person may see: members-only discussions and documents
are left out of the query itself, so pages, API lists and counts all agree.
"""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from clusters import permissions
from clusters.models import (
    ActionCluster,
    Discussion,
    Document,
    FeaturedItem,
    Initiative,
    InitiativeStatus,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
    PostReport,
    ReportStatus,
)
from clusters.services.memberships import group_filter
from explore import selectors as explore_selectors
from explore.models import KnowledgeItem, PublicationStatus, ReferenceProject
from shape import selectors as shape_selectors

PUBLIC_INITIATIVES = (InitiativeStatus.ACTIVE, InitiativeStatus.CLOSED)
KNOWLEDGE_SHOWN = 6


def _approved_count(**group) -> Subquery:
    """How many approved members a row has, as a subquery: no join multiplies the rows."""
    members = (
        Membership.objects.filter(status=MembershipStatus.APPROVED, **group)
        .order_by()
        .values("status")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), 0)


def cluster_list() -> QuerySet[ActionCluster]:
    initiatives = (
        Initiative.objects.filter(lead_cluster=OuterRef("pk"), status=InitiativeStatus.ACTIVE)
        .order_by()
        .values("lead_cluster")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return ActionCluster.objects.prefetch_related("areas").annotate(
        member_count=_approved_count(cluster=OuterRef("pk")),
        initiative_count=Coalesce(Subquery(initiatives, output_field=IntegerField()), 0),
    )


def get_cluster(slug: str) -> ActionCluster:
    cluster = ActionCluster.objects.prefetch_related("areas").filter(slug=slug).first()
    if cluster is None:
        raise Http404
    return cluster


def get_initiative_for_user(user, slug: str) -> Initiative:
    """The initiative if the user may see it; a proposal is a 404 for everyone else."""
    initiative = (
        Initiative.objects.select_related("lead_cluster", "lead_organisation", "proposed_by")
        .filter(slug=slug)
        .first()
    )
    if initiative is None or not permissions.can_view_initiative(user, initiative):
        raise Http404
    return initiative


def initiatives_visible_to(user) -> QuerySet[Initiative]:
    """Public initiatives, plus proposals to the people who may decide on them."""
    visible = Q(status__in=PUBLIC_INITIATIVES)
    if permissions.can_curate(user):
        return Initiative.objects.all()
    if user.is_authenticated:
        coordinated = [
            cluster_id
            for (kind, cluster_id), membership in permissions.memberships_of(user).items()
            if kind == "cluster" and membership.is_coordinator
        ]
        visible |= Q(proposed_by=user) | Q(lead_cluster_id__in=coordinated)
    return Initiative.objects.filter(visible)


def initiative_list(*, user, cluster: ActionCluster | None = None) -> QuerySet[Initiative]:
    initiatives = initiatives_visible_to(user).select_related("lead_cluster", "lead_organisation")
    if cluster is not None:
        initiatives = initiatives.filter(lead_cluster=cluster)
    return initiatives.annotate(member_count=_approved_count(initiative=OuterRef("pk")))


def _members_only_hidden(user, group) -> bool:
    return not permissions.can_view_members_only(user, group)


def discussions_visible(*, user, group) -> QuerySet[Discussion]:
    discussions = Discussion.objects.filter(**group_filter(group))
    if _members_only_hidden(user, group):
        discussions = discussions.filter(members_only=False)
    return discussions


def documents_visible(*, user, group) -> QuerySet[Document]:
    documents = Document.objects.filter(**group_filter(group))
    if _members_only_hidden(user, group):
        documents = documents.filter(members_only=False)
    return documents


def discussion_list(*, user, group) -> QuerySet[Discussion]:
    return (
        discussions_visible(user=user, group=group)
        .select_related("started_by")
        .annotate(post_count=Count("posts", filter=Q(posts__hidden_at__isnull=True)))
    )


def get_discussion_for_user(user, pk: int) -> Discussion:
    """The discussion if the user may read it; members-only ones are a 404 for outsiders."""
    discussion = (
        Discussion.objects.select_related("cluster", "initiative__lead_cluster", "started_by")
        .filter(pk=pk)
        .first()
    )
    if discussion is None or not permissions.can_view_item(user, discussion):
        raise Http404
    return discussion


def discussion_posts(*, discussion: Discussion) -> QuerySet[Post]:
    return discussion.posts.select_related("author__organisation")


def get_document_for_user(user, pk: int) -> Document:
    document = (
        Document.objects.select_related("cluster", "initiative__lead_cluster", "uploaded_by")
        .filter(pk=pk)
        .first()
    )
    if document is None or not permissions.can_view_item(user, document):
        raise Http404
    return document


def member_directory(*, group) -> QuerySet[Membership]:
    """Approved members who chose to be listed, with their organisation."""
    return (
        Membership.objects.filter(
            status=MembershipStatus.APPROVED,
            user__is_active=True,
            user__listed_in_directories=True,
            **group_filter(group),
        )
        .select_related("user__organisation")
        .order_by("-role", "user__name", "user__email")
    )


def coordinators(*, group) -> list[Membership]:
    return list(
        Membership.objects.filter(
            status=MembershipStatus.APPROVED, role=MembershipRole.COORDINATOR, **group_filter(group)
        )
        .select_related("user__organisation")
        .order_by("user__name", "user__email")
    )


def memberships_of_group(*, group, user) -> QuerySet[Membership]:
    """Every membership row of a group, for those who manage it; nothing for others."""
    if not permissions.can_manage_members(user, group):
        return Membership.objects.none()
    return Membership.objects.filter(**group_filter(group)).select_related(
        "user__organisation", "decided_by"
    )


def featured_content(*, cluster: ActionCluster) -> list[FeaturedItem]:
    """What curators featured on the cluster, leaving out anything no longer published."""
    published = PublicationStatus.PUBLISHED
    return list(
        cluster.featured_items.filter(
            Q(solution__isnull=True) | Q(solution__status=published),
            Q(knowledge_item__isnull=True) | Q(knowledge_item__status=published),
        ).select_related("solution", "reference_project", "knowledge_item", "featured_by")
    )


@dataclass
class News:
    events: list = field(default_factory=list)
    items: list = field(default_factory=list)


def news_and_events(*, group) -> News:
    """Published knowledge tagged to the group: upcoming events first, then the latest news."""
    tagged = explore_selectors.published_knowledge().filter(
        pk__in=group.knowledge_items.values("pk")
    )
    now = timezone.now()
    events = tagged.filter(kind=KnowledgeItem.Kind.EVENT)
    upcoming = list(events.filter(event_start__gte=now).order_by("event_start")[:KNOWLEDGE_SHOWN])
    if len(upcoming) < KNOWLEDGE_SHOWN:
        past = events.filter(event_start__lt=now).order_by("-event_start")
        upcoming += list(past[: KNOWLEDGE_SHOWN - len(upcoming)])
    items = list(tagged.exclude(kind=KnowledgeItem.Kind.EVENT)[:KNOWLEDGE_SHOWN])
    return News(events=upcoming, items=items)


@dataclass
class GroupCounts:
    members: int
    documents: int
    projects: int
    discussions: int


def _cluster_projects(cluster: ActionCluster) -> QuerySet[ReferenceProject]:
    return ReferenceProject.objects.filter(
        initiatives__lead_cluster=cluster, initiatives__status__in=PUBLIC_INITIATIVES
    ).distinct()


def group_counts(*, group, user) -> GroupCounts:
    if isinstance(group, ActionCluster):
        projects = _cluster_projects(group).count()
    else:
        projects = group.reference_projects.count()
    return GroupCounts(
        members=Membership.objects.filter(
            status=MembershipStatus.APPROVED, **group_filter(group)
        ).count(),
        documents=documents_visible(user=user, group=group).count(),
        projects=projects,
        discussions=discussions_visible(user=user, group=group).count(),
    )


@dataclass
class GroupPage:
    counts: GroupCounts
    discussions: list
    documents: list
    coordinators: list
    news: News
    membership: Membership | None


def _group_page(*, group, user) -> GroupPage:
    return GroupPage(
        counts=group_counts(group=group, user=user),
        discussions=list(discussion_list(user=user, group=group)[:10]),
        documents=list(documents_visible(user=user, group=group).select_related("uploaded_by")),
        coordinators=coordinators(group=group),
        news=news_and_events(group=group),
        membership=permissions.membership_in(user, group),
    )


def cluster_page(*, cluster: ActionCluster, user) -> dict:
    page = _group_page(group=cluster, user=user)
    initiatives = initiative_list(user=user, cluster=cluster).filter(status__in=PUBLIC_INITIATIVES)
    return {
        "page": page,
        "initiatives": list(initiatives),
        "featured": featured_content(cluster=cluster),
        "projects": list(_cluster_projects(cluster)[:10]),
    }


def initiative_page(*, initiative: Initiative, user) -> dict:
    page = _group_page(group=initiative, user=user)
    solutions = explore_selectors.published_solutions().filter(
        pk__in=initiative.solutions.values("pk")
    )
    plans = shape_selectors.plans_visible_to(user).filter(pk__in=initiative.plans.values("pk"))
    return {
        "page": page,
        "solutions": list(solutions.only("title", "slug", "summary")),
        "projects": list(initiative.reference_projects.all()),
        "plans": list(plans.only("title", "status")),
    }


# --- The curator dashboard ---------------------------------------------------------------------


def pending_requests(*, user) -> QuerySet[Membership]:
    """Requests waiting for this person: every one for curators, their groups' for coordinators."""
    requests = Membership.objects.filter(status=MembershipStatus.REQUESTED).select_related(
        "user__organisation", "cluster", "initiative__lead_cluster"
    )
    if permissions.can_curate(user):
        return requests.order_by("requested_at", "id")
    coordinated = [
        (kind, pk)
        for (kind, pk), membership in permissions.memberships_of(user).items()
        if membership.is_coordinator
    ]
    clusters = [pk for kind, pk in coordinated if kind == "cluster"]
    initiatives = [pk for kind, pk in coordinated if kind == "initiative"]
    return requests.filter(
        Q(cluster_id__in=clusters)
        | Q(initiative_id__in=initiatives)
        | Q(initiative__lead_cluster_id__in=clusters)
    ).order_by("requested_at", "id")


def get_request_for_user(user, pk: int) -> Membership:
    """A membership row the user may decide on; 404 for anyone else."""
    membership = (
        Membership.objects.select_related("user", "cluster", "initiative__lead_cluster")
        .filter(pk=pk)
        .first()
    )
    if membership is None or not permissions.can_manage_members(user, membership.group):
        raise Http404
    return membership


def proposed_initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.filter(status=InitiativeStatus.PROPOSED).select_related(
        "lead_cluster", "proposed_by", "lead_organisation"
    )


def open_reports() -> QuerySet[PostReport]:
    return (
        PostReport.objects.filter(status=ReportStatus.OPEN)
        .select_related(
            "reporter",
            "post__author",
            "post__discussion__cluster",
            "post__discussion__initiative",
        )
        .order_by("created_at", "id")
    )


def clusters_with_featured() -> QuerySet[ActionCluster]:
    return ActionCluster.objects.prefetch_related(
        Prefetch(
            "featured_items",
            queryset=FeaturedItem.objects.select_related(
                "solution", "reference_project", "knowledge_item", "featured_by"
            ),
        )
    )


def curator_dashboard(*, user) -> dict:
    queue = explore_selectors.moderation_queue(user=user)
    return {
        "solutions": list(queue["solutions"]),
        "knowledge": list(queue["knowledge"]),
        "requests": list(pending_requests(user=user)),
        "proposals": list(proposed_initiatives()),
        "reports": list(open_reports()),
        "clusters": list(clusters_with_featured()),
    }
