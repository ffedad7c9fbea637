"""Deal request pages: sending one, the investor inbox, sent requests, a request and its answer.

A request the user is on neither side of answers 404 (curators see all), so nobody learns
which plans talk to which funds. Every action is a POST form with its CSRF token.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_investor, is_promoter
from deal import permissions, selectors
from deal.forms.requests import DealRequestForm, DeclineForm, RequestFilterForm
from deal.models import DealRequest, InvestorProfile
from deal.services import requests as services
from marketplace.errors import DomainError, NotAllowed, StateConflict
from marketplace.permissions import require
from shape.models import PlanStatus, ProjectPlan
from shape.permissions import can_view_plan, can_view_teaser, is_plan_editor

PAGE_SIZE = 25


def _add_errors(form: Form, error: Exception) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    if isinstance(error, DomainError):
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return
    for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


def _id_from_query(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


# --- Sending ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    """`?plan=<id>&profile=<id>`: a plan's team picks an investor; an investor asks about a plan."""
    user = request.user
    plan_id = _id_from_query(request, "plan")
    plan = ProjectPlan.objects.filter(pk=plan_id).first() if plan_id else None
    if plan is not None and is_plan_editor(user, plan):
        return _send_as_promoter(request, plan)
    if plan is not None:
        # Anyone else must be an investor who may see this plan's teaser; others learn nothing.
        if not can_view_teaser(user, plan) or not is_investor(user):
            raise Http404
        return _send_as_investor(request, plan)
    if selectors.plans_for_requests(user).exists():
        return _send_as_promoter(request, None)
    if is_investor(user):
        messages.info(request, _("Choose a plan from “Plans for you” to ask its promoter."))
        return redirect("deal:index")
    require(is_promoter(user))
    context = {"form": None, "plan": None, "profile": None, "as_investor": False}
    return render(request, "deal/request_form.html", context)


