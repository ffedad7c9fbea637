"""Discussions, posts, reports of posts, and shared documents in clusters and initiatives."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from clusters import permissions
from clusters.models import Decision, Discussion, Document, Post, PostReport, ReportStatus
from clusters.services.audit import decision_record, required_reason
from clusters.services.memberships import group_filter
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape.uploads import document_check, document_details

TITLE_MAX = 200
BODY_MAX = 10_000


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give a subject."), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(
            _("Keep it under %(count)d characters.") % {"count": TITLE_MAX}, field="title"
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message."), field="body")
    if len(body) > BODY_MAX:
        raise DomainError(
            _("Keep it under %(count)d characters.") % {"count": BODY_MAX}, field="body"
        )
    return body


@transaction.atomic
def discussion_start(
    *, group, actor: User, title: str, body: str, members_only: bool = False
) -> Discussion:
    if not permissions.can_contribute(actor, group):
        raise NotAllowed(_("Join to start a discussion."))
    title, body = _clean_title(title), _clean_body(body)
    now = timezone.now()
    discussion = Discussion.objects.create(
        title=title,
        members_only=members_only,
        started_by=actor,
        last_post_at=now,
        **group_filter(group),
    )
    Post.objects.create(discussion=discussion, author=actor, body=body)
    return discussion


@transaction.atomic
def post_create(*, discussion: Discussion, actor: User, body: str) -> Post:
    # Fresh from the database: it may have been archived since the caller loaded it.
    discussion = (
        Discussion.objects.select_for_update(of=("self",))
        .select_related("cluster", "initiative__lead_cluster")
        .get(pk=discussion.pk)
    )
    if not permissions.can_post(actor, discussion):
        raise NotAllowed(_("Only members post here, and not in an archived discussion."))
    post = Post.objects.create(discussion=discussion, author=actor, body=_clean_body(body))
    Discussion.objects.filter(pk=discussion.pk).update(last_post_at=post.created_at)
    return post


@transaction.atomic
def discussion_archive(*, discussion: Discussion, actor: User, reason: str = "") -> Discussion:
    discussion = Discussion.objects.select_for_update(of=("self",)).get(pk=discussion.pk)
    if not permissions.can_manage_members(actor, discussion.group):
        raise NotAllowed(_("Only coordinators and curators archive discussions."))
    if discussion.archived_at is not None:
        raise StateConflict(_("This discussion is archived already."))
    discussion.archived_at = timezone.now()
    discussion.save(update_fields=["archived_at"])
    decision_record(discussion, Decision.Action.DISCUSSION_ARCHIVED, actor=actor, reason=reason)
    return discussion


@transaction.atomic
def post_report(*, post: Post, actor: User, reason: str) -> PostReport:
    """A member flags a post for the curators, saying what is wrong with it."""
    if not permissions.can_report_post(actor, post):
        raise NotAllowed(_("You cannot report this post."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what is wrong with the post."), field="reason")
    try:
        with transaction.atomic():
            return PostReport.objects.create(post=post, reporter=actor, reason=reason[:500])
    except IntegrityError:
        raise StateConflict(_("You have reported this post already.")) from None


def _open_report(report: PostReport, actor: User) -> PostReport:
    if not permissions.can_curate(actor):
        raise NotAllowed(_("Only curators decide on reported posts."))
    report = (
        PostReport.objects.select_for_update(of=("self",)).select_related("post").get(pk=report.pk)
    )
    if report.status != ReportStatus.OPEN:
        raise StateConflict(_("This report has been decided already."))
    return report


@transaction.atomic
def report_hide_post(*, report: PostReport, actor: User, reason: str) -> PostReport:
    """Hide the reported post; every open report on it is settled by the same decision."""
    reason = required_reason(reason)
    report = _open_report(report, actor)
    now = timezone.now()
    post = Post.objects.select_for_update().get(pk=report.post_id)
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by, post.hidden_reason = now, actor, reason
        post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    PostReport.objects.filter(post=post, status=ReportStatus.OPEN).update(
        status=ReportStatus.HIDDEN, decided_by=actor, decided_at=now, decision_reason=reason
    )
    decision_record(post, Decision.Action.POST_HIDDEN, actor=actor, reason=reason)
    report.refresh_from_db()
    return report


@transaction.atomic
def report_dismiss(*, report: PostReport, actor: User, reason: str) -> PostReport:
    reason = required_reason(reason)
    report = _open_report(report, actor)
    report.status = ReportStatus.DISMISSED
    report.decided_by, report.decided_at, report.decision_reason = actor, timezone.now(), reason
    report.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    decision_record(report, Decision.Action.REPORT_DISMISSED, actor=actor, reason=reason)
    return report


@transaction.atomic
def document_upload(
    *, group, actor: User, title: str, file, members_only: bool = False
) -> Document:
    """Share a file with the group; its type and size are checked like plan attachments."""
    if not permissions.can_contribute(actor, group):
        raise NotAllowed(_("Join to share documents."))
    title = _clean_title(title)
    if file is None:
        raise DomainError(_("Choose a file."), field="file")
    document_check(file, field="file")
    return Document.objects.create(
        title=title,
        file=file,
        members_only=members_only,
        uploaded_by=actor,
        **document_details(file),
        **group_filter(group),
    )
