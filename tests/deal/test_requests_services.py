"""Deal request transitions: who may make them, in which state, and what each leaves behind."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts.models import Notification, NotificationKind
from deal import demo
from deal.models import DealEvent, DealRequest, DealRoom, Match
from deal.selectors import decline_gaps_for
from deal.services import requests as services
from deal.tasks import expire_deal_requests
from marketplace.errors import DomainError, NotAllowed, StateConflict
from shape.models import PlanStatus
from tests.deal.factories import (
    BankablePlanFactory,
    DealRequestFactory,
    InvestorProfileFactory,
    instrument,
    investor_of,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(investor):
    """The Green Fund's profile: EUR 1-20 million, loans only; `investor` acts for it."""
    return InvestorProfileFactory(organisation=investor.organisation)


@pytest.fixture
def plan(promoter):
    return BankablePlanFactory(promoter=promoter, title="Ghent heat network")


def send(actor, plan, profile, **fields):
    values = {
        "instrument": instrument("loan"),
        "amount_eur": 5_000_000,
        "message": "Could we discuss a senior loan?",
    }
    values.update(fields)
    return services.request_send(actor=actor, plan=plan, profile=profile, **values)


def titles_for(person):
    return list(
        Notification.objects.filter(recipient=person, kind=NotificationKind.DEAL_REQUEST)
        .order_by("id")
        .values_list("title", flat=True)
    )


# --- Sending ---------------------------------------------------------------------------------


def test_a_promoter_sends_a_request_the_fund_hears_of(promoter, investor, fund, plan):
    before = timezone.now()

    sent = send(promoter, plan, fund)

    assert sent.status == DealRequest.Status.PENDING
    assert sent.direction == DealRequest.Direction.TO_INVESTOR
    expected = before + timedelta(days=settings.DEAL_REQUEST_EXPIRY_DAYS)
    assert abs((sent.respond_by - expected).total_seconds()) < 60
    assert list(sent.events.values_list("kind", flat=True)) == [DealEvent.Kind.SENT]
    assert titles_for(investor) == ["New deal request about Ghent heat network"]
    assert titles_for(promoter) == []


def test_the_answer_time_follows_the_setting(settings, promoter, fund, plan):
    settings.DEAL_REQUEST_EXPIRY_DAYS = 3

    sent = send(promoter, plan, fund)

    assert (sent.respond_by - timezone.now()).days in {2, 3}


def test_an_investor_asks_a_promoter_and_the_plan_team_hears_of_it(promoter, investor, fund, plan):
    co_editor = UserFactory()
    plan.co_editors.add(co_editor)

    sent = send(investor, plan, fund)

    assert sent.direction == DealRequest.Direction.TO_PROMOTER
    assert titles_for(promoter)
    assert titles_for(co_editor)
    assert titles_for(investor) == []


def test_a_co_editor_may_send_for_the_plan(fund, plan):
    co_editor = UserFactory()
    plan.co_editors.add(co_editor)

    assert send(co_editor, plan, fund).sent_by == co_editor


def test_a_paused_investor_takes_no_requests(promoter, fund, plan):
    fund.is_active = False
    fund.save()

    with pytest.raises(DomainError) as refused:
        send(promoter, plan, fund)

    assert refused.value.field == "profile"
    assert "paused" in refused.value.message
    assert not DealRequest.objects.exists()


@pytest.mark.parametrize("amount", [999_999, 20_000_001, 0])
def test_an_amount_outside_the_ticket_range_is_a_field_error(promoter, fund, plan, amount):
    with pytest.raises(DomainError) as refused:
        send(promoter, plan, fund, amount_eur=amount)

    assert refused.value.field == "amount_eur"
    assert "1,000,000" in refused.value.message


def test_an_instrument_the_fund_does_not_offer_is_a_field_error(promoter, fund, plan):
    with pytest.raises(DomainError) as refused:
        send(promoter, plan, fund, instrument=instrument("grant"))

    assert refused.value.field == "instrument"
    assert "Loan" in refused.value.message


def test_an_empty_message_is_a_field_error(promoter, fund, plan):
    with pytest.raises(DomainError) as refused:
        send(promoter, plan, fund, message="   ")

    assert refused.value.field == "message"


def test_a_plan_that_is_not_bankable_cannot_be_the_subject(promoter, fund, plan):
    plan.status = PlanStatus.IN_REVIEW
    plan.save()

    with pytest.raises(DomainError) as refused:
        send(promoter, plan, fund)

    assert refused.value.field == "plan"


