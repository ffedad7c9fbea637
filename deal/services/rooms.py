"""What the two parties do in a deal room: talk, share documents, meet, record the outcome.

Every action is one transaction that checks who acts, writes a DealEvent on the shared
timeline and notifies the other side. Actions that must happen at most once per room (the
outcome) or per proposal (the chosen time) lock the room row first and check its state
after the lock, so two people acting at the same moment give one result.
"""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import NotificationKind, User
from accounts.services import notify
from deal import permissions, selectors
from deal.models import (
    DealEvent,
    DealRoom,
    MeetingProposal,
    MeetingSlot,
    RoomDocument,
    RoomMessage,
)
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape.models import MAX_AMOUNT_EUR, Instrument
from shape.uploads import document_check, document_details

MAX_MESSAGE_LENGTH = 10_000
MAX_SLOTS = 5
MIN_MEETING_MINUTES = 15
MAX_MEETING_MINUTES = 8 * 60


# --- Shared steps -------------------------------------------------------------------------------


def _require_party(actor: User, room: DealRoom) -> str:
    """The actor's side; curators read rooms but take no part in them."""
    side = permissions.room_side(actor, room)
    if side is None:
        raise NotAllowed(_("Only the two parties of a deal room act in it."))
    return side


def _lock_open_room(room: DealRoom) -> None:
    """Lock the room row (inside the caller's transaction) and check it still takes steps.

    The state is read after the lock: a step that waited for another one to commit sees
    the outcome that step recorded.
    """
    outcome = (
        DealRoom.objects.select_for_update().filter(pk=room.pk).values_list("outcome", flat=True)
    ).get()
    if outcome != DealRoom.Outcome.OPEN:
        raise StateConflict(
            _("The outcome of this deal is recorded: the room is closed to new steps.")
        )


def _record(room: DealRoom, *, actor: User, kind: str, detail: str = "") -> DealEvent:
    return DealEvent.objects.create(
        request_id=room.request_id, actor=actor, kind=kind, detail=detail[:300]
    )


def _notify_other_side(room: DealRoom, *, actor: User, side: str, title, anchor: str, body=""):
    if side == permissions.RoomSide.PROMOTER:
        recipients = list(selectors.room_investors(room))
    else:
        recipients = selectors.room_team(room)
    url = reverse("deal:room-detail", args=[room.pk]) + f"#{anchor}"
    for person in {person.pk: person for person in recipients}.values():
        if person.pk != actor.pk and person.is_active:
            notify(
                recipient=person,
                kind=NotificationKind.DEAL_ROOM,
                title=title,
                url=url,
                body=body,
                actor=actor,
            )


def _excerpt(text: str, length: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _plan_title(room: DealRoom) -> str:
    return room.request.plan.title


# --- Messages and documents ---------------------------------------------------------------------


@transaction.atomic
def room_message_post(*, room: DealRoom, author: User, body: str) -> RoomMessage:
    side = _require_party(author, room)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a message before sending it."), field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise DomainError(
            _("Keep a message under %(count)s characters.") % {"count": MAX_MESSAGE_LENGTH},
            field="body",
        )
    _lock_open_room(room)
    message = RoomMessage.objects.create(room=room, author=author, body=body)
    _record(room, actor=author, kind=DealEvent.Kind.MESSAGE, detail=_excerpt(body))
    _notify_other_side(
        room,
        actor=author,
        side=side,
        title=format_lazy(
            gettext_lazy("{person} wrote in the deal room on “{plan}”"),
            person=author,
            plan=_plan_title(room),
        ),
        body=_excerpt(body, 500),
        anchor=f"message-{message.pk}",
    )
    return message


@transaction.atomic
def room_document_share(*, room: DealRoom, actor: User, title: str, file) -> RoomDocument:
    """Keep a checked document for both parties; it is only ever downloaded as a file."""
    side = _require_party(actor, room)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the document a title."), field="title")
    if len(title) > 200:
        raise DomainError(_("Keep the title under 200 characters."), field="title")
    if file is None:
        raise DomainError(_("Choose a file to share."), field="file")
    document_check(file, field="file")
    _lock_open_room(room)
    document = RoomDocument.objects.create(
        room=room, title=title, file=file, uploaded_by=actor, **document_details(file)
    )
    _record(room, actor=actor, kind=DealEvent.Kind.DOCUMENT, detail=title)
    _notify_other_side(
        room,
        actor=actor,
        side=side,
        title=format_lazy(
            gettext_lazy("{person} shared “{title}” in the deal room on “{plan}”"),
            person=actor,
            title=title,
            plan=_plan_title(room),
        ),
        anchor="documents",
    )
    return document


