"""Joining, leaving and the coordinators' decisions on membership requests."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from clusters import permissions
from clusters.models import Decision, JoinPolicy, Membership, MembershipStatus
from clusters.services import memberships as services
from marketplace.errors import NotAllowed, StateConflict
from tests.clusters.factories import (
    ClusterFactory,
    InitiativeFactory,
    coordinator_of,
    member_of,
)
from tests.factories import UserFactory
from tests.services import require_postgres


def _request(group, user, message=""):
    return services.membership_request(group=group, user=user, message=message)


# --- The state machine -------------------------------------------------------------------------


def test_member_joins_an_open_cluster_at_once(member, cluster):
    membership = _request(cluster, member)

    assert membership.status == MembershipStatus.APPROVED
    assert permissions.is_group_member(member, cluster)


def test_member_asks_to_join_a_gated_cluster_and_its_coordinator_is_told(
    member, gated_cluster, coordinator
):
    membership = _request(gated_cluster, member, "I run the mobility desk in Ghent.")

    assert membership.status == MembershipStatus.REQUESTED
    assert not permissions.is_group_member(member, gated_cluster)
    told = Notification.objects.get(recipient=coordinator)
    assert told.kind == NotificationKind.CLUSTER
    assert str(member) in told.title


def test_joining_twice_is_a_clear_conflict(member, cluster, gated_cluster):
    _request(cluster, member)
    with pytest.raises(StateConflict, match="member already"):
        _request(cluster, member)
    _request(gated_cluster, member)
    with pytest.raises(StateConflict, match="asked to join already"):
        _request(gated_cluster, member)
    assert Membership.objects.filter(user=member).count() == 2


def test_visitor_and_unverified_people_cannot_join(visitor, cluster):
    with pytest.raises(NotAllowed):
        _request(cluster, visitor)
    outsider = UserFactory(roles=[])
    with pytest.raises(NotAllowed):
        _request(cluster, outsider)


def test_coordinator_approves_and_the_member_is_told(member, gated_cluster, coordinator):
    membership = _request(gated_cluster, member)

    services.membership_approve(membership=membership, actor=coordinator)

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.APPROVED
    assert membership.decided_by == coordinator
    assert membership.decided_at is not None
    notice = Notification.objects.get(recipient=member)
    assert gated_cluster.name in notice.title
    assert notice.url == gated_cluster.get_absolute_url()
    assert Decision.objects.filter(
        object_id=membership.pk, action=Decision.Action.MEMBERSHIP_APPROVED, actor=coordinator
    ).exists()


def test_rejecting_needs_a_reason_that_the_member_reads(member, gated_cluster, coordinator):
    membership = _request(gated_cluster, member)
    with pytest.raises(Exception, match="reason"):
        services.membership_reject(membership=membership, actor=coordinator, reason="  ")

    services.membership_reject(
        membership=membership, actor=coordinator, reason="This cluster is for cities only."
    )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REJECTED
    assert membership.decision_reason == "This cluster is for cities only."
    assert Notification.objects.get(recipient=member).body == "This cluster is for cities only."


def test_an_already_decided_request_cannot_be_decided_again(member, gated_cluster, coordinator):
    membership = _request(gated_cluster, member)
    services.membership_approve(membership=membership, actor=coordinator)

    with pytest.raises(StateConflict, match="decided already"):
        services.membership_approve(membership=membership, actor=coordinator)
    with pytest.raises(StateConflict, match="decided already"):
        services.membership_reject(membership=membership, actor=coordinator, reason="No.")


def test_only_that_clusters_coordinators_and_curators_decide(
    member, gated_cluster, coordinator, curator, other_promoter
):
    membership = _request(gated_cluster, member)
    other_cluster_coordinator = coordinator_of(ClusterFactory()).user
    plain_member = member_of(gated_cluster).user

    for outsider in (other_cluster_coordinator, plain_member, other_promoter, member):
        with pytest.raises(NotAllowed):
            services.membership_approve(membership=membership, actor=outsider)

    services.membership_approve(membership=membership, actor=curator)
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.APPROVED


def test_lead_cluster_coordinators_decide_on_initiative_requests(
    member, gated_cluster, coordinator
):
    initiative = InitiativeFactory(lead_cluster=gated_cluster, join_policy=JoinPolicy.APPROVAL)
    membership = _request(initiative, member)

    services.membership_approve(membership=membership, actor=coordinator)

    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.APPROVED


def test_members_leave_at_any_time_and_may_come_back(member, cluster, gated_cluster):
    _request(cluster, member)
    services.membership_leave(group=cluster, user=member)
    assert not permissions.is_group_member(member, cluster)
    with pytest.raises(StateConflict):
        services.membership_leave(group=cluster, user=member)

    again = _request(cluster, member)
    assert again.status == MembershipStatus.APPROVED
    assert Membership.objects.filter(user=member, cluster=cluster).count() == 1


def test_withdrawing_a_pending_request(member, gated_cluster):
    _request(gated_cluster, member)
    services.membership_leave(group=gated_cluster, user=member)
    assert Membership.objects.get(user=member).status == MembershipStatus.LEFT


def test_a_rejected_member_may_ask_again(member, gated_cluster, coordinator):
    membership = _request(gated_cluster, member)
    services.membership_reject(membership=membership, actor=coordinator, reason="Not yet.")

    again = _request(gated_cluster, member)

    assert again.pk == membership.pk
    assert again.status == MembershipStatus.REQUESTED
    assert again.decided_by is None


def test_only_curators_appoint_coordinators(member, cluster, curator, coordinator):
    with pytest.raises(NotAllowed):
        services.coordinator_appoint(group=cluster, user=member, actor=coordinator)

    membership = services.coordinator_appoint(group=cluster, user=member, actor=curator)

    assert membership.is_coordinator
    assert permissions.can_manage_members(member, cluster)
    with pytest.raises(StateConflict):
        services.coordinator_appoint(group=cluster, user=member, actor=curator)


def test_a_closed_initiative_takes_no_new_members(member):
    initiative = InitiativeFactory(status="closed")
    with pytest.raises(NotAllowed):
        _request(initiative, member)


# --- Through the pages -------------------------------------------------------------------------


def test_join_and_leave_pages(client_for, member, cluster):
    client = client_for(member)
    join = reverse("clusters:group-join", args=["cluster", cluster.slug])
    leave = reverse("clusters:group-leave", args=["cluster", cluster.slug])

    response = client.post(join, follow=True)
    assert response.status_code == 200
    assert "Welcome to" in response.content.decode()

    response = client.post(join, follow=True)
    assert "You are a member already." in response.content.decode()

    response = client.post(leave, follow=True)
    assert "You left" in response.content.decode()


def test_join_denied_rows(client_for, visitor, member, cluster):
    join = reverse("clusters:group-join", args=["cluster", cluster.slug])
    response = client_for(visitor).post(join)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]

    assert client_for(member).get(join).status_code == 405
    missing = reverse("clusters:group-join", args=["cluster", "no-such-cluster"])
    assert client_for(member).post(missing).status_code == 404
    proposed = InitiativeFactory(status="proposed")
    hidden = reverse("clusters:group-join", args=["initiative", proposed.slug])
    assert client_for(member).post(hidden).status_code == 404


def test_coordinator_approves_from_the_requests_page(
    client_for, member, gated_cluster, coordinator
):
    membership = _request(gated_cluster, member)
    client = client_for(coordinator)

    page = client.get(reverse("clusters:requests"))
    assert page.status_code == 200
    assert str(member) in page.content.decode()

    approve = reverse("clusters:membership-decide", args=[membership.pk, "approve"])
    response = client.post(approve, follow=True)
    assert "is a member now" in response.content.decode()

    response = client.post(approve, follow=True)
    assert "decided already" in response.content.decode()


def test_requests_page_and_decisions_are_refused_to_others(
    client_for, visitor, member, other_promoter, gated_cluster, coordinator
):
    membership = _request(gated_cluster, member)
    requests_url = reverse("clusters:requests")
    approve = reverse("clusters:membership-decide", args=[membership.pk, "approve"])

    assert client_for(visitor).get(requests_url).status_code == 302
    assert client_for(other_promoter).get(requests_url).status_code == 403
    assert client_for(other_promoter).post(approve).status_code == 404
    other_coordinator = coordinator_of(ClusterFactory()).user
    assert client_for(other_coordinator).get(requests_url).status_code == 200
    assert str(member) not in client_for(other_coordinator).get(requests_url).content.decode()
    assert client_for(other_coordinator).post(approve).status_code == 404
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.REQUESTED


def test_rejecting_without_a_reason_from_the_page_is_a_message(
    client_for, member, gated_cluster, coordinator
):
    membership = _request(gated_cluster, member)
    reject = reverse("clusters:membership-decide", args=[membership.pk, "reject"])

    response = client_for(coordinator).post(reject, {"reason": ""}, follow=True)

    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert Membership.objects.get(pk=membership.pk).status == MembershipStatus.REQUESTED


def test_member_directory_lists_only_those_who_agreed(client, gated_cluster):
    listed = member_of(gated_cluster, UserFactory(name="Listed Person", listed_in_directories=True))
    member_of(gated_cluster, UserFactory(name="Private Person", listed_in_directories=False))

    page = client.get(reverse("clusters:group-members", args=["cluster", gated_cluster.slug]))

    text = page.content.decode()
    assert "Listed Person" in text
    assert listed.user.organisation.name in text
    assert "Private Person" not in text


# --- Concurrency -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_give_one_outcome():
    require_postgres()
    cluster = ClusterFactory(join_policy=JoinPolicy.APPROVAL)
    first, second = coordinator_of(cluster).user, coordinator_of(cluster).user
    membership = _request(cluster, UserFactory())
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(actor, reject):
        try:
            barrier.wait()
            if reject:
                services.membership_reject(membership=membership, actor=actor, reason="Full.")
            else:
                services.membership_approve(membership=membership, actor=actor)
            outcomes.append("decided")
        except StateConflict:
            outcomes.append("conflict")
        finally:
            connection.close()  # each thread opened its own connection

    threads = [
        threading.Thread(target=decide, args=(first, False)),
        threading.Thread(target=decide, args=(second, True)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "decided"]
    decisions = Decision.objects.filter(
        object_id=membership.pk,
        action__in=[Decision.Action.MEMBERSHIP_APPROVED, Decision.Action.MEMBERSHIP_REJECTED],
    )
    assert decisions.count() == 1


def test_the_decision_reaches_the_member_by_e_mail_after_commit(
    member, gated_cluster, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    membership = _request(gated_cluster, member)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(membership=membership, actor=coordinator)

    assert [mail.to for mail in mailoutbox] == [[member.email]]
    assert gated_cluster.name in mailoutbox[0].subject


def test_managers_see_every_membership_and_curators_appoint_from_the_page(
    client_for, member, other_promoter, gated_cluster, coordinator, curator
):
    _request(gated_cluster, member, "Pending one")
    member_row = member_of(gated_cluster, other_promoter)
    url = reverse("clusters:group-members", args=["cluster", gated_cluster.slug])

    assert member.email in client_for(coordinator).get(url).content.decode()
    assert member.email not in client_for(other_promoter).get(url).content.decode()
    appoint = reverse("clusters:coordinator-appoint", args=[member_row.pk])
    assert client_for(coordinator).post(appoint).status_code == 403

    client_for(curator).post(appoint)

    assert Membership.objects.get(pk=member_row.pk).is_coordinator