def test_a_second_pending_request_for_the_same_pair_is_refused(promoter, investor, fund, plan):
    send(promoter, plan, fund)

    with pytest.raises(StateConflict, match="already waiting"):
        send(promoter, plan, fund)
    # Not from the other side either: one conversation per plan and fund at a time.
    with pytest.raises(StateConflict):
        send(investor, plan, fund)
    assert DealRequest.objects.count() == 1


def test_the_database_constraint_gives_the_same_message_when_two_slip_through(promoter, fund, plan):
    first = send(promoter, plan, fund)
    fields = {
        "plan": plan,
        "profile": fund,
        "direction": first.direction,
        "sent_by": promoter,
        "message": "Again",
        "instrument": first.instrument,
        "amount_eur": first.amount_eur,
        "respond_by": first.respond_by,
    }

    with pytest.raises(StateConflict, match="already waiting"):
        services._create(**fields)
    assert DealRequest.objects.count() == 1


def test_after_an_answer_a_new_request_may_follow(promoter, investor, fund, plan):
    first = send(promoter, plan, fund)
    services.request_decline(deal_request=first, actor=investor, reasons=["financial"])

    assert send(promoter, plan, fund).status == DealRequest.Status.PENDING


def test_a_matched_only_profile_is_asked_only_about_matched_plans(promoter, fund, plan):
    fund.visibility = fund.Visibility.MATCHED
    fund.save()

    with pytest.raises(DomainError) as refused:
        send(promoter, plan, fund)
    assert refused.value.field == "profile"

    Match.objects.create(plan=plan, profile=fund, score=80, parts={})
    assert send(promoter, plan, fund).pk


@pytest.mark.parametrize("who", ["other_promoter", "other_investor", "member", "curator"])
def test_outsiders_cannot_send_about_a_plan_for_a_fund(request, who, fund, plan):
    with pytest.raises(NotAllowed):
        send(request.getfixturevalue(who), plan, fund)


def test_an_investor_cannot_write_in_another_funds_name(other_investor, fund, plan):
    InvestorProfileFactory(organisation=other_investor.organisation)

    with pytest.raises(NotAllowed):
        send(other_investor, plan, fund)


# --- Answering -------------------------------------------------------------------------------


@pytest.fixture
def pending(promoter, fund, plan):
    return send(promoter, plan, fund)


def test_the_fund_accepts_and_a_room_opens(promoter, investor, pending):
    room = services.request_accept(deal_request=pending, actor=investor)

    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.ACCEPTED
    assert pending.decided_by == investor
    assert pending.decided_at
    assert room.request == pending
    assert pending.events.last().kind == DealEvent.Kind.ACCEPTED
    notice = Notification.objects.filter(recipient=promoter).last()
    assert "accepted" in notice.title
    assert notice.url == f"/deal/rooms/{room.pk}/"


def test_the_sender_cannot_accept_their_own_request(promoter, pending):
    with pytest.raises(NotAllowed):
        services.request_accept(deal_request=pending, actor=promoter)
    assert not DealRoom.objects.exists()


def test_another_investor_cannot_accept(other_investor, pending):
    with pytest.raises(NotAllowed):
        services.request_accept(deal_request=pending, actor=other_investor)


def test_a_request_from_an_investor_is_accepted_by_the_plan_team(promoter, investor, fund, plan):
    asked = send(investor, plan, fund)

    with pytest.raises(NotAllowed):
        services.request_accept(deal_request=asked, actor=investor)
    services.request_accept(deal_request=asked, actor=promoter)

    asked.refresh_from_db()
    assert asked.status == DealRequest.Status.ACCEPTED


def test_accepting_twice_is_a_state_conflict_and_changes_nothing(investor, pending):
    services.request_accept(deal_request=pending, actor=investor)

    with pytest.raises(StateConflict, match="already accepted"):
        services.request_accept(deal_request=pending, actor=investor)
    assert DealRoom.objects.count() == 1
    assert pending.events.filter(kind=DealEvent.Kind.ACCEPTED).count() == 1


def test_declining_needs_a_reason(investor, pending):
    with pytest.raises(DomainError) as refused:
        services.request_decline(deal_request=pending, actor=investor, reasons=[])
    assert refused.value.field == "reasons"

    with pytest.raises(DomainError):
        services.request_decline(deal_request=pending, actor=investor, reasons=["no-such-reason"])
    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.PENDING