def _send_as_promoter(request: HttpRequest, plan: ProjectPlan | None) -> HttpResponse:
    user = request.user
    plans = selectors.plans_for_requests(user)
    if plan is not None and plan.status != PlanStatus.BANKABLE:
        # Kept in the list so that sending says why it cannot go, instead of "invalid choice".
        plans = ProjectPlan.objects.filter(Q(pk__in=plans.values("pk")) | Q(pk=plan.pk))
    profiles = selectors.profiles_for_promoter(user)
    initial = {"plan": plan, "profile": _id_from_query(request, "profile")}
    form = DealRequestForm(request.POST or None, plans=plans, profiles=profiles, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent = _send(request, form, data["plan"], data["profile"])
        if sent is not None:
            return sent
    context = {"form": form, "plan": plan, "profile": None, "as_investor": False}
    if plan is not None and plan.status != PlanStatus.BANKABLE:
        context["not_bankable"] = True
    return render(request, "deal/request_form.html", context)


def _send_as_investor(request: HttpRequest, plan: ProjectPlan) -> HttpResponse:
    user = request.user
    profile = (
        InvestorProfile.objects.select_related("organisation")
        .filter(organisation_id=user.organisation_id)
        .first()
        if user.organisation_confirmed and user.organisation_id
        else None
    )
    form = DealRequestForm(request.POST or None)
    if profile is None:
        context = {"form": None, "plan": plan, "profile": None, "as_investor": True}
        return render(request, "deal/request_form.html", context)
    if request.method == "POST" and form.is_valid():
        sent = _send(request, form, plan, profile)
        if sent is not None:
            return sent
    context = {"form": form, "plan": plan, "profile": profile, "as_investor": True}
    return render(request, "deal/request_form.html", context)


def _send(request, form, plan, profile) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        deal_request = services.request_send(
            actor=request.user,
            plan=plan,
            profile=profile,
            instrument=data["instrument"],
            amount_eur=data["amount_eur"],
            message=data["message"],
        )
    except (DomainError, ValidationError) as error:
        _add_errors(form, error)
        return None
    messages.success(request, _("Request sent. You will be told when they answer."))
    return redirect("deal:request-detail", pk=deal_request.pk)


# --- Lists -----------------------------------------------------------------------------------


def _page(request: HttpRequest, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    gaps = selectors.decline_gaps_for(user=request.user, requests=page.object_list)
    for deal_request in page.object_list:
        deal_request.gaps = gaps.get(deal_request.pk, [])
        deal_request.is_pending = deal_request.status == DealRequest.Status.PENDING
        deal_request.overdue = deal_request.is_pending and deal_request.respond_by < now
    return page


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def request_inbox(request: HttpRequest) -> HttpResponse:
    """The requests between the investor's fund and promoters, the most urgent first."""
    user = request.user
    require(permissions.can_read_request_inbox(user))
    filter_form = RequestFilterForm(request.GET or None)
    rows = selectors.request_inbox(user=user, filters=filter_form.filters())
    context = {
        "filter_form": filter_form,
        "page": _page(request, rows),
        "query": _query_without_page(request),
    }
    return render(request, "deal/request_inbox.html", context)


@login_required
def request_sent(request: HttpRequest) -> HttpResponse:
    """What the user's side asked: their plans' requests, and those their fund sent."""
    filter_form = RequestFilterForm(request.GET or None)
    rows = selectors.requests_sent(user=request.user, filters=filter_form.filters())
    context = {
        "can_read_inbox": permissions.can_read_request_inbox(request.user),
        "filter_form": filter_form,
        "page": _page(request, rows),
        "query": _query_without_page(request),
    }
    return render(request, "deal/request_sent.html", context)


# --- One request and its answer --------------------------------------------------------------


def _detail(
    request: HttpRequest, deal_request: DealRequest, *, decline_form=None, status: int = 200
) -> HttpResponse:
    user = request.user
    gaps = selectors.decline_gaps_for(user=user, requests=[deal_request]).get(deal_request.pk, [])
    context = {
        "deal_request": deal_request,
        "plan": deal_request.plan,
        "timeline": selectors.request_timeline(deal_request),
        "gaps": gaps,
        "can_answer": permissions.can_answer_request(user, deal_request),
        "can_withdraw": permissions.can_withdraw_request(user, deal_request),
        "can_read_plan": can_view_plan(user, deal_request.plan),
        "is_promoter_side": permissions.is_request_promoter_side(user, deal_request),
        "decline_form": decline_form or DeclineForm(),
        "is_pending": deal_request.status == DealRequest.Status.PENDING,
        "is_declined": deal_request.status == DealRequest.Status.DECLINED,
        "overdue": deal_request.status == DealRequest.Status.PENDING
        and deal_request.respond_by < timezone.now(),
        "room": getattr(deal_request, "room", None),
    }
    if context["room"] is not None:
        context["room_url"] = services.room_url(context["room"])
    return render(request, "deal/request_detail.html", context, status=status)


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.get_request_for_user(request.user, pk))


def _refused(request, deal_request, error: DomainError, *, decline_form=None) -> HttpResponse:
    """The service said no: 403 for who, 409 for when, shown on the page with the reason."""
    if isinstance(error, NotAllowed):
        require(False)
    fresh = selectors.get_request_for_user(request.user, deal_request.pk)
    messages.error(request, error.message)
    status = 409 if isinstance(error, StateConflict) else 400
    return _detail(request, fresh, decline_form=decline_form, status=status)


@login_required
@require_POST
def request_accept(request: HttpRequest, pk: int) -> HttpResponse:
    deal_request = selectors.get_request_for_user(request.user, pk)
    try:
        room = services.request_accept(deal_request=deal_request, actor=request.user)
    except DomainError as error:
        return _refused(request, deal_request, error)
    messages.success(request, _("Request accepted. The deal room is open for both of you."))
    return redirect(services.room_url(room))


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    deal_request = selectors.get_request_for_user(request.user, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        # What was ticked and typed stays on the page with the message.
        return _detail(request, deal_request, decline_form=form, status=400)
    try:
        services.request_decline(
            deal_request=deal_request,
            actor=request.user,
            reasons=form.cleaned_data["reasons"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        if not isinstance(error, StateConflict | NotAllowed):
            _add_errors(form, error)
            return _detail(request, deal_request, decline_form=form, status=400)
        return _refused(request, deal_request, error, decline_form=form)
    messages.success(request, _("Request declined. The other side sees your reasons."))
    return redirect("deal:request-detail", pk=deal_request.pk)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    deal_request = selectors.get_request_for_user(request.user, pk)
    try:
        services.request_withdraw(deal_request=deal_request, actor=request.user)
    except DomainError as error:
        return _refused(request, deal_request, error)
    messages.success(request, _("Request withdrawn."))
    return redirect("deal:request-detail", pk=deal_request.pk)
