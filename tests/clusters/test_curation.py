"""The curator dashboard: moderation in bulk, requests, proposals, reports and featuring."""

import pytest
from django.urls import reverse

from clusters.models import Decision, FeaturedItem, InitiativeStatus, JoinPolicy
from clusters.services import curation
from clusters.services import discussions as discussion_services
from clusters.services import initiatives as initiative_services
from clusters.services import memberships as membership_services
from explore.models import ModerationRecord, PublicationStatus, Solution
from marketplace.errors import DomainError, NotAllowed, StateConflict
from tests.clusters.factories import (
    ClusterFactory,
    DiscussionFactory,
    PostFactory,
)
from tests.explore.factories import (
    KnowledgeItemFactory,
    ReferenceProjectFactory,
    SolutionFactory,
)

DASHBOARD = "clusters:dashboard"


def _pending(title="Smart parking sensors"):
    return SolutionFactory(title=title, status=PublicationStatus.PENDING)


def test_dashboard_is_for_curators_only(client_for, visitor, member, promoter, curator):
    url = reverse(DASHBOARD)
    assert client_for(visitor).get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(promoter).post(reverse("clusters:moderation-bulk")).status_code == 403
    assert client_for(curator).get(url).status_code == 200
    assert client_for(curator).put(url).status_code == 405


def test_dashboard_gathers_everything_waiting(client_for, member, curator):
    _pending("Pending bike sharing")
    cluster = ClusterFactory(join_policy=JoinPolicy.APPROVAL)
    membership_services.membership_request(group=cluster, user=member)
    initiative_services.initiative_propose(lead_cluster=cluster, actor=member, name="Heat pumps")
    post = PostFactory(discussion=DiscussionFactory(cluster=cluster), body="Reported body")
    discussion_services.post_report(post=post, actor=member, reason="Off-topic")

    page = client_for(curator).get(reverse(DASHBOARD)).content.decode()

    for expected in ("Pending bike sharing", str(member), "Heat pumps", "Reported body"):
        assert expected in page


@pytest.mark.parametrize("rows", [1, 10])
def test_dashboard_query_count_does_not_grow(
    client_for, curator, member, django_assert_max_num_queries, rows
):
    for index in range(rows):
        _pending(f"Pending {index}")
        cluster = ClusterFactory(join_policy=JoinPolicy.APPROVAL)
        membership_services.membership_request(group=cluster, user=member)
        FeaturedItem.objects.create(cluster=cluster, solution=SolutionFactory())
        initiative_services.initiative_propose(lead_cluster=cluster, actor=member, name=f"I{index}")
        post = PostFactory(discussion=DiscussionFactory(cluster=cluster))
        discussion_services.post_report(post=post, actor=member, reason="Spam")
    client = client_for(curator)
    with django_assert_max_num_queries(15):
        assert client.get(reverse(DASHBOARD)).status_code == 200


def test_bulk_publish_and_reject_with_a_reason(client_for, curator):
    first, second, third = _pending("A"), _pending("B"), _pending("C")
    client = client_for(curator)
    url = reverse("clusters:moderation-bulk")

    response = client.post(
        url, {"items": [f"solution:{first.pk}", f"solution:{second.pk}"], "action": "publish"}
    )
    assert response.status_code == 302
    assert Solution.objects.get(pk=first.pk).status == PublicationStatus.PUBLISHED
    assert Solution.objects.get(pk=second.pk).status == PublicationStatus.PUBLISHED

    no_reason = client.post(url, {"items": [f"solution:{third.pk}"], "action": "reject"})
    assert no_reason.status_code == 400
    assert "Say why" in no_reason.content.decode()
    assert Solution.objects.get(pk=third.pk).status == PublicationStatus.PENDING

    client.post(
        url, {"items": [f"solution:{third.pk}"], "action": "reject", "reason": "Add a price."}
    )
    third.refresh_from_db()
    assert third.status == PublicationStatus.DRAFT
    record = ModerationRecord.objects.filter(object_id=third.pk).first()
    assert (record.action, record.reason, record.actor) == ("rejected", "Add a price.", curator)


def test_bulk_skips_what_another_curator_decided_meanwhile(curator, other_promoter):
    fresh, decided = _pending("Fresh"), _pending("Decided")
    Solution.objects.filter(pk=decided.pk).update(status=PublicationStatus.PUBLISHED)

    outcome = curation.moderation_bulk_decide(
        items=[fresh, decided], action="publish", actor=curator
    )

    assert [item.pk for item in outcome.done] == [fresh.pk]
    assert [item.pk for item, _message in outcome.skipped] == [decided.pk]
    with pytest.raises(NotAllowed):
        curation.moderation_bulk_decide(items=[fresh], action="publish", actor=other_promoter)


def test_an_item_not_in_the_queue_is_a_form_error(client_for, curator):
    published = SolutionFactory()
    response = client_for(curator).post(
        reverse("clusters:moderation-bulk"),
        {"items": [f"solution:{published.pk}", "solution:abc"], "action": "publish"},
    )
    assert response.status_code == 400