def test_a_decline_gives_the_promoter_a_gap_list(promoter, investor, pending):
    services.request_decline(
        deal_request=pending,
        actor=investor,
        reasons=["financial", "risks", "outside_mandate"],
        note="Come back with a signed offtake agreement.",
    )

    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.DECLINED
    assert pending.decline_note == "Come back with a signed offtake agreement."
    event = pending.events.last()
    assert event.kind == DealEvent.Kind.DECLINED
    assert "Risks not identified" in event.detail
    assert "declined" in Notification.objects.filter(recipient=promoter).last().title

    gaps = decline_gaps_for(user=promoter, requests=[pending])[pending.pk]
    assert [gap.dimension for gap in gaps] == [
        "Financial model and financing structure",
        "Risks and mitigation",
        "",
    ]
    assert gaps[0].url.startswith(f"/shape/plans/{pending.plan_id}/checklist/#dimension-")
    assert gaps[2].url == ""
    # The fund reads its own reasons, without links into a checklist it cannot open.
    assert all(
        gap.url == "" for gap in decline_gaps_for(user=investor, requests=[pending])[pending.pk]
    )


def test_the_sender_withdraws_while_pending(promoter, investor, pending):
    services.request_withdraw(deal_request=pending, actor=promoter)

    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.WITHDRAWN
    assert pending.events.last().kind == DealEvent.Kind.WITHDRAWN
    assert "withdrawn" in titles_for(investor)[-1]


def test_the_receiver_cannot_withdraw(investor, pending):
    with pytest.raises(NotAllowed):
        services.request_withdraw(deal_request=pending, actor=investor)


def test_withdrawing_after_an_accept_is_a_state_conflict(promoter, investor, pending):
    services.request_accept(deal_request=pending, actor=investor)

    with pytest.raises(StateConflict):
        services.request_withdraw(deal_request=pending, actor=promoter)
    pending.refresh_from_db()
    assert pending.status == DealRequest.Status.ACCEPTED


def test_a_stale_copy_cannot_undo_a_decision(promoter, investor, pending):
    stale = DealRequest.objects.get(pk=pending.pk)
    services.request_withdraw(deal_request=pending, actor=promoter)

    # The copy still says "pending"; the service reads the locked row, not the copy.
    with pytest.raises(StateConflict, match="withdrawn"):
        services.request_accept(deal_request=stale, actor=investor)


# --- Expiry ----------------------------------------------------------------------------------


def test_overdue_requests_expire_once(promoter, investor):
    overdue = DealRequestFactory(respond_by=timezone.now() - timedelta(minutes=1))
    fresh = DealRequestFactory()
    answered = DealRequestFactory(
        status=DealRequest.Status.ACCEPTED, respond_by=timezone.now() - timedelta(days=1)
    )
    fund_investor = investor_of(overdue.profile)

    assert expire_deal_requests() == 1
    assert expire_deal_requests() == 0  # idempotent

    overdue.refresh_from_db()
    fresh.refresh_from_db()
    answered.refresh_from_db()
    assert overdue.status == DealRequest.Status.EXPIRED
    assert overdue.events.filter(kind=DealEvent.Kind.EXPIRED).count() == 1
    assert fresh.status == DealRequest.Status.PENDING
    assert answered.status == DealRequest.Status.ACCEPTED
    assert "expired" in titles_for(overdue.plan.promoter)[-1]
    assert "expired" in titles_for(fund_investor)[-1]


def test_an_expired_request_can_no_longer_be_accepted(investor, fund, plan):
    late = DealRequestFactory(
        plan=plan, profile=fund, respond_by=timezone.now() - timedelta(hours=1)
    )
    services.requests_expire()

    with pytest.raises(StateConflict, match="expired"):
        services.request_accept(deal_request=late, actor=investor)


def test_the_expiry_runs_hourly_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["expire-deal-requests"]

    assert entry["task"] == "deal.tasks.expire_deal_requests"
    assert entry["schedule"] <= 3600


def test_the_demo_adds_requests_in_several_states_once():
    accounts_demo.load()
    first = demo.load()
    again = demo.load()

    assert first["deal_requests"] == 4
    assert again["deal_requests"] == 0
    assert set(DealRequest.objects.values_list("status", flat=True)) == {
        "pending",
        "accepted",
        "declined",
        "withdrawn",
    }
    assert DealRoom.objects.count() == 1


def test_a_paused_fund_cannot_send_either(investor, fund, plan):
    fund.is_active = False
    fund.save()

    with pytest.raises(DomainError, match="resume it"):
        send(investor, plan, fund)
