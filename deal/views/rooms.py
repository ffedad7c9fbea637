"""Deal rooms: the list, the room page and each action taken in it.

Every view first loads the room through `selectors.get_room_for_user`, so a person who is
neither a party nor a curator gets a 404 for the page, each action and each file.
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from accounts.permissions import is_curator
from deal import permissions, selectors
from deal.forms.rooms import (
    DealClosedForm,
    DocumentForm,
    MeetingChoiceForm,
    MeetingProposalForm,
    MessageForm,
    NotPursuedForm,
)
from deal.models import DealRoom, MeetingProposal, RoomDocument
from deal.services import rooms as services
from marketplace.errors import DomainError, NotAllowed, StateConflict
from marketplace.permissions import require
from shape import checklists
from shape.permissions import can_view_plan

ROOMS_PER_PAGE = 50


@login_required
@require_GET
def room_list(request: HttpRequest) -> HttpResponse:
    rooms = Paginator(selectors.rooms_for_user(request.user), ROOMS_PER_PAGE)
    page = rooms.get_page(request.GET.get("page"))
    return render(request, "deal/room_list.html", {"page": page, "rooms": page.object_list})


@login_required
@require_GET
def room_detail(request: HttpRequest, pk: int) -> HttpResponse:
    room = selectors.get_room_for_user(request.user, pk)
    return _render_room(request, room)


def _room_url(room: DealRoom, anchor: str = "") -> str:
    url = reverse("deal:room-detail", args=[room.pk])
    return f"{url}#{anchor}" if anchor else url


def _status_for(error: DomainError) -> int:
    if isinstance(error, StateConflict):
        return 409
    if isinstance(error, NotAllowed):
        return 403
    return 400


def _plan_for_page(room: DealRoom, *, with_attachments: bool):
    plan = room.request.plan
    lookups = ["areas", "instruments", "impact_targets__indicator", "milestones", "risks"]
    if with_attachments:
        lookups.append("attachments")
    prefetch_related_objects([plan], *lookups)
    return plan


def _render_room(request, room: DealRoom, *, status: int = 200, **bound) -> HttpResponse:
    user = request.user
    side = permissions.room_side(user, room)
    is_open = room.outcome == DealRoom.Outcome.OPEN
    can_act = side is not None and is_open
    plan_files = can_view_plan(user, room.request.plan)
    plan = _plan_for_page(room, with_attachments=plan_files)
    team_ids = {person.pk for person in selectors.room_team(room)}
    meeting_errors = bound.pop("meeting_errors", {})

    meetings = list(selectors.room_meetings(room))
    for proposal in meetings:
        proposal.room = room
        waiting = can_act and proposal.status == MeetingProposal.Status.OPEN
        proposer_side = (
            permissions.RoomSide.PROMOTER
            if proposal.proposed_by_id in team_ids
            else permissions.RoomSide.INVESTOR
        )
        proposal.may_choose = waiting and side != proposer_side
        proposal.may_withdraw = waiting and proposal.proposed_by_id == user.pk
        proposal.choice_form = (
            MeetingChoiceForm(proposal=proposal, prefix=f"meeting-{proposal.pk}")
            if proposal.may_choose
            else None
        )
        proposal.error = meeting_errors.get(proposal.pk)

    thread = list(selectors.room_messages(room))
    for message in thread:
        message.from_team = message.author_id in team_ids

    assessment = checklists.assess(
        checklists.checklist_items(plan.checklist_template_id), checklists.plan_answers(plan)
    )
    context = {
        "room": room,
        "deal_request": room.request,
        "plan": plan,
        "side": side,
        "is_curator": is_curator(user),
        "is_open": is_open,
        "can_act": can_act,
        "plan_files": plan_files,
        "assessment": assessment,
        "thread": thread,
        "documents": list(selectors.room_documents(room)),
        "meetings": meetings,
        "timeline": list(selectors.room_timeline(room)),
    }
    if can_act:
        context.update(
            message_form=bound.get("message_form") or MessageForm(),
            document_form=bound.get("document_form") or DocumentForm(),
            meeting_form=bound.get("meeting_form") or MeetingProposalForm(),
            closed_form=bound.get("closed_form") or DealClosedForm(),
            not_pursued_form=bound.get("not_pursued_form") or NotPursuedForm(),
        )
    return render(request, "deal/room_detail.html", context, status=status)


def _acting_room(request, pk: int) -> DealRoom:
    """The room (404 for outsiders); a curator who may read it but not act gets a 403."""
    room = selectors.get_room_for_user(request.user, pk)
    require(permissions.can_act_in_room(request.user, room))
    return room


def _form_error(form, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    if error.field == "slots":
        field = "slot_1"
    form.add_error(field, error.message)


def _refused(request, room: DealRoom, error: DomainError, **bound) -> HttpResponse:
    """Show the room again with why the step was refused, as it is now."""
    if isinstance(error, StateConflict):
        # Someone else may just have recorded the outcome: say so above the page too.
        messages.error(request, error.message)
        room = selectors.get_room_for_user(request.user, room.pk)
    return _render_room(request, room, status=_status_for(error), **bound)


def _run(request, room, *, form, form_name: str, action, done: str, anchor: str):
    """Validate the form, call the service, and either go back to the room or show why not.

    Whatever was typed stays in the form when the service refuses it.
    """
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except DomainError as error:
            _form_error(form, error)
            return _refused(request, room, error, **{form_name: form})
        messages.success(request, done)
        return redirect(_room_url(room, anchor))
    return _render_room(request, room, status=400, **{form_name: form})


@login_required
@require_POST
def room_message_post(request: HttpRequest, pk: int) -> HttpResponse:
    room = _acting_room(request, pk)
    return _run(
        request,
        room,
        form=MessageForm(request.POST),
        form_name="message_form",
        action=lambda data: services.room_message_post(
            room=room, author=request.user, body=data["body"]
        ),
        done=_("Your message was sent."),
        anchor="messages",
    )


@login_required
@require_POST
def room_document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    room = _acting_room(request, pk)
    return _run(
        request,
        room,
        form=DocumentForm(request.POST, request.FILES),
        form_name="document_form",
        action=lambda data: services.room_document_share(
            room=room, actor=request.user, title=data["title"], file=data["file"]
        ),
        done=_("The document is shared with the other side."),
        anchor="documents",
    )


@login_required
@require_safe
def room_document_download(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    room = selectors.get_room_for_user(request.user, pk)
    document = RoomDocument.objects.filter(room=room, pk=document_id).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    suffix = Path(document.file.name).suffix.lower()
    filename = f"{slugify(document.title) or 'document'}{suffix}"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def meeting_propose(request: HttpRequest, pk: int) -> HttpResponse:
    room = _acting_room(request, pk)
    form = MeetingProposalForm(request.POST)
    return _run(
        request,
        room,
        form=form,
        form_name="meeting_form",
        action=lambda data: services.meeting_propose(
            room=room,
            actor=request.user,
            subject=data["subject"],
            place=data["place"],
            starts=form.starts(),
            duration_minutes=data["duration_minutes"],
        ),
        done=_("Your meeting proposal was sent; the other side picks a time."),
        anchor="meetings",
    )


def _room_proposal(room: DealRoom, proposal_id: int) -> MeetingProposal:
    proposal = MeetingProposal.objects.filter(room=room, pk=proposal_id).first()
    if proposal is None:
        raise Http404
    proposal.room = room
    return proposal


@login_required
@require_POST
def meeting_choose(request: HttpRequest, pk: int, proposal_id: int) -> HttpResponse:
    room = _acting_room(request, pk)
    proposal = _room_proposal(room, proposal_id)
    form = MeetingChoiceForm(request.POST, proposal=proposal, prefix=f"meeting-{proposal.pk}")
    if not form.is_valid():
        errors = {proposal.pk: _("Choose one of the times offered.")}
        return _render_room(request, room, status=400, meeting_errors=errors)
    try:
        services.meeting_slot_choose(
            proposal=proposal, slot_id=form.cleaned_data["slot"], actor=request.user
        )
    except DomainError as error:
        return _refused(request, room, error, meeting_errors={proposal.pk: error.message})
    messages.success(request, _("The meeting time is agreed."))
    return redirect(_room_url(room, f"meeting-{proposal.pk}"))


@login_required
@require_POST
def meeting_withdraw(request: HttpRequest, pk: int, proposal_id: int) -> HttpResponse:
    room = _acting_room(request, pk)
    proposal = _room_proposal(room, proposal_id)
    try:
        services.meeting_withdraw(proposal=proposal, actor=request.user)
    except DomainError as error:
        return _refused(request, room, error, meeting_errors={proposal.pk: error.message})
    messages.success(request, _("Your meeting proposal was withdrawn."))
    return redirect(_room_url(room, "meetings"))


@login_required
@require_POST
def room_close(request: HttpRequest, pk: int) -> HttpResponse:
    room = _acting_room(request, pk)
    return _run(
        request,
        room,
        form=DealClosedForm(request.POST),
        form_name="closed_form",
        action=lambda data: services.room_deal_close(
            room=room,
            actor=request.user,
            amount_eur=data["amount_eur"],
            instrument=data["instrument"],
            closed_on=data["closed_on"],
        ),
        done=_("The deal is recorded as closed. Congratulations!"),
        anchor="outcome",
    )


@login_required
@require_POST
def room_not_pursued(request: HttpRequest, pk: int) -> HttpResponse:
    room = _acting_room(request, pk)
    return _run(
        request,
        room,
        form=NotPursuedForm(request.POST),
        form_name="not_pursued_form",
        action=lambda data: services.room_not_pursued(
            room=room, actor=request.user, reason=data["reason"]
        ),
        done=_("The deal is recorded as not pursued."),
        anchor="outcome",
    )
