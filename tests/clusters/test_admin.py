"""Curators run clusters from the admin too, through the same services as the pages."""

import pytest
from django.urls import reverse

from clusters.models import (
    ActionCluster,
    Decision,
    Discussion,
    FeaturedItem,
    Initiative,
    InitiativeStatus,
    JoinPolicy,
    Membership,
    MembershipStatus,
)
from clusters.services import memberships as membership_services
from tests.clusters.factories import (
    ClusterFactory,
    DiscussionFactory,
    InitiativeFactory,
    member_of,
)

MODELS = ["actioncluster", "initiative", "membership", "discussion", "postreport", "document"]


@pytest.mark.parametrize("model", [*MODELS, "featureditem", "decision"])
def test_curator_opens_searches_and_filters_every_clusters_admin(client_for, curator, model):
    member_of(ClusterFactory())
    client = client_for(curator)
    url = reverse(f"admin:clusters_{model}_changelist")
    assert client.get(url, {"q": "test"}).status_code == 200
    assert client.get(reverse(f"admin:clusters_{model}_add")).status_code in (200, 403)


def test_curator_approves_requests_with_an_admin_action(client_for, member, curator):
    cluster = ClusterFactory(join_policy=JoinPolicy.APPROVAL)
    membership = membership_services.membership_request(group=cluster, user=member)

    client_for(curator).post(
        reverse("admin:clusters_membership_changelist"),
        {"action": "approve", "_selected_action": [membership.pk]},
    )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert membership.decided_by == curator


def test_curator_accepts_features_and_archives_initiatives(client_for, member, curator):
    proposal = InitiativeFactory(status=InitiativeStatus.PROPOSED, proposed_by=member)
    url = reverse("admin:clusters_initiative_changelist")
    client = client_for(curator)

    for action in ("accept", "feature", "archive"):
        client.post(url, {"action": action, "_selected_action": [proposal.pk]})

    proposal = Initiative.objects.get(pk=proposal.pk)
    assert proposal.status == InitiativeStatus.CLOSED
    assert proposal.featured
    assert Decision.objects.filter(action=Decision.Action.INITIATIVE_CLOSED).exists()
    featured = Decision.objects.get(action=Decision.Action.FEATURED)
    assert featured.actor == curator
    assert featured.target == proposal


def test_curator_archives_a_discussion_from_the_admin(client_for, curator):
    discussion = DiscussionFactory()
    client_for(curator).post(
        reverse("admin:clusters_discussion_changelist"),
        {"action": "archive", "_selected_action": [discussion.pk]},
    )
    assert Discussion.objects.get(pk=discussion.pk).archived_at is not None


def test_decisions_are_read_only_in_the_admin(client_for, curator, member):
    cluster = ClusterFactory()
    membership_services.membership_request(group=cluster, user=member)
    decision = Decision.objects.get()
    change = reverse("admin:clusters_decision_change", args=[decision.pk])
    response = client_for(curator).post(change, {"reason": "rewritten"})
    assert response.status_code == 403
    assert Decision.objects.get().reason == ""


def test_members_are_kept_out_of_the_clusters_admin(client_for, member):
    for model in MODELS:
        url = reverse(f"admin:clusters_{model}_changelist")
        assert client_for(member).get(url).status_code in (302, 403)


def test_featured_item_added_in_admin_records_the_curator(client_for, curator):
    from tests.explore.factories import SolutionFactory

    cluster = ClusterFactory()
    solution = SolutionFactory()
    response = client_for(curator).post(
        reverse("admin:clusters_featureditem_add"),
        {"cluster": cluster.pk, "solution": solution.pk, "position": 0},
    )
    assert response.status_code == 302
    assert FeaturedItem.objects.get().featured_by == curator
    assert ActionCluster.objects.count() >= 1
    assert Membership.objects.count() == 0
