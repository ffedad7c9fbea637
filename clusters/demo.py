"""Demo life in the action clusters: coordinators, members, initiatives, a discussion and
featured content, drawn from the Explore demo catalogue.

Runs after accounts.demo and explore.demo (see seed_demo). `load()` is idempotent: rows are
found by slug or by their natural key, so a second run changes nothing.
"""

import importlib

from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from clusters.models import (
    ActionCluster,
    Discussion,
    FeaturedItem,
    Initiative,
    InitiativeStatus,
    JoinPolicy,
    Membership,
    MembershipRole,
    MembershipStatus,
    Post,
)
from explore.models import KnowledgeItem, PublicationStatus, ReferenceProject, Solution

MOBILITY = "sustainable-urban-mobility"
FINANCE = "business-models-finance-procurement"
DISTRICTS = "sustainable-districts-built-environment"
INFRASTRUCTURE = "integrated-infrastructures-processes"
CITIZENS = "citizen-focus"

# (slug, name, lead cluster, status, lead organisation, description, goals)
INITIATIVES = [
    (
        "joint-procurement-electric-buses",
        "Joint procurement of electric buses",
        MOBILITY,
        InitiativeStatus.ACTIVE,
        "City of Eindhoven",
        "Mid-sized cities pool their bus orders and charging tenders to get better prices "
        "and proven specifications.",
        "A shared tender template by spring; a first joint order of 150 buses.",
    ),
    (
        "positive-energy-districts-replication",
        "Positive energy districts: from lighthouse to follower cities",
        DISTRICTS,
        InitiativeStatus.ACTIVE,
        "Urban Systems Research Institute",
        "Follower cities learn from the lighthouse districts what it took to produce more "
        "energy than they use, and plan their own.",
        "Ten follower cities with a district plan and a financing route.",
    ),
    (
        "open-urban-data-platforms",
        "Open urban data platforms",
        INFRASTRUCTURE,
        InitiativeStatus.ACTIVE,
        "Nordic Grid Services",
        "Interoperable urban platforms built on open standards, so that data and services "
        "move between cities and suppliers.",
        "A reference architecture and a list of minimal interoperability mechanisms in use.",
    ),
    (
        "participatory-budgeting-toolkit",
        "A participatory budgeting toolkit",
        CITIZENS,
        InitiativeStatus.PROPOSED,
        "Citizens for Clean Air",
        "Methods and open-source tools for residents to decide on part of a city's budget.",
        "A toolkit tried in three cities.",
    ),
]

COORDINATORS = {
    MOBILITY: "promoter@example.org",
    FINANCE: "investor@example.org",
    "joint-procurement-electric-buses": "promoter@example.org",
}
MEMBERS = {
    MOBILITY: ["member@example.org", "investor@example.org"],
    CITIZENS: ["member@example.org"],
    "joint-procurement-electric-buses": ["member@example.org"],
}
DISCUSSION_TITLE = "Charging depots: what did your tender ask for?"
DISCUSSION_POSTS = [
    (
        "promoter@example.org",
        "We are drafting the charging part of our tender. Did anyone require opportunity "
        "charging at terminals, or only overnight depot charging?",
    ),
    (
        "member@example.org",
        "Our study compared both: depot charging was enough for 80% of the lines. Happy to "
        "share the spreadsheet in the documents once it is cleaned up.",
    ),
]


@transaction.atomic
def load() -> dict[str, int]:
    clusters = _clusters_load()
    people = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    initiatives = _initiatives_load(clusters, people)
    groups = {**clusters, **initiatives}
    for key, email in COORDINATORS.items():
        if email in people:
            _membership(groups[key], people[email], role=MembershipRole.COORDINATOR)
    for key, emails in MEMBERS.items():
        for email in emails:
            if email in people:
                _membership(groups[key], people[email])
    _discussion_load(clusters[MOBILITY], people)
    for cluster in clusters.values():
        _featured_load(cluster, curator=people.get("curator@example.org"))
    return {
        "clusters": len(clusters),
        "initiatives": len(initiatives),
        "memberships": Membership.objects.count(),
    }


def _clusters_load() -> dict[str, ActionCluster]:
    # The migration loads them; a flushed test database may have lost them.
    migration = importlib.import_module("clusters.migrations.0002_load_clusters")
    if ActionCluster.objects.count() < len(migration.CLUSTERS):
        migration.load_clusters(django_apps, schema_editor=None)
    ActionCluster.objects.filter(slug=MOBILITY).update(join_policy=JoinPolicy.APPROVAL)
    return {cluster.slug: cluster for cluster in ActionCluster.objects.all()}


def _initiatives_load(clusters, people) -> dict[str, Initiative]:
    initiatives = {}
    for slug, name, lead, status, organisation, description, goals in INITIATIVES:
        initiative, created = Initiative.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "lead_cluster": clusters[lead],
                "status": status,
                "lead_organisation": Organisation.objects.filter(name=organisation).first(),
                "description": description,
                "goals": goals,
                "proposed_by": people.get("member@example.org"),
            },
        )
        if created:
            areas = clusters[lead].areas.all()
            initiative.solutions.set(_published(Solution).filter(areas__in=areas).distinct()[:3])
            initiative.reference_projects.set(
                ReferenceProject.objects.filter(areas__in=areas).distinct()[:2]
            )
            initiative.knowledge_items.set(
                _published(KnowledgeItem).filter(areas__in=areas).distinct()[:3]
            )
        initiatives[slug] = initiative
    return initiatives


def _published(model):
    return model.objects.filter(status=PublicationStatus.PUBLISHED, revision_of__isnull=True)


def _membership(group, user, *, role=MembershipRole.MEMBER) -> None:
    field = "cluster" if isinstance(group, ActionCluster) else "initiative"
    membership, created = Membership.objects.get_or_create(
        user=user,
        **{field: group},
        defaults={"status": MembershipStatus.APPROVED, "role": role},
    )
    if not created and role == MembershipRole.COORDINATOR and not membership.is_coordinator:
        membership.status, membership.role = MembershipStatus.APPROVED, role
        membership.save(update_fields=["status", "role"])


def _discussion_load(cluster, people) -> None:
    starter = people.get(DISCUSSION_POSTS[0][0])
    discussion, created = Discussion.objects.get_or_create(
        cluster=cluster,
        title=DISCUSSION_TITLE,
        defaults={"members_only": True, "started_by": starter, "last_post_at": timezone.now()},
    )
    if created:
        for email, body in DISCUSSION_POSTS:
            Post.objects.create(discussion=discussion, author=people.get(email), body=body)


def _featured_load(cluster, *, curator) -> None:
    if cluster.featured_items.exists():
        return
    areas = cluster.areas.all()
    solution = _published(Solution).filter(areas__in=areas).order_by("-published_at").first()
    project = ReferenceProject.objects.filter(areas__in=areas).order_by("acronym").first()
    for position, (field, item) in enumerate(
        [("solution", solution), ("reference_project", project)]
    ):
        if item is not None:
            FeaturedItem.objects.create(
                cluster=cluster, position=position, featured_by=curator, **{field: item}
            )
    cluster.knowledge_items.add(*_published(KnowledgeItem).filter(areas__in=areas).distinct()[:4])
