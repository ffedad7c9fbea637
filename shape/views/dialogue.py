"""Stakeholder invitations and the plan dialogue: pages, actions and the printable log."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import is_curator
from marketplace.errors import DomainError
from marketplace.permissions import require
from shape import permissions, selectors
from shape.models import ChecklistItem, DialogueThread, ProjectPlan, StakeholderRole
from shape.services import dialogue as services


class InvitationForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=StakeholderRole.choices)


class ThreadForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    item = forms.ModelChoiceField(
        label=gettext_lazy("About the checklist item (optional)"),
        queryset=ChecklistItem.objects.none(),
        required=False,
    )

    def __init__(self, *args, plan: ProjectPlan, **kwargs):
        super().__init__(*args, **kwargs)
        if plan.checklist_template_id is None:
            del self.fields["item"]
        else:
            self.fields["item"].queryset = ChecklistItem.objects.filter(
                dimension__template_id=plan.checklist_template_id
            ).select_related("dimension")


class ReplyForm(forms.Form):
    body = forms.CharField(label=gettext_lazy("Your reply"), widget=forms.Textarea)


def _get_plan(user, pk: int, *, act=None) -> ProjectPlan:
    """The plan if the user may view it (404 otherwise); 403 when `act(user, plan)` is false."""
    plan = selectors.get_plan_for_user(user, pk)
    if act is not None:
        require(act(user, plan))
    return plan


def _get_thread(plan: ProjectPlan, thread_pk: int) -> DialogueThread:
    thread = plan.threads.select_related("plan").filter(pk=thread_pk).first()
    if thread is None:
        raise Http404
    return thread


# --- The dialogue -----------------------------------------------------------------------------


@login_required
@require_GET
def plan_dialogue(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    return _render_dialogue(request, plan)


def _render_dialogue(
    request, plan, *, thread_form=None, reply_form=None, reply_thread_id=None, status=200
) -> HttpResponse:
    user = request.user
    can_discuss = permissions.can_discuss_plan(user, plan)
    threads = list(services.dialogue_threads(plan=plan))
    # Asked once for the page, not per thread (see permissions.can_resolve_thread).
    moderates = can_discuss and (is_curator(user) or permissions.is_plan_editor(user, plan))
    for thread in threads:
        thread.may_resolve = can_discuss and (moderates or thread.started_by_id == user.pk)
        thread.reply_errors = (
            reply_form.errors.get("body", [])
            if (reply_form is not None and thread.pk == reply_thread_id)
            else []
        )
    context = {
        "plan": plan,
        "threads": threads,
        "open_count": sum(1 for thread in threads if thread.resolved_at is None),
        "can_discuss": can_discuss,
        "thread_form": thread_form or (ThreadForm(plan=plan) if can_discuss else None),
    }
    return render(request, "shape/dialogue.html", context, status=status)


@login_required
@require_POST
def dialogue_thread_start(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk, act=permissions.can_discuss_plan)
    form = ThreadForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            thread = services.dialogue_thread_start(
                plan=plan,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                item=form.cleaned_data.get("item"),
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The thread “%(title)s” is open.") % {"title": thread})
            return redirect(_thread_url(plan, thread))
    return _render_dialogue(request, plan, thread_form=form)


@login_required
@require_POST
def dialogue_reply(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk, act=permissions.can_discuss_plan)
    thread = _get_thread(plan, thread_pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.dialogue_reply(
                thread=thread, body=form.cleaned_data["body"], actor=request.user
            )
        except DomainError as error:
            form.add_error("body", error.message)
        else:
            messages.success(request, _("Your reply was posted."))
            return redirect(_thread_url(plan, thread))
    return _render_dialogue(request, plan, reply_form=form, reply_thread_id=thread.pk)


@login_required
@require_POST
def dialogue_thread_resolve(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk, act=permissions.can_discuss_plan)
    thread = _get_thread(plan, thread_pk)
    require(permissions.can_resolve_thread(request.user, thread))
    try:
        services.dialogue_thread_resolve(thread=thread, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The thread is resolved."))
    return redirect(_thread_url(plan, thread))


@login_required
@require_POST
def dialogue_thread_reopen(request: HttpRequest, pk: int, thread_pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk, act=permissions.can_discuss_plan)
    thread = _get_thread(plan, thread_pk)
    require(permissions.can_resolve_thread(request.user, thread))
    try:
        services.dialogue_thread_reopen(thread=thread, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The thread is open again."))
    return redirect(_thread_url(plan, thread))


def _thread_url(plan: ProjectPlan, thread: DialogueThread) -> str:
    return reverse("shape:plan-dialogue", args=[plan.pk]) + f"#thread-{thread.pk}"


@login_required
@require_GET
def dialogue_log(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    return render(request, "shape/dialogue_log.html", {"log": services.dialogue_log(plan=plan)})


@login_required
@require_GET
def dialogue_log_text(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    text = _log_as_text(services.dialogue_log(plan=plan))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}-dialogue.txt"'
    return response


def _log_as_text(log: dict) -> str:
    """The log as plain text that reads well when pasted into a checklist answer."""

    def when(moment) -> str:
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")

    lines = [
        _("Stakeholder dialogue on “%(title)s”") % {"title": log["plan"]["title"]},
        _("Exported %(when)s") % {"when": when(log["generated_at"])},
        "",
        _("Stakeholders:"),
    ]
    lines += [f"- {person['name']} ({person['role']})" for person in log["stakeholders"]] or [
        _("- none yet")
    ]
    for thread in log["threads"]:
        state = (
            _("resolved %(when)s by %(name)s")
            % {"when": when(thread["resolved_at"]), "name": thread["resolved_by"]}
            if thread["resolved"]
            else _("open")
        )
        lines += ["", "=" * 72, f"{thread['title']} [{state}]"]
        if thread["item"]:
            lines.append(_("Checklist item: %(code)s — %(question)s") % thread["item"])
        lines.append(
            _("Started by %(name)s (%(when)s)")
            % {"name": thread["started_by"], "when": when(thread["created_at"])}
        )
        for message in thread["messages"]:
            lines += ["", f"{message['author']}, {when(message['created_at'])}:", message["body"]]
    return "\n".join(lines) + "\n"


# --- Stakeholders and invitations -------------------------------------------------------------


@login_required
@require_GET
def plan_stakeholders(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    return _render_stakeholders(request, plan)


def _render_stakeholders(request, plan, *, form=None) -> HttpResponse:
    user = request.user
    can_invite = permissions.can_invite_stakeholders(user, plan)
    # Invitees' addresses are the team's business; others see who takes part, and as what.
    sees_addresses = is_curator(user) or permissions.is_plan_editor(user, plan)
    invitations = services.stakeholder_invitations(plan=plan)
    if not sees_addresses:
        invitations = invitations.filter(accepted_at__isnull=False, revoked_at__isnull=True)
    context = {
        "plan": plan,
        "invitations": invitations,
        "sees_addresses": sees_addresses,
        "can_invite": can_invite,
        "can_revoke": permissions.is_plan_editor(user, plan),
        "form": form or (InvitationForm() if can_invite else None),
    }
    return render(request, "shape/invitation_list.html", context)


@login_required
@require_POST
def stakeholder_invite(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk, act=permissions.can_invite_stakeholders)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.stakeholder_invite(
                plan=plan, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
            )
            return redirect("shape:plan-stakeholders", pk=plan.pk)
    return _render_stakeholders(request, plan, form=form)


@login_required
@require_POST
def stakeholder_invitation_revoke(
    request: HttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    plan = _get_plan(request.user, pk, act=permissions.is_plan_editor)
    invitation = plan.invitations.filter(pk=invitation_pk).first()
    if invitation is None:
        raise Http404
    try:
        services.stakeholder_invitation_revoke(invitation=invitation, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
        )
    return redirect("shape:plan-stakeholders", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail. The token is the secret, so no plan access is needed yet."""
    invitation = services.invitation_by_token(token=token)
    if invitation is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.stakeholder_invitation_accept(token=token, user=request.user)
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(
                request,
                _("Welcome to the dialogue on “%(title)s”.") % {"title": invitation.plan.title},
            )
            return redirect("shape:plan-dialogue", pk=invitation.plan_id)
    context = {"invitation": invitation, "plan": invitation.plan, "error": error}
    return render(request, "shape/invitation_accept.html", context, status=400 if error else 200)
