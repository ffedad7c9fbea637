"""Cluster and initiative pages, joining and leaving, and proposing initiatives."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusters import permissions, selectors
from clusters.forms import InitiativeProposalForm, JoinForm, ReasonForm
from clusters.models import ActionCluster, MembershipStatus
from clusters.services import initiatives as initiative_services
from clusters.services import memberships as membership_services
from marketplace.errors import DomainError
from marketplace.permissions import require

GROUP_KINDS = ("cluster", "initiative")
DIRECTORY_PAGE_SIZE = 50


def get_group(user, kind: str, slug: str):
    """The cluster or initiative named in the URL, if the user may see it (404 otherwise)."""
    if kind == "cluster":
        return selectors.get_cluster(slug)
    if kind == "initiative":
        return selectors.get_initiative_for_user(user, slug)
    raise Http404


def group_context(user, group) -> dict:
    """What every group page asks about the viewer, asked once here for the templates."""
    membership = permissions.membership_in(user, group)
    return {
        "group": group,
        "kind": "cluster" if isinstance(group, ActionCluster) else "initiative",
        "membership": membership,
        "is_member": permissions.is_group_member(user, group),
        "is_pending": membership is not None and membership.status == MembershipStatus.REQUESTED,
        "can_join": permissions.can_join(user, group),
        "can_contribute": permissions.can_contribute(user, group),
        "can_manage": permissions.can_manage_members(user, group),
        "can_curate": permissions.can_curate(user),
        "can_decide_requests": permissions.can_decide_requests(user),
    }


@require_safe
def cluster_list(request: HttpRequest) -> HttpResponse:
    clusters = list(selectors.cluster_list())
    memberships = permissions.memberships_of(request.user)
    for cluster in clusters:
        cluster.viewer_membership = memberships.get(permissions.group_key(cluster))
    context = {
        "clusters": clusters,
        "can_curate": permissions.can_curate(request.user),
        "can_decide_requests": permissions.can_decide_requests(request.user),
    }
    return render(request, "clusters/cluster_list.html", context)


@require_safe
def cluster_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = selectors.get_cluster(slug)
    context = {
        **group_context(request.user, cluster),
        **selectors.cluster_page(cluster=cluster, user=request.user),
        "cluster": cluster,
        "join_form": JoinForm(),
    }
    return render(request, "clusters/cluster_detail.html", context)


@require_safe
def initiative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = selectors.get_initiative_for_user(request.user, slug)
    context = {
        **group_context(request.user, initiative),
        **selectors.initiative_page(initiative=initiative, user=request.user),
        "initiative": initiative,
        "can_close": permissions.can_close_initiative(request.user, initiative),
        "join_form": JoinForm(),
        "close_form": ReasonForm(),
    }
    return render(request, "clusters/initiative_detail.html", context)


@require_safe
def group_members(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    """The member directory; coordinators and curators also see every request and member."""
    group = get_group(request.user, kind, slug)
    directory = Paginator(selectors.member_directory(group=group), DIRECTORY_PAGE_SIZE)
    context = {
        **group_context(request.user, group),
        "directory": directory.get_page(request.GET.get("page")),
        "memberships": list(selectors.memberships_of_group(group=group, user=request.user)),
    }
    return render(request, "clusters/members.html", context)


@login_required
@require_POST
def group_join(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    group = get_group(request.user, kind, slug)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        membership = membership_services.membership_request(
            group=group, user=request.user, message=message
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if membership.status == MembershipStatus.APPROVED:
            messages.success(request, _("Welcome to %(group)s.") % {"group": group.name})
        else:
            messages.success(
                request, _("Your request is sent. A coordinator will decide and tell you.")
            )
    return redirect(group.get_absolute_url())


@login_required
@require_POST
def group_leave(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    group = get_group(request.user, kind, slug)
    try:
        membership_services.membership_leave(group=group, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You left %(group)s.") % {"group": group.name})
    return redirect(group.get_absolute_url())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def initiative_propose(request: HttpRequest, slug: str) -> HttpResponse:
    cluster = selectors.get_cluster(slug)
    require(permissions.can_propose_initiative(request.user))
    form = InitiativeProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = initiative_services.initiative_propose(
                lead_cluster=cluster, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("Your proposal “%(name)s” is sent; a curator will accept or decline it.")
                % {"name": initiative.name},
            )
            return redirect(initiative.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(
        request,
        "clusters/initiative_propose.html",
        {"cluster": cluster, "form": form},
        status=status,
    )


@login_required
@require_POST
def initiative_close(request: HttpRequest, slug: str) -> HttpResponse:
    initiative = selectors.get_initiative_for_user(request.user, slug)
    require(permissions.can_manage_members(request.user, initiative))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        initiative_services.initiative_close(
            initiative=initiative, actor=request.user, reason=reason
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The initiative is closed."))
    return redirect(initiative.get_absolute_url())
