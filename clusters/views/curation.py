"""Membership requests for coordinators, and the curators' dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from clusters import permissions, selectors
from clusters.forms import (
    BulkModerationForm,
    BulkProposalForm,
    BulkReportForm,
    BulkRequestForm,
    FeatureForm,
    ReasonForm,
)
from clusters.models import FeaturedItem, Initiative, PostReport
from clusters.services import curation, initiatives, memberships
from clusters.services import discussions as discussion_services
from explore import selectors as explore_selectors
from explore.models import KnowledgeItem, ReferenceProject, Solution
from marketplace.errors import DomainError
from marketplace.permissions import require

MODERATED_KINDS = {"solution": Solution, "knowledge": KnowledgeItem}
FEATURE_KINDS = {"solution": Solution, "project": ReferenceProject, "knowledge": KnowledgeItem}
RECENTLY_PUBLISHED = 8
# The bulk forms share field names with the moderation form on the same page.
REQUESTS_PREFIX = "requests"
PROPOSALS_PREFIX = "proposals"
REPORTS_PREFIX = "reports"


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


# --- Membership requests (coordinators and curators) -------------------------------------------


@login_required
@require_safe
def membership_requests(request: HttpRequest) -> HttpResponse:
    require(permissions.can_decide_requests(request.user))
    context = {
        "requests": list(selectors.pending_requests(user=request.user)),
        "can_curate": permissions.can_curate(request.user),
        "can_decide_requests": True,
    }
    return render(request, "clusters/requests.html", context)


@login_required
@require_POST
def membership_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    membership = selectors.get_request_for_user(request.user, pk)
    reason = _reason(request)
    try:
        if decision == "approve":
            memberships.membership_approve(membership=membership, actor=request.user, reason=reason)
            messages.success(
                request, _("%(person)s is a member now.") % {"person": membership.user}
            )
        elif decision == "reject":
            memberships.membership_reject(membership=membership, actor=request.user, reason=reason)
            messages.success(
                request, _("The request of %(person)s is declined.") % {"person": membership.user}
            )
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    back = "clusters:dashboard" if request.POST.get("next") == "dashboard" else "clusters:requests"
    return redirect(back)


@login_required
@require_POST
def coordinator_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_curate(request.user))
    membership = selectors.get_request_for_user(request.user, pk)
    try:
        memberships.coordinator_appoint(
            group=membership.group, user=membership.user, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(person)s coordinates now.") % {"person": membership.user})
    kind = "cluster" if membership.cluster_id else "initiative"
    return redirect("clusters:group-members", kind=kind, slug=membership.group.slug)


# --- The curator dashboard ---------------------------------------------------------------------


def _queue_choices(solutions, knowledge) -> list[tuple[str, str]]:
    return [(f"solution:{item.pk}", item.title) for item in solutions] + [
        (f"knowledge:{item.pk}", item.title) for item in knowledge
    ]


def _recently_published() -> list:
    solutions = explore_selectors.published_solutions().order_by("-published_at", "-id")
    knowledge = explore_selectors.published_knowledge().order_by("-published_at", "-id")
    recent = [
        ("solution", item)
        for item in solutions.only("title", "slug", "published_at")[:RECENTLY_PUBLISHED]
    ]
    recent += [
        ("knowledge", item)
        for item in knowledge.only("title", "slug", "published_at")[:RECENTLY_PUBLISHED]
    ]
    return sorted(recent, key=lambda pair: pair[1].published_at, reverse=True)[:RECENTLY_PUBLISHED]


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    require(permissions.can_curate(request.user))
    return _render_dashboard(request)


def _request_choices(requests) -> list[tuple[str, str]]:
    return [
        (str(membership.pk), f"{membership.user} → {membership.group.name}")
        for membership in requests
    ]


def _proposal_choices(proposals) -> list[tuple[str, str]]:
    return [(str(initiative.pk), initiative.name) for initiative in proposals]


def _report_label(report: PostReport) -> str:
    return _("%(discussion)s: “%(post)s”, reported by %(reporter)s") % {
        "discussion": report.post.discussion.title,
        "post": report.post,
        "reporter": report.reporter,
    }


def _report_choices(reports) -> list[tuple[str, str]]:
    return [(str(report.pk), _report_label(report)) for report in reports]


def _render_dashboard(
    request,
    *,
    bulk_form=None,
    requests_form=None,
    proposals_form=None,
    reports_form=None,
    feature_form=None,
    status=200,
) -> HttpResponse:
    context = selectors.curator_dashboard(user=request.user)
    choices = _queue_choices(context["solutions"], context["knowledge"])
    context.update(
        bulk_form=bulk_form or BulkModerationForm(choices=choices),
        requests_form=requests_form
        or BulkRequestForm(choices=_request_choices(context["requests"]), prefix=REQUESTS_PREFIX),
        proposals_form=proposals_form
        or BulkProposalForm(
            choices=_proposal_choices(context["proposals"]), prefix=PROPOSALS_PREFIX
        ),
        reports_form=reports_form
        or BulkReportForm(choices=_report_choices(context["reports"]), prefix=REPORTS_PREFIX),
        feature_form=feature_form or FeatureForm(),
        reason_form=ReasonForm(),
        recently_published=_recently_published(),
    )
    return render(request, "clusters/dashboard.html", context, status=status)


def _queued_items(values: list[str]) -> list:
    wanted: dict[str, list[int]] = {}
    for value in values:
        kind, _sep, pk = value.partition(":")
        wanted.setdefault(kind, []).append(int(pk))
    items = []
    for kind, pks in wanted.items():
        items += list(MODERATED_KINDS[kind].objects.filter(pk__in=pks))
    return items


@login_required
@require_POST
def moderation_bulk(request: HttpRequest) -> HttpResponse:
    require(permissions.can_curate(request.user))
    queue = explore_selectors.moderation_queue(user=request.user)
    form = BulkModerationForm(
        request.POST, choices=_queue_choices(queue["solutions"], queue["knowledge"])
    )
    if not form.is_valid():
        return _render_dashboard(request, bulk_form=form, status=400)
    outcome = curation.moderation_bulk_decide(
        items=_queued_items(form.cleaned_data["items"]),
        action=form.cleaned_data["action"],
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )
    return _announce_outcome(
        request,
        outcome,
        decided=lambda titles: _("Decided: %(titles)s.") % {"titles": titles},
        name_of=str,
    )


def _announce_outcome(
    request: HttpRequest, outcome, *, decided, name_of, separator: str = ", "
) -> HttpResponse:
    """Tell the curator what a bulk action decided and what it skipped, on the dashboard.

    `decided(names)` words the success message; `name_of(item)` names one item.
    """
    if outcome.done:
        messages.success(request, decided(separator.join(name_of(item) for item in outcome.done)))
    for item, message in outcome.skipped:
        messages.error(request, f"{name_of(item)}: {message}")
    return redirect("clusters:dashboard")


@login_required
@require_POST
def membership_bulk(request: HttpRequest) -> HttpResponse:
    require(permissions.can_curate(request.user))
    pending = list(selectors.pending_requests(user=request.user))
    form = BulkRequestForm(request.POST, choices=_request_choices(pending), prefix=REQUESTS_PREFIX)
    if not form.is_valid():
        return _render_dashboard(request, requests_form=form, status=400)
    chosen = {int(pk) for pk in form.cleaned_data["requests"]}
    outcome = curation.membership_bulk_decide(
        memberships=[membership for membership in pending if membership.pk in chosen],
        action=form.cleaned_data["action"],
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )
    return _announce_outcome(
        request,
        outcome,
        decided=lambda people: _("Decided for: %(people)s.") % {"people": people},
        name_of=lambda membership: str(membership.user),
    )


@login_required
@require_POST
def proposal_bulk(request: HttpRequest) -> HttpResponse:
    require(permissions.can_curate(request.user))
    pending = list(selectors.proposed_initiatives())
    form = BulkProposalForm(
        request.POST, choices=_proposal_choices(pending), prefix=PROPOSALS_PREFIX
    )
    if not form.is_valid():
        return _render_dashboard(request, proposals_form=form, status=400)
    chosen = {int(pk) for pk in form.cleaned_data["proposals"]}
    action = form.cleaned_data["action"]
    try:
        outcome = curation.proposal_bulk_decide(
            initiatives=[initiative for initiative in pending if initiative.pk in chosen],
            action=action,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        form.add_error(error.field, error.message)
        return _render_dashboard(request, proposals_form=form, status=400)
    if action == curation.ProposalBulkAction.ACCEPT:
        done = _("Accepted: %(names)s.")
    else:
        done = _("Declined: %(names)s.")
    return _announce_outcome(
        request,
        outcome,
        decided=lambda names: done % {"names": names},
        name_of=lambda initiative: initiative.name,
    )


@login_required
@require_POST
def report_bulk(request: HttpRequest) -> HttpResponse:
    require(permissions.can_curate(request.user))
    pending = list(selectors.open_reports())
    form = BulkReportForm(request.POST, choices=_report_choices(pending), prefix=REPORTS_PREFIX)
    if not form.is_valid():
        return _render_dashboard(request, reports_form=form, status=400)
    chosen = [report for report in pending if str(report.pk) in form.cleaned_data["reports"]]
    # Labelled from the reports loaded here: the decided ones come back without the joins.
    labels = {report.pk: _report_label(report) for report in chosen}
    action = form.cleaned_data["action"]
    try:
        outcome = curation.report_bulk_decide(
            reports=chosen, action=action, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        form.add_error(error.field, error.message)
        return _render_dashboard(request, reports_form=form, status=400)
    if action == curation.ReportBulkAction.HIDE:
        done = _("Posts hidden: %(reports)s.")
    else:
        done = _("Reports dismissed: %(reports)s.")
    return _announce_outcome(
        request,
        outcome,
        decided=lambda reports: done % {"reports": reports},
        name_of=lambda report: labels[report.pk],
        separator="; ",
    )


@login_required
@require_POST
def proposal_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require(permissions.can_curate(request.user))
    initiative = get_object_or_404(Initiative, pk=pk)
    reason = _reason(request)
    try:
        if decision == "accept":
            initiatives.initiative_accept(initiative=initiative, actor=request.user, reason=reason)
            messages.success(request, _("“%(name)s” is active.") % {"name": initiative.name})
        elif decision == "decline":
            initiatives.initiative_decline(initiative=initiative, actor=request.user, reason=reason)
            messages.success(request, _("“%(name)s” is declined.") % {"name": initiative.name})
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clusters:dashboard")


@login_required
@require_POST
def report_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    require(permissions.can_curate(request.user))
    report = get_object_or_404(PostReport, pk=pk)
    reason = _reason(request)
    try:
        if decision == "hide":
            discussion_services.report_hide_post(report=report, actor=request.user, reason=reason)
            messages.success(request, _("The post is hidden."))
        elif decision == "dismiss":
            discussion_services.report_dismiss(report=report, actor=request.user, reason=reason)
            messages.success(request, _("The report is dismissed."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("clusters:dashboard")


@login_required
@require_POST
def feature_add(request: HttpRequest) -> HttpResponse:
    require(permissions.can_curate(request.user))
    form = FeatureForm(request.POST)
    if not form.is_valid():
        return _render_dashboard(request, feature_form=form, status=400)
    model = FEATURE_KINDS[form.cleaned_data["kind"]]
    item = model.objects.filter(slug=form.cleaned_data["reference"]).first()
    if item is None:
        form.add_error("reference", _("Nothing of that kind has this address."))
        return _render_dashboard(request, feature_form=form, status=400)
    cluster = form.cleaned_data["cluster"]
    try:
        curation.content_feature(cluster=cluster, item=item, actor=request.user)
    except DomainError as error:
        form.add_error("reference", error.message)
        return _render_dashboard(request, feature_form=form, status=400)
    messages.success(
        request,
        _("“%(item)s” is featured on %(cluster)s.") % {"item": item, "cluster": cluster.name},
    )
    return redirect("clusters:dashboard")


@login_required
@require_POST
def feature_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require(permissions.can_curate(request.user))
    featured = get_object_or_404(FeaturedItem.objects.select_related("cluster"), pk=pk)
    try:
        curation.feature_remove(featured=featured, actor=request.user, reason=_reason(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("No longer featured."))
    return redirect("clusters:dashboard")