def test_curator_features_published_content_on_a_cluster(client_for, curator):
    cluster = ClusterFactory(name="Mobility featured")
    solution = SolutionFactory(title="Bike lanes kit")
    client = client_for(curator)

    response = client.post(
        reverse("clusters:feature-add"),
        {
            "cluster": cluster.slug,
            "kind": "solution",
            "reference": f"http://testserver{solution.get_absolute_url()}",
        },
    )

    assert response.status_code == 302
    featured = FeaturedItem.objects.get()
    assert (featured.solution, featured.featured_by) == (solution, curator)
    assert Decision.objects.filter(action=Decision.Action.FEATURED, actor=curator).exists()
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert "Bike lanes kit" in page

    again = client.post(
        reverse("clusters:feature-add"),
        {"cluster": cluster.slug, "kind": "solution", "reference": solution.slug},
    )
    assert again.status_code == 400
    assert "featured on the cluster already" in again.content.decode()

    client.post(reverse("clusters:feature-remove", args=[featured.pk]))
    assert not FeaturedItem.objects.exists()


def test_only_published_content_can_be_featured(curator, member):
    cluster = ClusterFactory()
    with pytest.raises(StateConflict):
        curation.content_feature(cluster=cluster, item=_pending(), actor=curator)
    with pytest.raises(NotAllowed):
        curation.content_feature(cluster=cluster, item=SolutionFactory(), actor=member)
    curation.content_feature(cluster=cluster, item=ReferenceProjectFactory(), actor=curator)
    curation.content_feature(cluster=cluster, item=KnowledgeItemFactory(), actor=curator)
    positions = list(cluster.featured_items.values_list("position", flat=True))
    assert positions == [0, 1]


def test_feature_form_with_an_unknown_slug_is_a_form_error(client_for, curator):
    cluster = ClusterFactory()
    response = client_for(curator).post(
        reverse("clusters:feature-add"),
        {"cluster": cluster.slug, "kind": "project", "reference": "no-such-project"},
    )
    assert response.status_code == 400
    assert "Nothing of that kind" in response.content.decode()


def test_curator_decides_proposals_from_the_dashboard(client_for, member, curator):
    cluster = ClusterFactory()
    proposal = initiative_services.initiative_propose(
        lead_cluster=cluster, actor=member, name="Data spaces"
    )
    client = client_for(curator)
    decline = reverse("clusters:proposal-decide", args=[proposal.pk, "decline"])

    response = client.post(decline, {"reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    client.post(decline, {"reason": "Out of scope."})
    proposal.refresh_from_db()
    assert proposal.status == InitiativeStatus.DECLINED
    response = client.post(
        reverse("clusters:proposal-decide", args=[proposal.pk, "accept"]), follow=True
    )
    assert "decided already" in response.content.decode()
    unknown = reverse("clusters:proposal-decide", args=[proposal.pk, "x"])
    assert client.post(unknown).status_code == 404
    assert client_for(member).post(decline, {"reason": "x"}).status_code == 403


def test_curator_hides_a_reported_post_from_the_dashboard(client_for, member, curator):
    cluster = ClusterFactory()
    post = PostFactory(discussion=DiscussionFactory(cluster=cluster))
    report = discussion_services.post_report(post=post, actor=member, reason="Insulting")
    url = reverse("clusters:report-decide", args=[report.pk, "hide"])

    client_for(curator).post(url, {"reason": "Insults a member."})

    report.refresh_from_db()
    assert report.status == "hidden"
    assert report.decided_by == curator
    assert report.decided_at is not None
    assert client_for(member).post(url, {"reason": "x"}).status_code == 403


def test_initiative_close_by_its_coordinator(member, curator, other_promoter):
    cluster = ClusterFactory()
    proposal = initiative_services.initiative_propose(
        lead_cluster=cluster, actor=member, name="Street lighting"
    )
    initiative_services.initiative_accept(initiative=proposal, actor=curator)
    with pytest.raises(NotAllowed):
        initiative_services.initiative_close(initiative=proposal, actor=other_promoter)
    initiative_services.initiative_close(initiative=proposal, actor=member)
    with pytest.raises(DomainError):
        initiative_services.initiative_close(initiative=proposal, actor=member)


def test_curator_decides_membership_requests_in_bulk(client_for, member, other_promoter, curator):
    cluster = ClusterFactory(join_policy=JoinPolicy.APPROVAL)
    first = membership_services.membership_request(group=cluster, user=member)
    second = membership_services.membership_request(group=cluster, user=other_promoter)
    url = reverse("clusters:membership-bulk")
    client = client_for(curator)

    no_reason = client.post(url, {"requests-requests": [first.pk], "requests-action": "reject"})
    assert no_reason.status_code == 400
    assert "Say why" in no_reason.content.decode()

    client.post(url, {"requests-requests": [first.pk, second.pk], "requests-action": "approve"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "approved")
    assert first.decided_by == curator
    assert client_for(member).post(url, {}).status_code == 403
