"""What the parties do in a deal room, through the services: each step, its timeline entry,
who is told, and every refusal."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Notification, NotificationKind, Role
from deal.models import DealEvent, DealRoom, MeetingProposal, RoomDocument, RoomMessage
from deal.services import rooms as services
from marketplace.errors import DomainError, NotAllowed, StateConflict
from tests.deal.factories import BankablePlanFactory, DealRoomFactory, instrument, investor_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a term sheet\n"


@pytest.fixture
def room(promoter):
    return DealRoomFactory(request__plan=BankablePlanFactory(promoter=promoter))


@pytest.fixture
def fund_investor(room):
    return investor_of(room.request.profile)


def kinds(room):
    return list(
        DealEvent.objects.filter(request=room.request)
        .order_by("created_at", "id")
        .values_list("kind", flat=True)
    )


def deal_room_notifications(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.DEAL_ROOM)


def in_hours(hours):
    return timezone.now() + timedelta(hours=hours)


# --- Messages -----------------------------------------------------------------------------------


def test_a_message_reaches_every_confirmed_investor_of_the_fund(room, promoter, fund_investor):
    colleague = investor_of(room.request.profile)
    unconfirmed = UserFactory(
        organisation=room.request.profile.organisation,
        organisation_confirmed=False,
        roles=[Role.MEMBER, Role.INVESTOR],
    )

    message = services.room_message_post(room=room, author=promoter, body="  Shall we talk?  ")

    assert message.body == "Shall we talk?"
    assert kinds(room)[-1] == DealEvent.Kind.MESSAGE
    assert deal_room_notifications(fund_investor).count() == 1
    assert deal_room_notifications(colleague).count() == 1
    assert not deal_room_notifications(unconfirmed).exists()
    assert not deal_room_notifications(promoter).exists()


def test_an_investors_message_reaches_the_promoter_and_co_editors(room, promoter, fund_investor):
    co_editor = UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    room.request.plan.co_editors.add(co_editor)

    services.room_message_post(room=room, author=fund_investor, body="Send the model, please.")

    notification = deal_room_notifications(promoter).get()
    assert f"/deal/rooms/{room.pk}/" in notification.url
    assert deal_room_notifications(co_editor).count() == 1
    assert not deal_room_notifications(fund_investor).exists()


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_message_is_refused_on_its_field(room, promoter, body):
    with pytest.raises(DomainError) as refused:
        services.room_message_post(room=room, author=promoter, body=body)

    assert refused.value.field == "body"
    assert not RoomMessage.objects.exists()


@pytest.mark.parametrize("persona", ["curator", "other_investor", "other_promoter", "member"])
def test_only_the_two_parties_post(request, room, persona):
    with pytest.raises(NotAllowed):
        services.room_message_post(room=room, author=request.getfixturevalue(persona), body="Hi")

    assert not RoomMessage.objects.exists()


# --- Documents ----------------------------------------------------------------------------------


def test_a_checked_document_is_kept_and_announced(
    room, fund_investor, promoter, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("term-sheet.pdf", PDF, content_type="text/html")

    document = services.room_document_share(
        room=room, actor=fund_investor, title="Term sheet", file=upload
    )

    assert document.content_type == "application/pdf"  # from the checked name, not the browser
    assert document.size == len(PDF)
    assert kinds(room)[-1] == DealEvent.Kind.DOCUMENT
    assert deal_room_notifications(promoter).count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [("run.exe", b"MZ..."), ("fake.pdf", b"<html>not a pdf</html>")],
)
def test_a_wrong_type_of_file_is_refused(room, promoter, settings, tmp_path, name, content):
    settings.MEDIA_ROOT = tmp_path

    with pytest.raises(DomainError) as refused:
        services.room_document_share(
            room=room, actor=promoter, title="Doc", file=SimpleUploadedFile(name, content)
        )

    assert refused.value.field == "file"
    assert not RoomDocument.objects.exists()


def test_an_oversized_file_is_refused(room, promoter, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))

    with pytest.raises(DomainError, match="10 MB"):
        services.room_document_share(room=room, actor=promoter, title="Big", file=big)

    assert not RoomDocument.objects.exists()


# --- Meetings -----------------------------------------------------------------------------------


def test_one_side_proposes_and_the_other_side_picks_a_time(room, promoter, fund_investor):
    proposal = services.meeting_propose(
        room=room,
        actor=promoter,
        subject="Site visit",
        place="City hall",
        starts=[in_hours(48), in_hours(24)],
    )
    first, second = proposal.slots.all()
    assert first.starts_at < second.starts_at
    assert deal_room_notifications(fund_investor).count() == 1

    agreed = services.meeting_slot_choose(proposal=proposal, slot_id=second.pk, actor=fund_investor)

    assert agreed.status == MeetingProposal.Status.AGREED
    assert agreed.chosen_slot == second
    assert agreed.chosen_by == fund_investor
    assert kinds(room)[-2:] == [DealEvent.Kind.MEETING_PROPOSED, DealEvent.Kind.MEETING_AGREED]
    assert deal_room_notifications(promoter).count() == 1


def test_the_proposer_cannot_pick_a_time(room, promoter):
    co_editor = UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    room.request.plan.co_editors.add(co_editor)
    proposal = services.meeting_propose(
        room=room, actor=promoter, subject="Call", starts=[in_hours(3)]
    )

    for same_side in (promoter, co_editor):
        with pytest.raises(NotAllowed):
            services.meeting_slot_choose(
                proposal=proposal, slot_id=proposal.slots.get().pk, actor=same_side
            )

    proposal.refresh_from_db()
    assert proposal.status == MeetingProposal.Status.OPEN


def test_a_time_is_picked_once(room, promoter, fund_investor):
    colleague = investor_of(room.request.profile)
    proposal = services.meeting_propose(
        room=room, actor=promoter, subject="Call", starts=[in_hours(3), in_hours(5)]
    )
    first, second = proposal.slots.all()
    services.meeting_slot_choose(proposal=proposal, slot_id=first.pk, actor=fund_investor)

    with pytest.raises(StateConflict, match="already agreed"):
        services.meeting_slot_choose(proposal=proposal, slot_id=second.pk, actor=colleague)

    proposal.refresh_from_db()
    assert proposal.chosen_slot == first


def test_a_slot_of_another_proposal_is_not_a_choice(room, promoter, fund_investor):
    one = services.meeting_propose(room=room, actor=promoter, subject="A", starts=[in_hours(3)])
    other = services.meeting_propose(room=room, actor=promoter, subject="B", starts=[in_hours(4)])

    with pytest.raises(DomainError) as refused:
        services.meeting_slot_choose(
            proposal=one, slot_id=other.slots.get().pk, actor=fund_investor
        )

    assert refused.value.field == "slot"


@pytest.mark.parametrize(
    "starts",
    [[], [None], "past", "six"],
    ids=["none", "empty", "in the past", "more than five"],
)
def test_slots_must_be_one_to_five_future_times(room, promoter, starts):
    if starts == "past":
        starts = [in_hours(5), in_hours(-1)]
    elif starts == "six":
        starts = [in_hours(hours) for hours in range(1, 7)]

    with pytest.raises(DomainError) as refused:
        services.meeting_propose(room=room, actor=promoter, subject="Call", starts=starts)

    assert refused.value.field == "slots"
    assert not MeetingProposal.objects.exists()


def test_the_proposer_withdraws_an_open_proposal_only(room, promoter, fund_investor):
    proposal = services.meeting_propose(
        room=room, actor=promoter, subject="Call", starts=[in_hours(3)]
    )
    with pytest.raises(NotAllowed):
        services.meeting_withdraw(proposal=proposal, actor=fund_investor)

    withdrawn = services.meeting_withdraw(proposal=proposal, actor=promoter)

    assert withdrawn.status == MeetingProposal.Status.WITHDRAWN
    assert kinds(room)[-1] == DealEvent.Kind.MEETING_WITHDRAWN
    with pytest.raises(StateConflict):
        services.meeting_withdraw(proposal=proposal, actor=promoter)
    with pytest.raises(StateConflict, match="withdrawn"):
        services.meeting_slot_choose(
            proposal=proposal, slot_id=proposal.slots.get().pk, actor=fund_investor
        )


# --- The outcome --------------------------------------------------------------------------------


def test_either_party_records_a_closed_deal(room, promoter, fund_investor):
    loan = instrument("loan")
    today = timezone.localdate()

    services.room_deal_close(
        room=room, actor=fund_investor, amount_eur=4_500_000, instrument=loan, closed_on=today
    )

    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.CLOSED
    assert (room.closed_amount_eur, room.closed_instrument, room.closed_on) == (
        4_500_000,
        loan,
        today,
    )
    assert room.outcome_recorded_by == fund_investor
    assert room.outcome_recorded_at is not None
    assert kinds(room)[-1] == DealEvent.Kind.CLOSED
    assert deal_room_notifications(promoter).count() == 1


@pytest.mark.parametrize(
    ("amount", "days", "field"),
    [(0, 0, "amount_eur"), (-5, 0, "amount_eur"), (None, 0, "amount_eur"), (100, 1, "closed_on")],
)
def test_a_closed_deal_needs_a_positive_amount_and_a_date_not_in_the_future(
    room, promoter, amount, days, field
):
    with pytest.raises(DomainError) as refused:
        services.room_deal_close(
            room=room,
            actor=promoter,
            amount_eur=amount,
            instrument=instrument("loan"),
            closed_on=timezone.localdate() + timedelta(days=days),
        )

    assert refused.value.field == field
    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.OPEN


def test_not_pursued_needs_a_reason(room, promoter):
    with pytest.raises(DomainError) as refused:
        services.room_not_pursued(room=room, actor=promoter, reason="  ")

    assert refused.value.field == "reason"

    services.room_not_pursued(room=room, actor=promoter, reason="Timing does not work.")

    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.NOT_PURSUED
    assert room.not_pursued_reason == "Timing does not work."
    assert kinds(room)[-1] == DealEvent.Kind.NOT_PURSUED


def test_an_outcome_is_recorded_once_and_then_the_room_is_read_only(
    room, promoter, fund_investor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    proposal = services.meeting_propose(
        room=room, actor=promoter, subject="Call", starts=[in_hours(3)]
    )
    services.room_not_pursued(room=room, actor=promoter, reason="Out of budget.")
    events = len(kinds(room))

    refused_steps = [
        lambda: services.room_not_pursued(room=room, actor=fund_investor, reason="Again"),
        lambda: services.room_deal_close(
            room=room,
            actor=fund_investor,
            amount_eur=10,
            instrument=instrument("loan"),
            closed_on=timezone.localdate(),
        ),
        lambda: services.room_message_post(room=room, author=fund_investor, body="Hello?"),
        lambda: services.meeting_propose(
            room=room, actor=fund_investor, subject="Call", starts=[in_hours(2)]
        ),
        lambda: services.meeting_slot_choose(
            proposal=proposal, slot_id=proposal.slots.get().pk, actor=fund_investor
        ),
        lambda: services.room_document_share(
            room=room, actor=promoter, title="Late", file=SimpleUploadedFile("a.pdf", PDF)
        ),
    ]
    for step in refused_steps:
        with pytest.raises(StateConflict):
            step()

    room.refresh_from_db()
    assert room.outcome == DealRoom.Outcome.NOT_PURSUED
    assert room.outcome_recorded_by == promoter
    assert len(kinds(room)) == events
