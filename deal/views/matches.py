"""Deal's hub, investor profiles, plans matched to investors and investors matched to plans.

"Plans for you" and a plan's teaser are the investor's side, "Investors for this plan" the
promoter's; curators start the full re-score here too.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from accounts.permissions import is_curator, is_investor, is_promoter
from deal import permissions, selectors
from deal.forms.matches import InvestorProfileForm, MatchDecisionForm, PlanFilterForm
from deal.matching import WEIGHTS
from deal.models import InvestorProfile
from deal.services import matches as services
from marketplace.errors import DomainError, NotAllowed
from marketplace.permissions import require
from shape.models import PlanStatus, ProjectPlan, Stage
from shape.permissions import can_view_plan, can_view_teaser

PAGE_SIZE = 25
CRITERION_LABELS = {
    "areas": gettext_lazy("Areas"),
    "geography": gettext_lazy("Geography"),
    "ticket": gettext_lazy("Ticket size"),
    "instruments": gettext_lazy("Instruments"),
    "stage": gettext_lazy("Stage"),
    "bankability": gettext_lazy("Bankability"),
}


def _parts(parts: dict) -> list[dict]:
    """Each criterion's fit (0-100 %) and the points it adds to the score."""
    return [
        {
            "name": name,
            "label": CRITERION_LABELS[name],
            "percent": round(100 * float(parts.get(name, 0))),
            "points": round(100 * weight * float(parts.get(name, 0)), 1),
            "weight": round(100 * weight),
        }
        for name, weight in WEIGHTS.items()
    ]


def _explained(matches) -> list:
    for match in matches:
        match.part_list = _parts(match.parts)
    return matches


# --- The hub --------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "is_investor": is_investor(user),
        "is_promoter": is_promoter(user),
        "is_curator": is_curator(user),
    }
    if context["is_investor"]:
        context["own_profile"] = selectors.own_investor_profile(user)
        context["can_keep_profile"] = bool(
            user.organisation_id and permissions.can_keep_investor_profile(user, user.organisation)
        )
    if context["is_promoter"]:
        context["bankable_plans"] = ProjectPlan.objects.filter(
            promoter=user, status=PlanStatus.BANKABLE
        ).order_by("title")
    if context["is_curator"]:
        context["rescore"] = services.rescore_progress()
    return render(request, "deal/index.html", context)


# --- Investor profiles ----------------------------------------------------------------------


def _own_organisation(request: HttpRequest):
    organisation = request.user.organisation
    require(
        organisation is not None
        and permissions.can_keep_investor_profile(request.user, organisation)
    )
    return organisation


@login_required
def profile_mine(request: HttpRequest) -> HttpResponse:
    profile = selectors.own_investor_profile(request.user)
    if profile is not None:
        return redirect("deal:profile-detail", pk=profile.pk)
    _own_organisation(request)
    return redirect("deal:profile-edit")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    organisation = _own_organisation(request)
    profile = InvestorProfile.objects.filter(organisation=organisation).first()
    form = InvestorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.investor_profile_save(
                organisation=organisation, actor=request.user, data=form.cleaned_data
            )
        except NotAllowed as error:
            raise PermissionDenied from error
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Profile saved. Its matches are being re-scored."))
            return redirect("deal:profile-detail", pk=profile.pk)
    context = {"form": form, "profile": profile, "organisation": organisation}
    return render(request, "deal/profile_form.html", context)


def _add_errors(form, error: Exception) -> None:
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def profile_set_active(request: HttpRequest, active: bool) -> HttpResponse:
    organisation = _own_organisation(request)
    profile = InvestorProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        raise Http404
    try:
        services.investor_profile_set_active(profile=profile, actor=request.user, active=active)
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Profile resumed: matches are being computed.")
            if active
            else _("Profile paused: it gets no matches and no requests until you resume it."),
        )
    return redirect("deal:profile-detail", pk=profile.pk)


@login_required
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.get_profile_for_user(request.user, pk)
    user = request.user
    context = {
        "profile": profile,
        "can_edit": permissions.can_keep_investor_profile(user, profile.organisation),
        "can_see_plans": permissions.can_see_plans_for_investor(user, profile),
        "own_plans": selectors.plans_for_requests(user) if is_promoter(user) else [],
        "countries": [countries.name(code) for code in profile.countries],
        "stages": [Stage(stage).label for stage in profile.stages if stage in Stage.values],
    }
    return render(request, "deal/profile_detail.html", context)


# --- Plans for you --------------------------------------------------------------------------


@login_required
def plans_for_you(request: HttpRequest) -> HttpResponse:
    profile = selectors.own_investor_profile(request.user)
    if profile is None:
        if request.user.organisation_id and permissions.can_keep_investor_profile(
            request.user, request.user.organisation
        ):
            messages.info(request, _("Describe what you finance first: plans are matched to it."))
            return redirect("deal:profile-edit")
        raise PermissionDenied
    return _plans_page(request, profile)


