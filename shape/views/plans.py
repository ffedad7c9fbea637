"""Shape's plan pages: the overview, the step-by-step editor, the plan and its review."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import is_curator, is_investor, is_promoter
from marketplace.errors import DomainError, NotAllowed
from marketplace.permissions import require
from shape import eligibility, forms, permissions, selectors
from shape.models import PlanStatus, ProjectPlan
from shape.services import plans as services
from shape.steps import STEPS, STEPS_BY_SLUG, missing_by_step

# --- Helpers --------------------------------------------------------------------------------


def _add_errors(form: Form, error: Exception) -> None:
    """Show a service's refusal on the form: on its field when the form has it."""
    if isinstance(error, DomainError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _progress(plan: ProjectPlan | None, current: str) -> list[dict]:
    missing = missing_by_step(plan) if plan else {}
    return [
        {
            "step": step,
            "missing": missing.get(step.slug, []),
            "started": plan is not None,
            "current": step.slug == current,
        }
        for step in STEPS
    ]


def _next_step(slug: str) -> str | None:
    slugs = [step.slug for step in STEPS]
    position = slugs.index(slug)
    return slugs[position + 1] if position + 1 < len(slugs) else None


# --- Overview -------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "is_promoter": is_promoter(user),
        "is_curator": is_curator(user),
        "is_investor": is_investor(user),
    }
    if context["is_promoter"]:
        context["plans"] = selectors.own_plans(user=user)
    if context["is_investor"]:
        context["teasers"] = selectors.bankable_teasers(user=user)
    if context["is_curator"]:
        context["waiting"] = selectors.review_queue(user=user).count()
    return render(request, "shape/index.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require(is_curator(request.user))
    plans = selectors.review_queue(user=request.user)
    return render(request, "shape/review_queue.html", {"plans": plans})


# --- The editor -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    require(permissions.can_create_plan(request.user))
    form = forms.BasicsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(promoter=request.user, data=form.cleaned_data)
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Carry on with the next step."))
            return redirect("shape:plan-edit", pk=plan.pk, step=_next_step("basics"))
    context = {"form": form, "plan": None, "step": STEPS_BY_SLUG["basics"]}
    context["progress"] = _progress(None, "basics")
    return render(request, "shape/plan_step.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS_BY_SLUG:
        raise Http404
    plan = selectors.get_plan_for_user(request.user, pk, write=True)
    if step in forms.STEP_FORMS:
        return _edit_fields(request, plan, step)
    return _edit_parts(request, plan, step)


def _edit_fields(request: HttpRequest, plan: ProjectPlan, step: str) -> HttpResponse:
    form = forms.STEP_FORMS[step](request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, data=form.cleaned_data)
        except (DomainError, ValidationError) as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            following = _next_step(step)
            if "continue" in request.POST and following:
                return redirect("shape:plan-edit", pk=plan.pk, step=following)
            return redirect("shape:plan-edit", pk=plan.pk, step=step)
    return _render_step(request, plan, step, form=form)


# The list steps: which forms each shows, keyed by the `part` a posted form names.
PART_FORMS = {
    "impact": {"impact": forms.ImpactTargetForm},
    "delivery": {"milestone": forms.MilestoneForm, "risk": forms.RiskForm},
    "documents": {"attachment": forms.AttachmentForm},
}
PART_ADD = {
    "impact": services.impact_target_add,
    "milestone": services.milestone_add,
    "risk": services.risk_add,
}


def _edit_parts(request: HttpRequest, plan: ProjectPlan, step: str) -> HttpResponse:
    part_forms = {kind: form_class(prefix=kind) for kind, form_class in PART_FORMS[step].items()}
    if request.method == "POST":
        kind = request.POST.get("part")
        if kind not in part_forms:
            messages.error(request, _("Choose what to add."))
            return redirect("shape:plan-edit", pk=plan.pk, step=step)
        form = PART_FORMS[step][kind](request.POST, request.FILES, prefix=kind)
        part_forms[kind] = form
        if form.is_valid():
            try:
                _part_add(plan, request.user, kind, form.cleaned_data)
            except (DomainError, ValidationError) as error:
                if isinstance(error, NotAllowed):
                    raise PermissionDenied from error
                _add_errors(form, error)
            else:
                messages.success(request, _("Added."))
                return redirect("shape:plan-edit", pk=plan.pk, step=step)
    return _render_step(request, plan, step, part_forms=part_forms)


def _part_add(plan, actor, kind: str, data: dict):
    if kind == "attachment":
        return services.attachment_add(plan=plan, actor=actor, **data)
    return PART_ADD[kind](plan=plan, actor=actor, data=data)


def _render_step(request, plan, step: str, *, form=None, part_forms=None) -> HttpResponse:
    detail = selectors.plan_detail(plan=plan)
    context = {
        "plan": detail,
        "step": STEPS_BY_SLUG[step],
        "next_step": _next_step(step),
        "form": form,
        "part_forms": part_forms or {},
        "progress": _progress(detail, step),
    }
    return render(request, "shape/plan_step.html", context)


@login_required
@require_POST
def plan_part_remove(request: HttpRequest, pk: int, step: str, kind: str, part: int):
    if step not in PART_FORMS or kind not in PART_FORMS[step]:
        raise Http404
    plan = selectors.get_plan_for_user(request.user, pk, write=True)
    try:
        services.plan_part_remove(plan=plan, actor=request.user, kind=kind, pk=part)
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Removed."))
    return redirect("shape:plan-edit", pk=plan.pk, step=step)


# --- The plan and its workflow --------------------------------------------------------------


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_detail(plan=selectors.get_plan_for_user(request.user, pk))
    user = request.user
    editor = permissions.is_plan_editor(user, plan)
    curator = permissions.can_review_plan(user, plan)
    context = {
        "plan": plan,
        "is_editor": editor,
        "is_promoter": plan.promoter_id == user.pk,
        "can_edit": permissions.can_edit_plan(user, plan),
        "can_submit": editor and plan.status in permissions.EDITABLE_STATUSES,
        "can_withdraw": permissions.can_withdraw_plan(user, plan)
        and plan.status not in {PlanStatus.WITHDRAWN, PlanStatus.REJECTED},
        "can_start_review": curator
        and plan.status in {PlanStatus.SUBMITTED, PlanStatus.RESUBMITTED},
        "can_decide": curator and plan.status == PlanStatus.IN_REVIEW,
        "is_curator": curator,
        "missing": services.plan_missing(plan) if editor else [],
        "first_step": STEPS[0].slug,
        "decision_form": forms.DecisionForm(),
        "co_editor_form": forms.CoEditorForm(),
        "can_share": permissions.can_share_plan(user, plan),
        "shares": plan.shares.select_related("investor") if plan.promoter_id == user.pk else [],
        "facilities": eligibility.facility_checks(plan),
        "facilities_note": eligibility.FACILITIES_NOTE,
    }
    if curator:
        context["review_comment_form"] = forms.ReviewCommentForm(plan=plan)
    context["review_comments"] = plan.review_comments.select_related("author", "item")
    versions = list(plan.versions.all())
    if len(versions) >= 2:
        context["compare_form"] = forms.VersionCompareForm(
            initial={"a": versions[1].number, "b": versions[0].number},
            numbers=[version.number for version in versions],
        )
    return render(request, "shape/plan_detail.html", context)


TRANSITIONS = {
    "submit": (services.plan_submit, gettext_lazy("The plan was sent for review.")),
    "withdraw": (services.plan_withdraw, gettext_lazy("The plan was withdrawn.")),
    "review-start": (services.plan_review_start, gettext_lazy("Review started.")),
    "changes-request": (services.plan_changes_request, gettext_lazy("Changes were requested.")),
    "mark-bankable": (services.plan_mark_bankable, gettext_lazy("The plan is marked bankable.")),
    "reject": (services.plan_reject, gettext_lazy("The plan was rejected.")),
}
WITH_COMMENT = {"withdraw", "changes-request", "mark-bankable", "reject"}


@login_required
@require_POST
def plan_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step; the service checks the state and who may make it."""
    plan = selectors.get_plan_for_user(request.user, pk)
    service, done = TRANSITIONS[action]
    kwargs = {"plan": plan, "actor": request.user}
    if action in WITH_COMMENT:
        kwargs["comment"] = request.POST.get("comment", "")
    if action == "withdraw" and not request.POST.get("confirm"):
        messages.error(request, _("Tick the box to confirm that you withdraw the plan."))
        return redirect(plan)
    try:
        service(**kwargs)
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
    return redirect(plan)


@login_required
@require_POST
def review_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    require(permissions.can_review_plan(request.user, plan))
    form = forms.ReviewCommentForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, _("Write a comment and pick an item from the list, or none."))
        return redirect(plan)
    try:
        services.review_comment_add(
            plan=plan,
            actor=request.user,
            body=form.cleaned_data["body"],
            item=form.cleaned_data["item"],
        )
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your comment was added."))
    return redirect(plan)


@login_required
@require_POST
def co_editor_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    require(plan.promoter_id == request.user.pk)
    return _with_member_by_email(
        request,
        plan,
        lambda person: services.co_editor_add(plan=plan, user=person, actor=request.user),
        _("%(name)s can now edit the plan."),
    )


@login_required
@require_POST
def plan_share(request: HttpRequest, pk: int) -> HttpResponse:
    """The promoter opens the full bankable plan to one investor."""
    plan = selectors.get_plan_for_user(request.user, pk)
    require(permissions.can_share_plan(request.user, plan))
    return _with_member_by_email(
        request,
        plan,
        lambda person: services.plan_share(plan=plan, investor=person, actor=request.user),
        _("%(name)s can now read the full plan."),
    )


def _with_member_by_email(request, plan, act, success: str) -> HttpResponse:
    """Run `act(person)` for the member whose e-mail was posted, reporting the outcome."""
    form = forms.CoEditorForm(request.POST)
    person = None
    if form.is_valid():
        person = (
            get_user_model()
            .objects.filter(email__iexact=form.cleaned_data["email"], is_active=True)
            .first()
        )
    if person is None:
        messages.error(request, _("No member has that e-mail address."))
        return redirect(plan)
    try:
        act(person)
    except NotAllowed as error:
        raise PermissionDenied from error
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success % {"name": person})
    return redirect(plan)


@login_required
@require_POST
def co_editor_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    require(plan.promoter_id == request.user.pk)
    person = plan.co_editors.filter(pk=user_pk).first()
    if person is None:
        raise Http404
    try:
        services.co_editor_remove(plan=plan, user=person, actor=request.user)
    except NotAllowed as error:
        raise PermissionDenied from error
    messages.success(request, _("%(name)s no longer edits the plan.") % {"name": person})
    return redirect(plan)


# --- Versions -------------------------------------------------------------------------------


@login_required
def plan_versions(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.get_plan_for_user(request.user, pk)
    numbers = list(plan.versions.values_list("number", flat=True))
    if not numbers:
        raise Http404
    default = {"a": numbers[1] if len(numbers) > 1 else numbers[0], "b": numbers[0]}
    form = forms.VersionCompareForm(request.GET or default, numbers=numbers)
    if not form.is_valid():
        raise Http404
    first, second = selectors.plan_versions(
        plan=plan, first=form.cleaned_data["a"], second=form.cleaned_data["b"]
    )
    context = {
        "plan": plan,
        "form": form,
        "first": first,
        "second": second,
        "rows": _compare_rows(first.snapshot, second.snapshot),
    }
    return render(request, "shape/plan_versions.html", context)


def _compare_rows(first: dict, second: dict) -> list[dict]:
    labels = {
        field.name: field.verbose_name
        for field in ProjectPlan._meta.get_fields()
        if hasattr(field, "verbose_name")
    }
    labels.update(
        {
            "impact_targets": _("Impact targets"),
            "milestones": _("Milestones"),
            "risks": _("Risks"),
            "checklist": _("Checklist answers"),
        }
    )
    names = list(first) + [name for name in second if name not in first]
    return [
        {
            "label": str(labels.get(name, name)).capitalize(),
            "a": _display(first.get(name)),
            "b": _display(second.get(name)),
            "changed": first.get(name) != second.get(name),
        }
        for name in names
    ]


def _display(value) -> list[str]:
    """A snapshot value as lines of text."""
    if value in (None, "", [], {}):
        return []
    if isinstance(value, dict):
        return [f"{key}: {item}" for key, item in value.items()]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]
