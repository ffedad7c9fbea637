"""Members' submissions and the curators' moderation of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from explore import permissions, selectors, services
from explore.forms import InterestsForm, KnowledgeItemForm, RejectionForm, SolutionForm
from explore.models import KnowledgeItem, Solution
from marketplace.errors import DomainError
from marketplace.permissions import require

KINDS = {"solution": (Solution, SolutionForm), "knowledge": (KnowledgeItem, KnowledgeItemForm)}


def _kind(kind: str):
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


def _get_own_item(user, kind: str, pk: int):
    """The item if the user may edit it; 404 otherwise, so ids reveal nothing."""
    model, _form = _kind(kind)
    item = model.objects.filter(pk=pk).first()
    if item is None or not permissions.can_edit_item(user, item):
        raise Http404
    return item


@login_required
@require_POST
def interests_update(request: HttpRequest) -> HttpResponse:
    require(permissions.can_choose_interests(request.user))
    form = InterestsForm(request.POST)
    if form.is_valid():
        services.interests_update(user=request.user, areas=list(form.cleaned_data["areas"]))
        messages.success(request, _("Your areas of interest were saved."))
    else:
        messages.error(request, _("Choose areas from the list."))
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, kind: str) -> HttpResponse:
    model, form_class = _kind(kind)
    require(permissions.can_submit_content(request.user))
    form = form_class(request.POST or None, request.FILES or None)
    saved = _save_valid_form(
        request,
        form,
        lambda data, submit: services.content_create(
            model=model, author=request.user, data=data, submit=submit
        ),
    )
    if saved:
        return saved
    return render(request, "explore/item_form.html", {"form": form, "kind": kind, "item": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _get_own_item(request.user, kind, pk)
    _model, form_class = _kind(kind)
    form = form_class(request.POST or None, request.FILES or None, instance=item)
    saved = _save_valid_form(
        request,
        form,
        lambda data, submit: services.content_update(
            item=item, actor=request.user, data=data, submit=submit
        ),
    )
    if saved:
        return saved
    return render(request, "explore/item_form.html", {"form": form, "kind": kind, "item": item})


def _save_valid_form(request, form, save) -> HttpResponse | None:
    """Save a posted, valid form through `save(data, submit)`; None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        item = save(form.cleaned_data, "submit" in request.POST)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    messages.success(request, _submitted_message(item))
    return redirect("explore:my-submissions")


def _submitted_message(item) -> str:
    if item.revision_of_id:
        return _("Your edit was sent for review; the published version stays up until then.")
    if item.status == "pending":
        return _("Sent for review. A curator will publish it or tell you what to change.")
    return _("Draft saved. Submit it for review when it is ready.")


@login_required
@require_POST
def item_submit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    item = _get_own_item(request.user, kind, pk)
    try:
        services.content_submit(item=item, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sent for review."))
    return redirect("explore:my-submissions")


@login_required
def my_submissions(request: HttpRequest) -> HttpResponse:
    require(permissions.can_submit_content(request.user))
    return render(
        request, "explore/my_submissions.html", selectors.own_submissions(user=request.user)
    )


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    require(permissions.can_moderate(request.user))
    queue = selectors.moderation_queue_with_changes(user=request.user)
    context = {**queue, "rejection_form": RejectionForm()}
    return render(request, "explore/moderation_queue.html", context)


@login_required
@require_POST
def moderation_decide(request: HttpRequest, kind: str, pk: int, decision: str) -> HttpResponse:
    require(permissions.can_moderate(request.user))
    model, _form = _kind(kind)
    item = get_object_or_404(model, pk=pk)
    try:
        if decision == "publish":
            services.content_publish(item=item, actor=request.user)
            messages.success(request, _("“%(title)s” is published.") % {"title": item.title})
        elif decision == "reject":
            services.content_reject(
                item=item, actor=request.user, reason=request.POST.get("reason", "")
            )
            messages.success(
                request, _("“%(title)s” went back to its author.") % {"title": item.title}
            )
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("explore:moderation-queue")