@login_required
def profile_plans(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.get_profile_for_user(request.user, pk)
    require(permissions.can_see_plans_for_investor(request.user, profile))
    return _plans_page(request, profile)


def plans_page_data(profile, query, page_number) -> dict:
    """What "Plans for you" shows: a page of precomputed matches, in at most 4 queries."""
    filter_form = PlanFilterForm(query or None)
    filters = filter_form.filters() if query else {}
    matches = selectors.with_plan_areas(
        selectors.plans_for_investor(profile=profile, filters=filters)
    )
    page = Paginator(matches, PAGE_SIZE).get_page(page_number)
    return {
        "profile": profile,
        "filter_form": filter_form,
        "page": page,
        "matches": _explained(list(page.object_list)),
    }


def _plans_page(request: HttpRequest, profile) -> HttpResponse:
    query = request.GET.copy()
    page_number = query.pop("page", ["1"])[-1]
    context = plans_page_data(profile, query, page_number)
    context["query"] = query.urlencode()
    context["can_decide"] = permissions.can_decide_on_match(request.user, profile)
    _mark_teasers(request.user, [match.plan for match in context["matches"]])
    return render(request, "deal/matches_for_investor.html", context)


def _mark_teasers(user, plans) -> None:
    """Link a title only where its teaser opens: a match or a saved plan can outlive the
    plan's bankable state until the re-score catches up, and a dead link helps nobody."""
    for plan in plans:
        plan.teaser_visible = permissions.can_view_plan_teaser(user, plan)


@login_required
def plans_saved(request: HttpRequest) -> HttpResponse:
    profile = selectors.own_investor_profile(request.user)
    require(profile is not None)
    saved = Paginator(selectors.saved_plans(profile=profile), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    saved.object_list = list(saved.object_list)
    _mark_teasers(request.user, [choice.plan for choice in saved.object_list])
    return render(request, "deal/matches_saved.html", {"profile": profile, "page": saved})


@login_required
@require_POST
def match_decide(request: HttpRequest, pk: int, plan_pk: int) -> HttpResponse:
    profile = selectors.get_profile_for_user(request.user, pk)
    require(permissions.can_decide_on_match(request.user, profile))
    plan = ProjectPlan.objects.filter(pk=plan_pk).first()
    form = MatchDecisionForm(request.POST)
    if plan is None or not form.is_valid():
        raise Http404
    decision = form.cleaned_data["decision"]
    try:
        if decision == "clear":
            services.match_decision_clear(profile=profile, plan=plan, actor=request.user)
            messages.success(request, _("Undone."))
        else:
            services.match_decide(profile=profile, plan=plan, actor=request.user, decision=decision)
            messages.success(
                request,
                _("Saved for later.")
                if decision == "saved"
                else _("Dismissed: it stays away until the plan changes."),
            )
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    target = form.cleaned_data.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = ""
    return redirect(target or "deal:plans-for-you")


# --- One bankable plan, as an investor sees it ----------------------------------------------


@login_required
@require_GET
def plan_teaser(request: HttpRequest, pk: int) -> HttpResponse:
    """The teaser of a bankable plan: its facts, the fund's match, and the ways to learn more.

    Whoever may not see the teaser gets a 404, so a plan's existence is not revealed.
    """
    user = request.user
    plan = selectors.get_plan_teaser_for_user(user, pk)
    profile = selectors.own_investor_profile(user)
    match = selectors.fund_match(profile=profile, plan=plan)
    context = {
        "plan": plan,
        "profile": profile,
        "match": _explained([match])[0] if match is not None else None,
        "can_request": profile is not None and permissions.can_request_as_investor(user, profile),
        "can_read_full_plan": permissions.can_read_full_plan(user, plan),
    }
    return render(request, "deal/plan_teaser.html", context)


# --- Investors for this plan ----------------------------------------------------------------


@login_required
def plan_investors(request: HttpRequest, pk: int) -> HttpResponse:
    plan = (
        ProjectPlan.objects.select_related("city")
        .prefetch_related("co_editors")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise Http404
    user = request.user
    if not permissions.can_see_investors_for_plan(user, plan):
        # Who may not even see the plan must not learn it exists.
        require(False, hide=not (can_view_plan(user, plan) or can_view_teaser(user, plan)))
    matches = _explained(list(selectors.investors_for_plan(plan=plan)))
    context = {"plan": plan, "matches": matches, "is_bankable": plan.status == PlanStatus.BANKABLE}
    return render(request, "deal/matches_for_plan.html", context)


# --- The curators' full re-score ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rescore(request: HttpRequest) -> HttpResponse:
    require(permissions.can_run_full_rescore(request.user))
    if request.method == "POST":
        try:
            run_id = services.matches_rescore_request(actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("deal:rescore")
        messages.success(request, _("Full re-score started."))
        return redirect("deal:rescore-progress", run_id=run_id)
    context = {"progress": services.rescore_progress(), "running": services.rescore_running()}
    return render(request, "deal/matches_rescore.html", context)


@login_required
def rescore_progress(request: HttpRequest, run_id: str) -> HttpResponse:
    require(permissions.can_run_full_rescore(request.user))
    progress = services.rescore_progress(run_id)
    if progress is None:
        raise Http404
    context = {"progress": progress, "running": services.rescore_running()}
    if request.headers.get("HX-Request"):
        return render(request, "deal/matches_rescore_status.html", context)
    return render(request, "deal/matches_rescore.html", context)
