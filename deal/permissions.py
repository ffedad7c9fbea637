"""Who may see and do what in Deal."""

from django.db.models import Q

from accounts.permissions import is_curator, is_investor, is_member
from deal.models import Match
from shape.permissions import can_view_plan, can_view_teaser, is_plan_editor


def can_keep_investor_profile(user, organisation) -> bool:
    """Confirmed investors of a financing organisation keep its profile."""
    return (
        is_investor(user)
        and user.organisation_confirmed
        and user.organisation_id == organisation.pk
        and organisation.is_financing
    )


def can_see_plans_for_investor(user, profile) -> bool:
    return is_curator(user) or (
        is_investor(user)
        and user.organisation_confirmed
        and user.organisation_id == profile.organisation_id
    )


def can_run_full_rescore(user) -> bool:
    return is_curator(user)


# --- Investor profiles and matches (the matches helper) ---------------------------------


def is_confirmed_investor_of(user, organisation_id) -> bool:
    return (
        is_investor(user)
        and user.organisation_confirmed
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def promotes_a_matched_plan(user, profile) -> bool:
    """The user promotes or co-edits a plan that has a match with this profile."""
    if not user.is_authenticated:
        return False
    return Match.objects.filter(
        Q(plan__promoter=user) | Q(plan__co_editors=user), profile=profile
    ).exists()


def can_view_investor_profile(user, profile) -> bool:
    """Its own investors and curators always; others by the profile's visibility rule:
    every member, or only promoters (and co-editors) of plans matched with it."""
    if is_curator(user) or is_confirmed_investor_of(user, profile.organisation_id):
        return True
    if not is_member(user):
        return False
    if profile.visibility == profile.Visibility.MEMBERS:
        return True
    return promotes_a_matched_plan(user, profile)


def can_view_plan_teaser(user, plan) -> bool:
    """A bankable plan's teaser: every investor, and whoever may read the full plan.

    Shape owns the rule; Deal's pages ask here so that they keep one place to look.
    """
    return can_view_teaser(user, plan)


def can_read_full_plan(user, plan) -> bool:
    """The plan's team, stakeholders, curators, and investors the promoter shared it with."""
    return can_view_plan(user, plan)


def can_see_investors_for_plan(user, plan) -> bool:
    """The plan's promoter and co-editors, and curators, while the plan is bankable."""
    return is_curator(user) or is_plan_editor(user, plan)


def can_decide_on_match(user, profile) -> bool:
    """Saving and dismissing is for the fund's own confirmed investors."""
    return is_confirmed_investor_of(user, profile.organisation_id)


# --- Deal rooms ---------------------------------------------------------------------------------
# A room has two sides: the plan's team (its promoter and co-editors) and the confirmed
# investors of the profile's organisation. Curators read every room but act in none.


class RoomSide:
    PROMOTER = "promoter"
    INVESTOR = "investor"


def room_side(user, room) -> str | None:
    """Which side of the room the user is on, or None for curators and outsiders."""
    if not user.is_authenticated:
        return None
    request = room.request
    if is_plan_editor(user, request.plan):
        return RoomSide.PROMOTER
    if is_confirmed_investor_of(user, request.profile.organisation_id):
        return RoomSide.INVESTOR
    return None


def can_enter_room(user, room) -> bool:
    """The two parties and curators; everybody else must not learn that the room exists."""
    return is_curator(user) or room_side(user, room) is not None


def can_act_in_room(user, room) -> bool:
    """Post, share, propose, choose and record the outcome: the two parties only."""
    return room_side(user, room) is not None


def can_choose_meeting_slot(user, proposal) -> bool:
    """The side that did not propose the meeting picks its time."""
    side = room_side(user, proposal.room)
    return side is not None and side != room_side(proposal.proposed_by, proposal.room)


def can_withdraw_meeting(user, proposal) -> bool:
    return proposal.proposed_by_id == user.pk


# --- Deal requests ---------------------------------------------------------------------------
# The same two sides as a room; which of them sent the request decides who may answer it
# (the other side) and who may withdraw it (the sender's side). Curators read, never act.


def can_read_request_inbox(user) -> bool:
    """The requests to a fund are read by its confirmed investors (and curators)."""
    return is_curator(user) or (is_investor(user) and user.organisation_confirmed)


def is_request_promoter_side(user, deal_request) -> bool:
    return is_plan_editor(user, deal_request.plan)


def is_request_investor_side(user, deal_request) -> bool:
    return is_confirmed_investor_of(user, deal_request.profile.organisation_id)


def can_view_request(user, deal_request) -> bool:
    return (
        is_curator(user)
        or is_request_promoter_side(user, deal_request)
        or is_request_investor_side(user, deal_request)
    )


def is_request_sender_side(user, deal_request) -> bool:
    if deal_request.direction == deal_request.Direction.TO_INVESTOR:
        return is_request_promoter_side(user, deal_request)
    return is_request_investor_side(user, deal_request)


def is_request_receiver_side(user, deal_request) -> bool:
    if deal_request.direction == deal_request.Direction.TO_INVESTOR:
        return is_request_investor_side(user, deal_request)
    return is_request_promoter_side(user, deal_request)


def can_answer_request(user, deal_request) -> bool:
    """Accept or decline: the side the request was sent to, while it waits."""
    return deal_request.status == deal_request.Status.PENDING and is_request_receiver_side(
        user, deal_request
    )


def can_withdraw_request(user, deal_request) -> bool:
    return deal_request.status == deal_request.Status.PENDING and is_request_sender_side(
        user, deal_request
    )


def can_request_for_plan(user, plan) -> bool:
    """The plan's team asks investors about it."""
    return is_plan_editor(user, plan)


def can_request_as_investor(user, profile) -> bool:
    """A fund's confirmed investors ask promoters in its name."""
    return is_confirmed_investor_of(user, profile.organisation_id)


def profile_visible_for_plan(profile, plan) -> bool:
    """Whether a plan's team may ask this profile: "matched only" needs a match with the plan."""
    if profile.visibility == profile.Visibility.MEMBERS:
        return True
    return Match.objects.filter(plan=plan, profile=profile).exists()
