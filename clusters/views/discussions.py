"""Discussions, posts and their reports, and the documents members share."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusters import permissions, selectors
from clusters.forms import DiscussionForm, DocumentForm, PostForm, ReasonForm, ReportForm
from clusters.models import Post
from clusters.services import discussions as services
from clusters.views.groups import get_group, group_context
from marketplace.errors import DomainError
from marketplace.permissions import require


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def discussion_create(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    group = get_group(request.user, kind, slug)
    require(permissions.can_contribute(request.user, group))
    form = DiscussionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = services.discussion_start(
                group=group, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            return redirect(discussion.get_absolute_url())
    context = {**group_context(request.user, group), "form": form}
    return render(
        request, "clusters/discussion_form.html", context, status=400 if form.is_bound else 200
    )


@require_safe
def discussion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = selectors.get_discussion_for_user(request.user, pk)
    return _render_discussion(request, discussion)


def _render_discussion(request, discussion, *, post_form=None, status=200) -> HttpResponse:
    user = request.user
    posts = list(selectors.discussion_posts(discussion=discussion))
    may_see_hidden = permissions.can_manage_members(user, discussion.group)
    for post in posts:
        post.may_report = permissions.can_report_post(user, post)
    context = {
        **group_context(user, discussion.group),
        "discussion": discussion,
        "posts": posts,
        "may_see_hidden": may_see_hidden,
        "can_post": permissions.can_post(user, discussion),
        "post_form": post_form or PostForm(),
        "report_form": ReportForm(),
        "archive_form": ReasonForm(),
    }
    return render(request, "clusters/discussion_detail.html", context, status=status)


@login_required
@require_POST
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = selectors.get_discussion_for_user(request.user, pk)
    require(permissions.can_post(request.user, discussion))
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_create(
                discussion=discussion, actor=request.user, body=form.cleaned_data["body"]
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            return redirect(f"{discussion.get_absolute_url()}#post-{post.pk}")
    return _render_discussion(request, discussion, post_form=form, status=400)


@login_required
@require_POST
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("discussion"), pk=pk)
    discussion = selectors.get_discussion_for_user(request.user, post.discussion_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what is wrong with the post."))
        return redirect(discussion.get_absolute_url())
    try:
        services.post_report(post=post, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. A curator will look at the post."))
    return redirect(discussion.get_absolute_url())


@login_required
@require_POST
def discussion_archive(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = selectors.get_discussion_for_user(request.user, pk)
    require(permissions.can_manage_members(request.user, discussion.group))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.discussion_archive(discussion=discussion, actor=request.user, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The discussion is archived."))
    return redirect(discussion.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def document_upload(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    group = get_group(request.user, kind, slug)
    require(permissions.can_contribute(request.user, group))
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_upload(
                group=group, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("“%(title)s” is shared.") % {"title": document.title})
            return redirect(group.get_absolute_url())
    context = {**group_context(request.user, group), "form": form}
    return render(
        request, "clusters/document_form.html", context, status=400 if form.is_bound else 200
    )


@require_safe
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Every download is access-checked and arrives as an attachment, never inline."""
    document = selectors.get_document_for_user(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1]
    )
    response["X-Content-Type-Options"] = "nosniff"
    if document.members_only:
        response["Cache-Control"] = "private, no-store"
    return response