# --- Meetings -----------------------------------------------------------------------------------


def _when(slot: MeetingSlot) -> str:
    start = timezone.localtime(slot.starts_at)
    return f"{formats.date_format(start, 'l j M Y H:i')} ({slot.duration_minutes} min)"


def _checked_slots(starts: list[datetime]) -> list[datetime]:
    starts = sorted({start for start in starts if start is not None})
    if not starts:
        raise DomainError(_("Offer at least one time for the meeting."), field="slots")
    if len(starts) > MAX_SLOTS:
        raise DomainError(_("Offer at most %(count)s times.") % {"count": MAX_SLOTS}, field="slots")
    if starts[0] <= timezone.now():
        raise DomainError(_("Every time you offer must be in the future."), field="slots")
    return starts


@transaction.atomic
def meeting_propose(
    *,
    room: DealRoom,
    actor: User,
    subject: str,
    place: str = "",
    starts: list[datetime],
    duration_minutes: int = 60,
) -> MeetingProposal:
    """Offer one to five future times; the other side picks one of them."""
    side = _require_party(actor, room)
    subject = (subject or "").strip()
    place = (place or "").strip()
    if not subject:
        raise DomainError(_("Say what the meeting is about."), field="subject")
    if len(subject) > 200:
        raise DomainError(_("Keep the subject under 200 characters."), field="subject")
    if len(place) > 300:
        raise DomainError(_("Keep the place or link under 300 characters."), field="place")
    if not MIN_MEETING_MINUTES <= duration_minutes <= MAX_MEETING_MINUTES:
        raise DomainError(
            _("A meeting lasts between %(low)s minutes and %(high)s hours.")
            % {"low": MIN_MEETING_MINUTES, "high": MAX_MEETING_MINUTES // 60},
            field="duration_minutes",
        )
    starts = _checked_slots(starts)
    _lock_open_room(room)
    proposal = MeetingProposal.objects.create(
        room=room, proposed_by=actor, subject=subject, place=place
    )
    MeetingSlot.objects.bulk_create(
        MeetingSlot(proposal=proposal, starts_at=start, duration_minutes=duration_minutes)
        for start in starts
    )
    _record(room, actor=actor, kind=DealEvent.Kind.MEETING_PROPOSED, detail=subject)
    _notify_other_side(
        room,
        actor=actor,
        side=side,
        title=format_lazy(
            gettext_lazy("{person} proposes a meeting about “{plan}”: pick a time"),
            person=actor,
            plan=_plan_title(room),
        ),
        body=subject,
        anchor=f"meeting-{proposal.pk}",
    )
    return proposal


def _locked_proposal(proposal: MeetingProposal) -> MeetingProposal:
    """Lock the room, then re-read the proposal: its state is what the lock holder saw."""
    _lock_open_room(proposal.room)
    return MeetingProposal.objects.select_for_update().get(pk=proposal.pk)


@transaction.atomic
def meeting_slot_choose(*, proposal: MeetingProposal, slot_id: int, actor: User) -> MeetingProposal:
    """The other side picks one of the offered times; the first pick wins."""
    room = proposal.room
    side = _require_party(actor, room)
    if not permissions.can_choose_meeting_slot(actor, proposal):
        raise NotAllowed(_("The other side picks the time of a meeting your side proposed."))
    locked = _locked_proposal(proposal)
    if locked.status == MeetingProposal.Status.AGREED:
        raise StateConflict(_("A time for this meeting was already agreed."))
    if locked.status == MeetingProposal.Status.WITHDRAWN:
        raise StateConflict(_("This meeting proposal was withdrawn."))
    slot = MeetingSlot.objects.filter(proposal=locked, pk=slot_id).first()
    if slot is None:
        raise DomainError(_("Choose one of the times offered."), field="slot")
    if slot.starts_at <= timezone.now():
        raise DomainError(
            _("That time has already passed; choose another or ask for new times."), field="slot"
        )
    locked.status = MeetingProposal.Status.AGREED
    locked.chosen_slot = slot
    locked.chosen_by = actor
    locked.save(update_fields=["status", "chosen_slot", "chosen_by"])
    when = _when(slot)
    _record(room, actor=actor, kind=DealEvent.Kind.MEETING_AGREED, detail=f"{locked}: {when}")
    _notify_other_side(
        room,
        actor=actor,
        side=side,
        title=format_lazy(
            gettext_lazy("Meeting agreed on “{plan}”: {when}"), plan=_plan_title(room), when=when
        ),
        body=locked.subject,
        anchor=f"meeting-{locked.pk}",
    )
    return locked


@transaction.atomic
def meeting_withdraw(*, proposal: MeetingProposal, actor: User) -> MeetingProposal:
    """The proposer takes back a proposal nobody has picked a time of yet."""
    room = proposal.room
    side = _require_party(actor, room)
    if not permissions.can_withdraw_meeting(actor, proposal):
        raise NotAllowed(_("Only the person who proposed a meeting withdraws it."))
    locked = _locked_proposal(proposal)
    if locked.status != MeetingProposal.Status.OPEN:
        raise StateConflict(_("Only a proposal still waiting for a choice can be withdrawn."))
    locked.status = MeetingProposal.Status.WITHDRAWN
    locked.save(update_fields=["status"])
    _record(room, actor=actor, kind=DealEvent.Kind.MEETING_WITHDRAWN, detail=locked.subject)
    _notify_other_side(
        room,
        actor=actor,
        side=side,
        title=format_lazy(
            gettext_lazy("{person} withdrew the meeting proposal “{subject}”"),
            person=actor,
            subject=locked.subject,
        ),
        anchor="meetings",
    )
    return locked


# --- The outcome --------------------------------------------------------------------------------


def _save_outcome(room: DealRoom, *, actor: User, fields: dict) -> None:
    for name, value in fields.items():
        setattr(room, name, value)
    room.outcome_recorded_by = actor
    room.outcome_recorded_at = timezone.now()
    room.save(update_fields=[*fields, "outcome_recorded_by", "outcome_recorded_at", "updated_at"])


@transaction.atomic
def room_deal_close(
    *,
    room: DealRoom,
    actor: User,
    amount_eur: int | None,
    instrument: Instrument | None,
    closed_on: date | None,
) -> DealRoom:
    """Record that the deal closed; after it the room is read-only."""
    side = _require_party(actor, room)
    if amount_eur is None or amount_eur <= 0:
        raise DomainError(_("Give the amount of the deal, more than 0 euros."), field="amount_eur")
    if amount_eur > MAX_AMOUNT_EUR:
        raise DomainError(_("That amount is too large."), field="amount_eur")
    if instrument is None:
        raise DomainError(_("Choose the financing instrument."), field="instrument")
    if closed_on is None:
        raise DomainError(_("Give the date the deal closed."), field="closed_on")
    if closed_on > timezone.localdate():
        raise DomainError(_("The closing date cannot be in the future."), field="closed_on")
    _lock_open_room(room)
    _save_outcome(
        room,
        actor=actor,
        fields={
            "outcome": DealRoom.Outcome.CLOSED,
            "closed_amount_eur": amount_eur,
            "closed_instrument": instrument,
            "closed_on": closed_on,
        },
    )
    detail = f"€ {amount_eur:,} · {instrument} · {closed_on.isoformat()}"
    _record(room, actor=actor, kind=DealEvent.Kind.CLOSED, detail=detail)
    _notify_other_side(
        room,
        actor=actor,
        side=side,
        title=format_lazy(
            gettext_lazy("{person} recorded the deal on “{plan}” as closed"),
            person=actor,
            plan=_plan_title(room),
        ),
        body=detail,
        anchor="outcome",
    )
    return room


@transaction.atomic
def room_not_pursued(*, room: DealRoom, actor: User, reason: str) -> DealRoom:
    """Record that the parties do not pursue the deal, and why; the room becomes read-only."""
    side = _require_party(actor, room)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the deal is not pursued."), field="reason")
    if len(reason) > 5000:
        raise DomainError(_("Keep the reason under 5000 characters."), field="reason")
    _lock_open_room(room)
    _save_outcome(
        room,
        actor=actor,
        fields={"outcome": DealRoom.Outcome.NOT_PURSUED, "not_pursued_reason": reason},
    )
    _record(room, actor=actor, kind=DealEvent.Kind.NOT_PURSUED, detail=_excerpt(reason, 280))
    _notify_other_side(
        room,
        actor=actor,
        side=side,
        title=format_lazy(
            gettext_lazy("{person} recorded the deal on “{plan}” as not pursued"),
            person=actor,
            plan=_plan_title(room),
        ),
        body=_excerpt(reason, 500),
        anchor="outcome",
    )
    return room
