"""The cluster list, cluster and initiative pages: what they show, to whom, at what cost."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from clusters.models import ActionCluster, FeaturedItem, InitiativeStatus, JoinPolicy
from clusters.services import initiatives as initiative_services
from explore.models import KnowledgeItem, PublicationStatus
from marketplace.errors import DomainError
from tests.clusters.factories import (
    ClusterFactory,
    DiscussionFactory,
    DocumentFactory,
    InitiativeFactory,
    PostFactory,
    coordinator_of,
    member_of,
)
from tests.explore.factories import (
    KnowledgeItemFactory,
    ReferenceProjectFactory,
    SolutionFactory,
)
from tests.factories import UserFactory
from tests.shape.factories import PlanFactory

SIX_CLUSTERS = {
    "Business Models, Finance and Procurement",
    "Citizen Focus",
    "Integrated Infrastructures and Processes",
    "Integrated Planning, Policy and Regulation",
    "Sustainable Districts and Built Environment",
    "Sustainable Urban Mobility",
}


def _load_six_clusters():
    # A transactional test elsewhere may have flushed what the migration loaded.
    migration = importlib.import_module("clusters.migrations.0002_load_clusters")
    migration.load_clusters(django_apps, schema_editor=None)


def test_the_migration_loads_six_clusters_with_their_areas(db):
    _load_six_clusters()
    clusters = ActionCluster.objects.prefetch_related("areas")
    assert {cluster.name for cluster in clusters} >= SIX_CLUSTERS
    for cluster in clusters.filter(name__in=SIX_CLUSTERS):
        assert cluster.description
        assert cluster.areas.exists()


def test_visitor_sees_the_cluster_list_with_counts(client, db):
    _load_six_clusters()
    mobility = ActionCluster.objects.get(slug="sustainable-urban-mobility")
    member_of(mobility)
    member_of(mobility)
    InitiativeFactory(lead_cluster=mobility)

    page = client.get(reverse("clusters:index"))

    assert page.status_code == 200
    text = page.content.decode()
    for name in SIX_CLUSTERS:
        assert name.replace(",", ",") in text.replace("&#x27;", "'")
    assert "2 members" in text
    assert "1 active initiative" in text


def _busy_cluster(rows: int):
    cluster = ClusterFactory()
    for _index in range(rows):
        member_of(cluster, UserFactory(listed_in_directories=True))
        initiative = InitiativeFactory(lead_cluster=cluster)
        initiative.reference_projects.add(ReferenceProjectFactory())
        PostFactory(discussion=DiscussionFactory(cluster=cluster))
        DiscussionFactory(cluster=cluster, members_only=True)
        DocumentFactory(cluster=cluster)
        coordinator_of(cluster)
        FeaturedItem.objects.create(cluster=cluster, solution=SolutionFactory())
        news = KnowledgeItemFactory(kind=KnowledgeItem.Kind.NEWS)
        event = KnowledgeItemFactory(
            kind=KnowledgeItem.Kind.EVENT,
            event_start=timezone.now() + timedelta(days=3),
            event_place="Ghent",
        )
        cluster.knowledge_items.add(news, event)
    return cluster


@pytest.mark.parametrize("rows", [1, 12])
def test_cluster_list_query_count_does_not_grow(client, db, django_assert_max_num_queries, rows):
    for _index in range(rows):
        _busy_cluster(1)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("clusters:index")).status_code == 200


@pytest.mark.parametrize("rows", [1, 12])
def test_cluster_page_query_count_does_not_grow(
    client_for, member, django_assert_max_num_queries, rows
):
    cluster = _busy_cluster(rows)
    member_of(cluster, member)
    client = client_for(member)
    url = cluster.get_absolute_url()
    with django_assert_max_num_queries(21):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 12])
def test_initiative_page_query_count_does_not_grow(
    client_for, promoter, django_assert_max_num_queries, rows
):
    initiative = InitiativeFactory()
    for _index in range(rows):
        member_of(initiative)
        PostFactory(discussion=DiscussionFactory(cluster=None, initiative=initiative))
        DocumentFactory(cluster=None, initiative=initiative)
        initiative.solutions.add(SolutionFactory())
        initiative.reference_projects.add(ReferenceProjectFactory())
        initiative.plans.add(PlanFactory(promoter=promoter))
        initiative.knowledge_items.add(KnowledgeItemFactory())
    client = client_for(promoter)
    with django_assert_max_num_queries(21):
        page = client.get(initiative.get_absolute_url())
    assert page.status_code == 200
    assert page.context["page"].counts.members == rows


def test_cluster_page_shows_counts_featured_content_news_and_events(client, db):
    cluster = ClusterFactory()
    solution = SolutionFactory(title="Smart street lighting")
    unpublished = SolutionFactory(title="Secret draft", status=PublicationStatus.DRAFT)
    FeaturedItem.objects.create(cluster=cluster, solution=solution)
    FeaturedItem.objects.create(cluster=cluster, solution=unpublished)
    past = KnowledgeItemFactory(
        title="Last year's summit",
        kind=KnowledgeItem.Kind.EVENT,
        event_start=timezone.now() - timedelta(days=300),
        event_place="Vienna",
    )
    upcoming = KnowledgeItemFactory(
        title="Procurement webinar",
        kind=KnowledgeItem.Kind.EVENT,
        event_start=timezone.now() + timedelta(days=10),
        event_online_url="https://example.org/webinar",
    )
    pending_news = KnowledgeItemFactory(title="Unreviewed news", status=PublicationStatus.PENDING)
    cluster.knowledge_items.add(past, upcoming, pending_news)
    member_of(cluster)
    DiscussionFactory(cluster=cluster)
    DiscussionFactory(cluster=cluster, members_only=True, title="Members-only budget talk")

    page = client.get(cluster.get_absolute_url())

    text = page.content.decode()
    assert "Smart street lighting" in text
    assert "Secret draft" not in text
    assert "Unreviewed news" not in text
    assert text.index("Procurement webinar") < text.index("Last year&#x27;s summit")
    counts = page.context["page"].counts
    assert (counts.members, counts.discussions) == (1, 1)
    assert "Members-only budget talk" not in text


def test_unknown_cluster_is_404(client, db):
    assert client.get(reverse("clusters:cluster-detail", args=["nope"])).status_code == 404


def test_initiative_page_shows_its_linked_work_and_hides_private_plans(
    client_for, promoter, member
):
    initiative = InitiativeFactory(goals="Buy 500 electric buses together.")
    initiative.solutions.add(SolutionFactory(title="Bus depot charging"))
    initiative.reference_projects.add(ReferenceProjectFactory(acronym="MOBI"))
    initiative.plans.add(PlanFactory(promoter=promoter, title="Ghent bus tender"))

    seen_by_promoter = client_for(promoter).get(initiative.get_absolute_url()).content.decode()
    seen_by_member = client_for(member).get(initiative.get_absolute_url()).content.decode()

    for text in (seen_by_promoter, seen_by_member):
        assert "Bus depot charging" in text
        assert "MOBI" in text
        assert "Buy 500 electric buses together." in text
    assert "Ghent bus tender" in seen_by_promoter
    assert "Ghent bus tender" not in seen_by_member


def test_a_proposal_is_seen_only_by_its_proposer_curators_and_lead_coordinators(
    client_for, visitor, member, other_promoter, curator, gated_cluster, coordinator
):
    proposal = initiative_services.initiative_propose(
        lead_cluster=gated_cluster, actor=member, name="Shared e-bike fleet"
    )
    url = proposal.get_absolute_url()
    for allowed in (member, curator, coordinator):
        assert client_for(allowed).get(url).status_code == 200
    for refused in (visitor, other_promoter):
        assert client_for(refused).get(url).status_code == 404
    assert (
        "Shared e-bike fleet"
        not in client_for(visitor).get(gated_cluster.get_absolute_url()).content.decode()
    )


def test_member_proposes_an_initiative_and_a_curator_accepts_it(client_for, member, curator):
    cluster = ClusterFactory()
    response = client_for(member).post(
        reverse("clusters:initiative-propose", args=[cluster.slug]),
        {"name": "Joint procurement of e-buses", "description": "Cities buying together."},
    )
    assert response.status_code == 302
    initiative = cluster.initiatives.get()
    assert initiative.status == InitiativeStatus.PROPOSED

    client_for(curator).post(
        reverse("clusters:proposal-decide", args=[initiative.pk, "accept"]), {"reason": ""}
    )

    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.ACTIVE
    assert initiative.decided_by == curator
    assert initiative.memberships.get().user == member  # the proposer coordinates it
    assert initiative.memberships.get().is_coordinator


def test_proposal_with_an_empty_name_is_a_form_error(client_for, member):
    cluster = ClusterFactory()
    url = reverse("clusters:initiative-propose", args=[cluster.slug])
    response = client_for(member).post(url, {"name": "   ", "description": "x"})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with pytest.raises(DomainError, match="name"):
        initiative_services.initiative_propose(lead_cluster=cluster, actor=member, name=" ")


def test_propose_page_denied_rows(client_for, visitor, cluster):
    url = reverse("clusters:initiative-propose", args=[cluster.slug])
    assert client_for(visitor).get(url).status_code == 302
    no_role = UserFactory(roles=[])
    assert client_for(no_role).get(url).status_code == 403
    assert client_for(no_role).put(url).status_code in (403, 405)


def test_declining_a_proposal_needs_a_reason_and_happens_once(member, curator, cluster):
    proposal = initiative_services.initiative_propose(
        lead_cluster=cluster, actor=member, name="Open data portal"
    )
    with pytest.raises(DomainError, match="reason"):
        initiative_services.initiative_decline(initiative=proposal, actor=curator, reason="")
    initiative_services.initiative_decline(
        initiative=proposal, actor=curator, reason="Covered by an existing initiative."
    )
    with pytest.raises(DomainError, match="decided already"):
        initiative_services.initiative_accept(initiative=proposal, actor=curator)
    proposal.refresh_from_db()
    assert proposal.status == InitiativeStatus.DECLINED
    assert proposal.decision_reason == "Covered by an existing initiative."


def test_join_policy_is_shown_on_the_page(client_for, member, gated_cluster):
    text = client_for(member).get(gated_cluster.get_absolute_url()).content.decode()
    assert "Ask to join" in text
    gated_cluster.join_policy = JoinPolicy.OPEN
    gated_cluster.save()
    text = client_for(member).get(gated_cluster.get_absolute_url()).content.decode()
    assert "Ask to join" not in text
