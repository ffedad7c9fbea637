"""Two people acting in one room at the same moment get one result (PostgreSQL row locks).

Each test widens the window between taking the lock and writing, so without the lock both
threads would write; with it the second waits, then sees what the first recorded.
"""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from deal import selectors
from deal.models import DealEvent, DealRoom, MeetingProposal
from deal.services import rooms as services
from marketplace.errors import StateConflict
from tests.deal.factories import BankablePlanFactory, DealRoomFactory, instrument, investor_of
from tests.services import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*actions):
    """Run each action in its own thread and connection, started at the same moment."""
    start = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            action()
            results[index] = "done"
        except StateConflict:
            results[index] = "conflict"
        except Exception as error:  # reported in the results, so the assertion shows it
            results[index] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def slowed(function, seconds=0.5):
    def wrapper(*args, **kwargs):
        time.sleep(seconds)
        return function(*args, **kwargs)

    return wrapper


@pytest.fixture
def parties(promoter):
    require_postgres()
    room = DealRoomFactory(request__plan=BankablePlanFactory(promoter=promoter))
    return room, promoter, investor_of(room.request.profile)


def test_closing_and_giving_up_at_once_give_one_outcome(parties, monkeypatch):
    room, promoter, fund_investor = parties
    monkeypatch.setattr(services, "_save_outcome", slowed(services._save_outcome))
    loan = instrument("loan")

    def close():
        services.room_deal_close(
            room=selectors.get_room_for_user(fund_investor, room.pk),
            actor=fund_investor,
            amount_eur=2_000_000,
            instrument=loan,
            closed_on=timezone.localdate(),
        )

    def give_up():
        services.room_not_pursued(
            room=selectors.get_room_for_user(promoter, room.pk), actor=promoter, reason="No"
        )

    results = run_together(close, give_up)

    assert sorted(results) == ["conflict", "done"]
    room.refresh_from_db()
    assert room.outcome != DealRoom.Outcome.OPEN
    outcome_events = DealEvent.objects.filter(
        request=room.request, kind__in=[DealEvent.Kind.CLOSED, DealEvent.Kind.NOT_PURSUED]
    )
    assert outcome_events.count() == 1
    assert outcome_events.get().kind == room.outcome


def test_two_investors_picking_a_time_at_once_agree_on_one(parties, monkeypatch):
    room, promoter, fund_investor = parties
    colleague = investor_of(room.request.profile)
    proposal = services.meeting_propose(
        room=selectors.get_room_for_user(promoter, room.pk),
        actor=promoter,
        subject="Call",
        starts=[timezone.now() + timedelta(hours=hours) for hours in (3, 4)],
    )
    first, second = proposal.slots.all()
    monkeypatch.setattr(services, "_when", slowed(services._when))

    def pick(person, slot):
        def action():
            own_room = selectors.get_room_for_user(person, room.pk)
            own_proposal = own_room.meetings.get(pk=proposal.pk)
            own_proposal.room = own_room
            services.meeting_slot_choose(proposal=own_proposal, slot_id=slot.pk, actor=person)

        return action

    results = run_together(pick(fund_investor, first), pick(colleague, second))

    assert sorted(results) == ["conflict", "done"]
    proposal.refresh_from_db()
    assert proposal.status == MeetingProposal.Status.AGREED
    assert DealEvent.objects.filter(request=room.request, kind="meeting_agreed").count() == 1


def test_a_message_racing_the_outcome_is_either_before_it_or_refused(parties, monkeypatch):
    room, promoter, fund_investor = parties
    monkeypatch.setattr(services, "_save_outcome", slowed(services._save_outcome))

    def give_up():
        services.room_not_pursued(
            room=selectors.get_room_for_user(fund_investor, room.pk),
            actor=fund_investor,
            reason="Outside our mandate",
        )

    def write():
        time.sleep(0.15)  # the outcome takes the lock first
        services.room_message_post(
            room=selectors.get_room_for_user(promoter, room.pk), author=promoter, body="Wait!"
        )

    assert run_together(give_up, write) == ["done", "conflict"]
    assert not room.messages.exists()
