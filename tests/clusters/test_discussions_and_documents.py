"""Discussions, posts, reports and documents; members-only ones stay invisible to others."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters.models import Discussion, Document, Post, PostReport, ReportStatus
from clusters.services import discussions as services
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape.uploads import MAX_DOCUMENT_BYTES
from tests.clusters.factories import (
    PDF_BYTES,
    DiscussionFactory,
    DocumentFactory,
    InitiativeFactory,
    PostFactory,
    coordinator_of,
    member_of,
)


@pytest.fixture
def insider(cluster):
    return member_of(cluster).user


# --- Discussions -------------------------------------------------------------------------------


def test_member_starts_a_discussion_and_others_reply(client_for, cluster, insider):
    client = client_for(insider)
    response = client.post(
        reverse("clusters:discussion-create", args=["cluster", cluster.slug]),
        {"title": "Tender templates", "body": "Who has one to share?", "members_only": "on"},
    )
    discussion = Discussion.objects.get()
    assert response.status_code == 302
    assert discussion.members_only
    second = member_of(cluster).user

    reply = client_for(second).post(
        reverse("clusters:post-create", args=[discussion.pk]), {"body": "Here is ours."}
    )

    assert reply.status_code == 302
    assert discussion.posts.count() == 2
    page = client_for(second).get(discussion.get_absolute_url()).content.decode()
    assert "Who has one to share?" in page
    assert "Here is ours." in page


def test_an_empty_post_is_a_form_error(client_for, cluster, insider):
    discussion = DiscussionFactory(cluster=cluster)
    response = client_for(insider).post(
        reverse("clusters:post-create", args=[discussion.pk]), {"body": "   "}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with pytest.raises(DomainError):
        services.post_create(discussion=discussion, actor=insider, body=" ")


def test_non_members_may_read_public_discussions_but_not_post(client_for, visitor, member, cluster):
    discussion = DiscussionFactory(cluster=cluster)
    PostFactory(discussion=discussion, body="Open to all readers.")
    post_url = reverse("clusters:post-create", args=[discussion.pk])

    assert (
        "Open to all readers."
        in client_for(visitor).get(discussion.get_absolute_url()).content.decode()
    )
    assert client_for(visitor).post(post_url, {"body": "hi"}).status_code == 302
    assert client_for(member).post(post_url, {"body": "hi"}).status_code == 403
    start = reverse("clusters:discussion-create", args=["cluster", cluster.slug])
    assert client_for(member).get(start).status_code == 403
    with pytest.raises(NotAllowed):
        services.post_create(discussion=discussion, actor=member, body="hi")


def test_members_only_discussions_are_404_and_unlisted_for_outsiders(
    client_for, visitor, member, curator, cluster, insider
):
    secret = DiscussionFactory(cluster=cluster, members_only=True, title="Budget whispers")
    PostFactory(discussion=secret, body="Our confidential numbers.")
    url = secret.get_absolute_url()

    for outsider in (visitor, member):
        client = client_for(outsider)
        assert client.get(url).status_code == 404
        assert client.post(reverse("clusters:post-create", args=[secret.pk])).status_code in (
            302,
            404,
        )
        cluster_page = client.get(cluster.get_absolute_url())
        assert "Budget whispers" not in cluster_page.content.decode()
        assert cluster_page.context["page"].counts.discussions == 0
        search = client.get(reverse("explore:search"), {"q": "Budget whispers"})
        assert url not in search.content.decode()
    for allowed in (insider, curator):
        assert client_for(allowed).get(url).status_code == 200


def test_initiative_members_only_items_are_seen_by_lead_cluster_coordinators(
    client_for, member, cluster
):
    initiative = InitiativeFactory(lead_cluster=cluster)
    secret = DiscussionFactory(cluster=None, initiative=initiative, members_only=True)
    lead_coordinator = coordinator_of(cluster).user
    initiative_member = member_of(initiative).user
    plain_cluster_member = member_of(cluster).user

    assert client_for(lead_coordinator).get(secret.get_absolute_url()).status_code == 200
    assert client_for(initiative_member).get(secret.get_absolute_url()).status_code == 200
    assert client_for(plain_cluster_member).get(secret.get_absolute_url()).status_code == 404


def test_a_member_who_leaves_loses_members_only_access(client_for, cluster, insider):
    secret = DiscussionFactory(cluster=cluster, members_only=True)
    client = client_for(insider)
    assert client.get(secret.get_absolute_url()).status_code == 200
    client.post(reverse("clusters:group-leave", args=["cluster", cluster.slug]))
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_archived_discussions_take_no_posts(client_for, cluster, insider, curator):
    discussion = DiscussionFactory(cluster=cluster)
    services.discussion_archive(discussion=discussion, actor=curator)
    with pytest.raises(StateConflict):
        services.discussion_archive(discussion=discussion, actor=curator)
    with pytest.raises(NotAllowed):
        services.post_create(discussion=discussion, actor=insider, body="Late reply")
    with pytest.raises(NotAllowed):
        services.discussion_archive(discussion=DiscussionFactory(cluster=cluster), actor=insider)


# --- Reports -----------------------------------------------------------------------------------


def test_member_reports_a_post_once(client_for, cluster, insider, member):
    post = PostFactory(discussion=DiscussionFactory(cluster=cluster), body="Buy my product!")
    url = reverse("clusters:post-report", args=[post.pk])

    response = client_for(member).post(url, {"reason": "Advertising"}, follow=True)
    assert "A curator will look at the post." in response.content.decode()
    response = client_for(member).post(url, {"reason": "Again"}, follow=True)
    assert "reported this post already" in response.content.decode()
    response = client_for(insider).post(url, {"reason": ""}, follow=True)
    assert "Say what is wrong" in response.content.decode()
    assert PostReport.objects.count() == 1
    with pytest.raises(NotAllowed):
        services.post_report(post=post, actor=post.author, reason="Own post")


def test_a_member_cannot_report_posts_they_cannot_see(client_for, cluster, member):
    secret = PostFactory(discussion=DiscussionFactory(cluster=cluster, members_only=True))
    url = reverse("clusters:post-report", args=[secret.pk])
    assert client_for(member).post(url, {"reason": "x"}).status_code == 404


def test_curator_hides_a_reported_post_with_a_reason(client_for, cluster, insider, member, curator):
    post = PostFactory(discussion=DiscussionFactory(cluster=cluster), body="Rude words")
    first = services.post_report(post=post, actor=member, reason="Rude")
    second = services.post_report(post=post, actor=insider, reason="Offensive")

    with pytest.raises(DomainError, match="reason"):
        services.report_hide_post(report=first, actor=curator, reason="")
    with pytest.raises(NotAllowed):
        services.report_hide_post(report=first, actor=insider, reason="Rude")
    services.report_hide_post(report=first, actor=curator, reason="Breaks the house rules")

    post.refresh_from_db()
    assert post.is_hidden
    assert post.hidden_by == curator
    second.refresh_from_db()
    assert second.status == ReportStatus.HIDDEN  # settled by the same decision
    with pytest.raises(StateConflict):
        services.report_dismiss(report=second, actor=curator, reason="Late")
    page = client_for(member).get(post.discussion.get_absolute_url()).content.decode()
    assert "Rude words" not in page
    assert "A curator hid this post." in page


def test_curator_dismisses_a_report(cluster, member, curator):
    post = PostFactory(discussion=DiscussionFactory(cluster=cluster))
    report = services.post_report(post=post, actor=member, reason="Spam?")
    services.report_dismiss(report=report, actor=curator, reason="It is on topic.")
    report.refresh_from_db()
    assert report.status == ReportStatus.DISMISSED
    assert (report.decided_by, report.decision_reason) == (curator, "It is on topic.")
    assert not Post.objects.get(pk=post.pk).is_hidden


# --- Documents ---------------------------------------------------------------------------------


def _pdf(name="minutes.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_member_shares_a_document_and_downloads_it_as_an_attachment(client_for, cluster, insider):
    response = client_for(insider).post(
        reverse("clusters:document-upload", args=["cluster", cluster.slug]),
        {"title": "Minutes of March", "file": _pdf()},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.content_type, document.size) == ("application/pdf", len(PDF_BYTES))

    download = client_for(insider).get(reverse("clusters:document-download", args=[document.pk]))

    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/pdf"),
            "Attach a PDF",
        ),
        (
            SimpleUploadedFile("fake.pdf", b"MZ\x90\x00rest", content_type="application/pdf"),
            "does not match",
        ),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * MAX_DOCUMENT_BYTES), "larger than 10 MB"),
    ],
    ids=["wrong-type", "renamed", "oversized"],
)
def test_bad_documents_are_refused_with_a_clear_message(
    client_for, cluster, insider, upload, message
):
    response = client_for(insider).post(
        reverse("clusters:document-upload", args=["cluster", cluster.slug]),
        {"title": "Suspicious", "file": upload},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_members_only_documents_are_404_for_outsiders(
    client_for, visitor, member, cluster, insider
):
    secret = DocumentFactory(cluster=cluster, members_only=True, title="Confidential budget")
    public = DocumentFactory(cluster=cluster, title="Public leaflet")
    secret_url = reverse("clusters:document-download", args=[secret.pk])

    for outsider in (visitor, member):
        assert client_for(outsider).get(secret_url).status_code == 404
        page = client_for(outsider).get(cluster.get_absolute_url()).content.decode()
        assert "Confidential budget" not in page
        assert "Public leaflet" in page
        assert (
            client_for(outsider)
            .get(reverse("clusters:document-download", args=[public.pk]))
            .status_code
            == 200
        )
    assert client_for(insider).get(secret_url).status_code == 200


def test_document_pages_refuse_outsiders(client_for, visitor, member, cluster):
    url = reverse("clusters:document-upload", args=["cluster", cluster.slug])
    assert client_for(visitor).get(url).status_code == 302
    assert client_for(member).get(url).status_code == 403
    assert client_for(member).post(url, {"title": "x", "file": _pdf()}).status_code == 403
    missing = reverse("clusters:document-download", args=[999999])
    assert client_for(member).get(missing).status_code == 404
