"""The clusters API: public reads, join and leave, scoped membership lists and decisions."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from clusters.models import InitiativeStatus, JoinPolicy, Membership, MembershipStatus
from tests.clusters.factories import (
    ClusterFactory,
    DiscussionFactory,
    InitiativeFactory,
    coordinator_of,
    member_of,
)
from tests.explore.factories import SolutionFactory
from tests.factories import UserFactory


@pytest.fixture
def api():
    def client(user=None):
        api_client = APIClient()
        if user is not None and user.is_authenticated:
            api_client.force_authenticate(user)
        return api_client

    return client


def test_visitor_reads_clusters_and_public_initiatives(api, db):
    cluster = ClusterFactory(name="Citizen Focus API")
    member_of(cluster)
    active = InitiativeFactory(lead_cluster=cluster, name="Active one")
    active.solutions.add(SolutionFactory(title="Published solution"))
    active.solutions.add(SolutionFactory(title="Draft solution", status="draft"))
    InitiativeFactory(lead_cluster=cluster, name="Proposed one", status=InitiativeStatus.PROPOSED)

    clusters = api().get(reverse("api:cluster-list")).json()
    row = next(row for row in clusters["results"] if row["slug"] == cluster.slug)
    assert row["member_count"] == 1
    assert row["initiative_count"] == 1

    detail = api().get(reverse("api:cluster-detail", args=[cluster.slug]))
    assert detail.status_code == 200

    names = [row["name"] for row in api().get(reverse("api:initiative-list")).json()["results"]]
    assert names == ["Active one"]
    body = api().get(reverse("api:initiative-detail", args=[active.slug])).json()
    assert [solution["title"] for solution in body["solutions"]] == ["Published solution"]


def test_a_proposal_is_a_404_for_others_and_listed_for_its_proposer(api, member, other_promoter):
    proposal = InitiativeFactory(status=InitiativeStatus.PROPOSED, proposed_by=member)
    url = reverse("api:initiative-detail", args=[proposal.slug])

    assert api().get(url).status_code == 404
    assert api(other_promoter).get(url).status_code == 404
    assert api(member).get(url).status_code == 200
    listed = api(member).get(reverse("api:initiative-list"), {"status": "proposed"}).json()
    assert [row["slug"] for row in listed["results"]] == [proposal.slug]


def test_member_proposes_through_the_api_and_bad_input_is_a_400(api, member, visitor):
    cluster = ClusterFactory()
    url = reverse("api:initiative-list")

    created = api(member).post(
        url, {"lead_cluster": cluster.slug, "name": "Heat map"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["status"] == "proposed"

    empty = api(member).post(url, {"lead_cluster": cluster.slug, "name": "  "}, format="json")
    assert empty.status_code == 400
    assert "name" in empty.json()
    assert api(visitor).post(url, {}, format="json").status_code == 401


def test_join_twice_is_409_and_leave_works(api, member):
    cluster = ClusterFactory()
    join = reverse("api:cluster-join", args=[cluster.slug])

    first = api(member).post(join, {}, format="json")
    assert first.status_code == 201
    assert first.json()["status"] == "approved"
    assert api(member).post(join, {}, format="json").status_code == 409
    left = api(member).post(reverse("api:cluster-leave", args=[cluster.slug]))
    assert left.json()["status"] == "left"
    assert api().post(join).status_code == 401


def test_membership_lists_are_scoped(api, member, other_promoter):
    cluster = ClusterFactory(join_policy=JoinPolicy.APPROVAL)
    coordinator = coordinator_of(cluster).user
    member_of(cluster, other_promoter)
    api(member).post(reverse("api:cluster-join", args=[cluster.slug]), {}, format="json")
    url = reverse("api:cluster-memberships", args=[cluster.slug])

    everything = api(coordinator).get(url).json()["results"]
    assert len(everything) == 3
    own = api(member).get(url).json()["results"]
    assert [row["email"] for row in own] == [member.email]
    assert api().get(url).status_code == 401


def test_directory_lists_only_people_who_agreed(api, db):
    cluster = ClusterFactory()
    member_of(cluster, UserFactory(name="Listed", listed_in_directories=True))
    member_of(cluster, UserFactory(name="Private", listed_in_directories=False))

    rows = api().get(reverse("api:cluster-members", args=[cluster.slug])).json()["results"]

    assert [row["name"] for row in rows] == ["Listed"]
    assert "email" not in rows[0]


def test_coordinator_approves_through_the_api_once(api, member, other_promoter, curator):
    cluster = ClusterFactory(join_policy=JoinPolicy.APPROVAL)
    coordinator = coordinator_of(cluster).user
    api(member).post(reverse("api:cluster-join", args=[cluster.slug]), {}, format="json")
    membership = Membership.objects.get(user=member)
    approve = reverse("api:membership-request-approve", args=[membership.pk])
    reject = reverse("api:membership-request-reject", args=[membership.pk])

    assert api(other_promoter).get(reverse("api:membership-request-list")).json()["count"] == 0
    assert api(other_promoter).post(approve, {}, format="json").status_code == 404
    assert api(coordinator).get(reverse("api:membership-request-list")).json()["count"] == 1
    assert api(coordinator).post(reject, {"reason": ""}, format="json").status_code == 400

    assert api(coordinator).post(approve, {}, format="json").status_code == 200
    again = api(curator).post(approve, {}, format="json")
    assert again.status_code == 409
    assert "decided already" in again.json()["detail"]
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.APPROVED


def test_malformed_slugs_and_ids_are_404(api, member):
    assert api().get("/api/v1/clusters/%00bad/").status_code == 404
    assert api(member).get("/api/v1/membership-requests/abc/").status_code == 404
    assert api(member).get("/api/v1/initiatives/", {"status": "nope"}).status_code == 400


def test_the_api_never_shows_members_only_discussions(api, db):
    cluster = ClusterFactory()
    DiscussionFactory(cluster=cluster, members_only=True, title="Secret budget")
    for url in (reverse("api:cluster-list"), reverse("api:cluster-detail", args=[cluster.slug])):
        assert "Secret budget" not in api().get(url).content.decode()
