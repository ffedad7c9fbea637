"""Reads for Deal: the arrays the scoring job works on, and the precomputed matches."""

from dataclasses import dataclass, replace

import numpy as np
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.http import Http404
from django.urls import reverse
from django_countries import countries

from accounts.models import Role, User
from accounts.permissions import is_curator, is_investor, is_member
from deal import permissions
from deal.matching import InvestorArrays, PlanArrays
from deal.models import (
    DECLINE_REASON_DIMENSIONS,
    DealEvent,
    DealRequest,
    DealRoom,
    DeclineReason,
    InvestorProfile,
    Match,
    MatchDecision,
    MeetingProposal,
    RoomDocument,
    RoomMessage,
)
from explore.models import Area
from shape.models import (
    ChecklistDimension,
    ChecklistTemplate,
    Instrument,
    PlanStatus,
    ProjectPlan,
    Stage,
)
from shape.selectors import TEASER_FIELDS

STAGE_INDEX = {stage: index for index, stage in enumerate(Stage.values)}
COUNTRY_INDEX = {code: index for index, code in enumerate(sorted(dict(countries)))}


def instrument_bits() -> dict[int, int]:
    """Instrument id → its bit in the masks, stable for a given set of instruments."""
    return {
        pk: bit
        for bit, pk in enumerate(Instrument.objects.order_by("pk").values_list("pk", flat=True))
    }


def _bits_by_owner(pairs, bits: dict[int, int]) -> dict[int, int]:
    """(owner id, related id) pairs → {owner id: mask of the related ids' bits}."""
    masks: dict[int, int] = {}
    for owner_id, related_id in pairs:
        bit = bits.get(related_id)
        if bit is not None:
            masks[owner_id] = masks.get(owner_id, 0) | (1 << bit)
    return masks


def _area_bits() -> dict[int, int]:
    return dict(Area.objects.filter(bit__isnull=False).values_list("pk", "bit"))


def bankable_plan_arrays(*, plan_ids=None) -> PlanArrays:
    """Every bankable plan seeking funding as arrays, in a few set-based queries.

    Reads plain values, never model instances: at ten thousand plans building objects and
    prefetching their relations would cost more than the scoring itself.
    """
    plans = ProjectPlan.objects.filter(status=PlanStatus.BANKABLE, funding_sought_eur__gt=0)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    rows = list(
        plans.order_by("pk").values_list(
            "pk",
            "city__country",
            "organisation__country",
            "funding_sought_eur",
            "stage",
            "bankability_score",
        )
    )
    chosen = plans.values("pk")
    area_masks = _bits_by_owner(
        ProjectPlan.areas.through.objects.filter(projectplan_id__in=chosen).values_list(
            "projectplan_id", "area_id"
        ),
        _area_bits(),
    )
    instrument_masks = _bits_by_owner(
        ProjectPlan.instruments.through.objects.filter(projectplan_id__in=chosen).values_list(
            "projectplan_id", "instrument_id"
        ),
        instrument_bits(),
    )
    ids = [row[0] for row in rows]
    return PlanArrays(
        ids=np.array(ids, dtype=np.int64),
        area_mask=np.array([area_masks.get(pk, 0) for pk in ids], dtype=np.int64),
        country=np.array(
            [
                COUNTRY_INDEX.get(city or organisation or "", -1)
                for _, city, organisation, *_ in rows
            ],
            dtype=np.int32,
        ),
        funding=np.array([float(row[3]) for row in rows], dtype=np.float64),
        instrument_mask=np.array([instrument_masks.get(pk, 0) for pk in ids], dtype=np.int64),
        stage=np.array([STAGE_INDEX[row[4]] for row in rows], dtype=np.int8),
        score=np.array([float(row[5]) for row in rows], dtype=np.float64),
    )


def active_profile_arrays(*, profile_ids=None) -> InvestorArrays:
    profiles = InvestorProfile.objects.filter(is_active=True)
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=profile_ids)
    rows = list(
        profiles.order_by("pk").values_list(
            "pk",
            "countries",
            "eu_wide",
            "ticket_min_eur",
            "ticket_max_eur",
            "stages",
            "min_bankability",
        )
    )
    chosen = profiles.values("pk")
    area_masks = _bits_by_owner(
        InvestorProfile.areas.through.objects.filter(investorprofile_id__in=chosen).values_list(
            "investorprofile_id", "area_id"
        ),
        _area_bits(),
    )
    instrument_masks = _bits_by_owner(
        InvestorProfile.instruments.through.objects.filter(
            investorprofile_id__in=chosen
        ).values_list("investorprofile_id", "instrument_id"),
        instrument_bits(),
    )
    ids = [row[0] for row in rows]
    country_matrix = np.zeros((len(rows), len(COUNTRY_INDEX)), dtype=bool)
    for index, row in enumerate(rows):
        for code in row[1] or ():
            if code in COUNTRY_INDEX:
                country_matrix[index, COUNTRY_INDEX[code]] = True
    return InvestorArrays(
        ids=np.array(ids, dtype=np.int64),
        area_mask=np.array([area_masks.get(pk, 0) for pk in ids], dtype=np.int64),
        countries=country_matrix,
        eu_wide=np.array([row[2] for row in rows], dtype=bool),
        ticket_min=np.array([float(row[3]) for row in rows], dtype=np.float64),
        ticket_max=np.array([float(row[4]) for row in rows], dtype=np.float64),
        instrument_mask=np.array([instrument_masks.get(pk, 0) for pk in ids], dtype=np.int64),
        stage_mask=np.array(
            [
                sum(1 << STAGE_INDEX[stage] for stage in set(row[5] or ()) if stage in STAGE_INDEX)
                for row in rows
            ],
            dtype=np.int64,
        ),
        min_score=np.array([float(row[6]) for row in rows], dtype=np.float64),
    )


# --- Investor profiles and matches ---------------------------------------------------


def own_investor_profile(user) -> InvestorProfile | None:
    """The profile of the organisation the user invests for, if they are confirmed there."""
    if not (is_investor(user) and user.organisation_confirmed and user.organisation_id):
        return None
    return (
        InvestorProfile.objects.select_related("organisation")
        .filter(organisation_id=user.organisation_id)
        .first()
    )


def get_profile_for_user(user, pk) -> InvestorProfile:
    """The profile, or 404 when its visibility rule hides it from the user."""
    profile = (
        InvestorProfile.objects.select_related("organisation", "updated_by")
        .prefetch_related("areas", "instruments")
        .filter(pk=pk)
        .first()
    )
    if profile is None or not permissions.can_view_investor_profile(user, profile):
        raise Http404
    return profile


def profiles_visible_to(user) -> QuerySet[InvestorProfile]:
    """Every profile the user may see: the API list and the profile pages agree on this."""
    profiles = InvestorProfile.objects.select_related("organisation").prefetch_related(
        "areas", "instruments"
    )
    if is_curator(user):
        return profiles.order_by("organisation__name", "pk")
    if not is_member(user):
        return profiles.none()
    matched = Match.objects.filter(profile=OuterRef("pk")).filter(
        Q(plan__promoter=user) | Q(plan__co_editors=user)
    )
    visible = Q(visibility=InvestorProfile.Visibility.MEMBERS) | Exists(matched)
    if is_investor(user) and user.organisation_confirmed and user.organisation_id:
        visible |= Q(organisation_id=user.organisation_id)
    return profiles.filter(visible).order_by("organisation__name", "pk")


def _dismissed_unchanged(profile) -> Exists:
    return Exists(
        MatchDecision.objects.filter(
            profile=profile,
            plan=OuterRef("plan"),
            decision=MatchDecision.Decision.DISMISSED,
            plan_updated_at__gte=OuterRef("plan__updated_at"),
        )
    )


def _decision_of(profile) -> Subquery:
    return Subquery(
        MatchDecision.objects.filter(profile=profile, plan=OuterRef("plan")).values("decision")[:1]
    )


def matches_filtered(matches: QuerySet[Match], filters: dict) -> QuerySet[Match]:
    """Narrow matches by the plan's area and instrument (codes), country, stage, and score.

    Pages and the API pass the same cleaned values; empty values do not filter.
    """
    if filters.get("area"):
        matches = matches.filter(
            Exists(
                ProjectPlan.areas.through.objects.filter(
                    projectplan_id=OuterRef("plan_id"), area__slug=filters["area"]
                )
            )
        )
    if filters.get("instrument"):
        matches = matches.filter(
            Exists(
                ProjectPlan.instruments.through.objects.filter(
                    projectplan_id=OuterRef("plan_id"), instrument__code=filters["instrument"]
                )
            )
        )
    if filters.get("country"):
        code = filters["country"]
        matches = matches.filter(
            Q(plan__city__country=code)
            | Q(plan__city__isnull=True, plan__organisation__country=code)
        )
    if filters.get("stage"):
        matches = matches.filter(plan__stage=filters["stage"])
    if filters.get("min_score") is not None:
        matches = matches.filter(score__gte=filters["min_score"])
    if filters.get("plan") is not None:
        matches = matches.filter(plan_id=filters["plan"])
    if filters.get("profile") is not None:
        matches = matches.filter(profile_id=filters["profile"])
    return matches


def plans_for_investor(*, profile: InvestorProfile, filters: dict | None = None) -> QuerySet[Match]:
    """Precomputed matches only: "Plans for you", without dismissed plans that did not change.

    Each row carries `decision` ("saved", "dismissed" for a plan changed since, or None).
    Iterating runs one query; add the plan's areas with `with_plan_areas` (one more).
    """
    matches = (
        Match.objects.filter(profile=profile)
        .exclude(_dismissed_unchanged(profile))
        .annotate(decision=_decision_of(profile))
        .select_related("plan", "plan__city", "plan__organisation")
        .order_by("-score", "id")
    )
    return matches_filtered(matches, filters or {})


def with_plan_areas(matches):
    """Prefetch the plans' areas on a page of matches: one query however many rows."""
    return matches.prefetch_related("plan__areas")


def get_plan_teaser_for_user(user, pk) -> ProjectPlan:
    """A bankable plan as its teaser shows it, or 404 for whoever may not see the teaser.

    Only the teaser's facts are loaded; the co-editors come along because asking whether
    the viewer may read the full plan checks them.
    """
    plan = (
        ProjectPlan.objects.select_related("city")
        .prefetch_related(
            "areas", "instruments", Prefetch("co_editors", queryset=User.objects.only("pk"))
        )
        .only(*TEASER_FIELDS, "promoter")
        .filter(pk=pk)
        .first()
    )
    if plan is None or not permissions.can_view_plan_teaser(user, plan):
        raise Http404
    return plan


def fund_match(*, profile: InvestorProfile | None, plan: ProjectPlan) -> Match | None:
    """The precomputed match of the plan with the fund's profile, if the scoring kept one."""
    if profile is None:
        return None
    return Match.objects.filter(profile=profile, plan=plan).first()


def saved_plans(*, profile: InvestorProfile) -> QuerySet[MatchDecision]:
    """The plans the fund saved, with the current match score (None once unmatched)."""
    score = Match.objects.filter(profile=profile, plan=OuterRef("plan")).values("score")[:1]
    return (
        MatchDecision.objects.filter(profile=profile, decision=MatchDecision.Decision.SAVED)
        .annotate(score=Subquery(score))
        .select_related("plan", "plan__city", "decided_by")
        .order_by("-created_at", "-id")
    )


def investors_for_plan(*, plan: ProjectPlan) -> QuerySet[Match]:
    """The plan's best 20 active investors. Every profile matched with the plan may be seen
    by its team, whatever its visibility ("only matched promoters" includes them)."""
    return (
        Match.objects.filter(plan=plan, profile__is_active=True)
        .select_related("profile", "profile__organisation")
        .order_by("-score", "id")[:20]
    )


def matches_visible_to(user) -> QuerySet[Match]:
    """Matches for the API: curators all; investors their fund's; promoters their plans'."""
    matches = Match.objects.select_related("plan", "profile", "profile__organisation").order_by(
        "-score", "id"
    )
    if is_curator(user):
        return matches
    if not is_member(user):
        return matches.none()
    mine = Q(plan__promoter=user) | Q(
        plan__in=ProjectPlan.co_editors.through.objects.filter(user=user).values("projectplan_id")
    )
    if is_investor(user) and user.organisation_confirmed and user.organisation_id:
        mine |= Q(profile__organisation_id=user.organisation_id)
    return matches.filter(mine)


# --- Deal rooms -------------------------------------------------------------------------------


def rooms_for_user(user) -> QuerySet[DealRoom]:
    """The rooms the user is a party to (curators: all), for lists, filters and the API."""
    if not user.is_authenticated:
        return DealRoom.objects.none()
    rooms = DealRoom.objects.select_related(
        "request__plan", "request__profile__organisation", "closed_instrument"
    ).order_by("-created_at", "-id")
    if is_curator(user):
        return rooms
    # A subquery rather than a join on co-editors, so no room is listed twice.
    team = Q(request__plan__promoter=user) | Q(
        request__plan__in=ProjectPlan.objects.filter(co_editors=user).values("pk")
    )
    if is_investor(user) and user.organisation_confirmed and user.organisation_id:
        team |= Q(request__profile__organisation_id=user.organisation_id)
    return rooms.filter(team)


def get_room_for_user(user, pk) -> DealRoom:
    """The room if the user is a party or a curator; 404 for everybody else."""
    room = (
        DealRoom.objects.select_related(
            "request__plan__promoter",
            "request__plan__organisation",
            "request__plan__city",
            "request__profile__organisation",
            "request__instrument",
            "closed_instrument",
            "outcome_recorded_by",
        )
        .prefetch_related("request__plan__co_editors")
        .filter(pk=pk)
        .first()
    )
    if room is None or not permissions.can_enter_room(user, room):
        raise Http404
    return room


def room_team(room: DealRoom) -> list:
    """The plan's promoter and co-editors (prefetched by get_room_for_user)."""
    plan = room.request.plan
    return [plan.promoter, *plan.co_editors.all()]


def room_investors(room: DealRoom) -> QuerySet:
    """The confirmed investors of the organisation the request went to or came from."""
    return User.objects.filter(
        organisation_id=room.request.profile.organisation_id,
        organisation_confirmed=True,
        is_active=True,
        role_grants__role=Role.INVESTOR,
    ).distinct()


def room_messages(room: DealRoom) -> QuerySet[RoomMessage]:
    return room.messages.select_related("author").order_by("created_at", "id")


def room_documents(room: DealRoom) -> QuerySet[RoomDocument]:
    return room.documents.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def room_meetings(room: DealRoom) -> QuerySet[MeetingProposal]:
    return room.meetings.select_related("proposed_by", "chosen_slot", "chosen_by").prefetch_related(
        "slots"
    )


def room_timeline(room: DealRoom) -> QuerySet[DealEvent]:
    """Every step of the request and its room, oldest first."""
    return DealEvent.objects.filter(request_id=room.request_id).select_related("actor")


# --- Deal requests ------------------------------------------------------------------------------

REQUEST_RELATIONS = (
    "plan__city",
    "plan__organisation",
    "profile__organisation",
    "instrument",
    "sent_by",
    "room",
)


def requests_visible_to(user) -> QuerySet[DealRequest]:
    """Every request the user may read: their plans', their fund's; curators all."""
    if not user.is_authenticated:
        return DealRequest.objects.none()
    rows = DealRequest.objects.select_related(*REQUEST_RELATIONS)
    if is_curator(user):
        return rows
    return rows.filter(_promoter_side(user) | _investor_side(user))


def _promoter_side(user) -> Q:
    # A subquery rather than a join on co-editors, so no request is listed twice.
    return Q(plan__promoter=user) | Q(
        plan__in=ProjectPlan.objects.filter(co_editors=user).values("pk")
    )


def _co_edited(user) -> QuerySet:
    return ProjectPlan.objects.filter(co_editors=user).values("pk")


def _investor_side(user) -> Q:
    if is_investor(user) and user.organisation_confirmed and user.organisation_id:
        return Q(profile__organisation_id=user.organisation_id)
    return Q(pk__in=[])


def get_request_for_user(user, pk) -> DealRequest:
    """The request if the user is on one of its sides or a curator; 404 for everybody else."""
    deal_request = (
        DealRequest.objects.select_related(*REQUEST_RELATIONS, "plan__promoter", "decided_by")
        .prefetch_related("plan__co_editors")
        .filter(pk=pk)
        .first()
    )
    if deal_request is None or not permissions.can_view_request(user, deal_request):
        raise Http404
    return deal_request


def _by_deadline(rows: QuerySet[DealRequest]) -> QuerySet[DealRequest]:
    """Waiting requests first, the most urgent on top; answered ones after, newest first."""
    waiting_first = Case(
        When(status=DealRequest.Status.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return rows.annotate(waiting_first=waiting_first).order_by("waiting_first", "respond_by", "-id")


def request_inbox(*, user, filters: dict | None = None) -> QuerySet[DealRequest]:
    """An investor's requests: everything between their fund and promoters (curators: all)."""
    if is_curator(user):
        rows = DealRequest.objects.select_related(*REQUEST_RELATIONS)
    elif is_investor(user) and user.organisation_confirmed and user.organisation_id:
        rows = DealRequest.objects.select_related(*REQUEST_RELATIONS).filter(
            profile__organisation_id=user.organisation_id
        )
    else:
        rows = DealRequest.objects.none()
    return _by_deadline(requests_filtered(rows, filters or {}))


def requests_sent(*, user, filters: dict | None = None) -> QuerySet[DealRequest]:
    """What the user's side asked: the requests of their plans; those their fund sent."""
    if not user.is_authenticated:
        return DealRequest.objects.none()
    sent_by_fund = _investor_side(user) & Q(direction=DealRequest.Direction.TO_PROMOTER)
    rows = DealRequest.objects.select_related(*REQUEST_RELATIONS).filter(
        _promoter_side(user) | sent_by_fund
    )
    return _by_deadline(requests_filtered(rows, filters or {}))


def requests_filtered(rows: QuerySet[DealRequest], filters: dict) -> QuerySet[DealRequest]:
    """The filters the inbox, the sent list and the API share (cleaned values, all optional)."""
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("direction"):
        rows = rows.filter(direction=filters["direction"])
    if filters.get("area"):
        rows = rows.filter(plan__in=ProjectPlan.objects.filter(areas=filters["area"]).values("pk"))
    if filters.get("country"):
        code = filters["country"]
        # A plan is where its city is; without a city, where its organisation is.
        rows = rows.filter(
            Q(plan__city__country=code)
            | Q(plan__city__isnull=True, plan__organisation__country=code)
        )
    if filters.get("plan"):
        rows = rows.filter(plan_id=filters["plan"])
    return rows


def request_timeline(deal_request: DealRequest) -> QuerySet[DealEvent]:
    return DealEvent.objects.filter(request=deal_request).select_related("actor")


def profiles_for_promoter(user) -> QuerySet[InvestorProfile]:
    """Profiles a plan's team may pick from: open to members, or matched with one of its plans."""
    matched = Match.objects.filter(profile=OuterRef("pk")).filter(_promoter_side(user))
    return (
        InvestorProfile.objects.filter(
            Q(visibility=InvestorProfile.Visibility.MEMBERS) | Exists(matched)
        )
        .select_related("organisation")
        .order_by("organisation__name")
    )


def plans_for_requests(user) -> QuerySet[ProjectPlan]:
    """The user's bankable plans, the ones they may ask investors about."""
    return (
        ProjectPlan.objects.filter(status=PlanStatus.BANKABLE)
        .filter(Q(promoter=user) | Q(pk__in=_co_edited(user)))
        .order_by("title")
    )


@dataclass(frozen=True)
class Gap:
    """One reason an investor gave, and the checklist section it points the promoter at."""

    reason: str
    label: str
    dimension: str
    url: str


def decline_gaps(requests) -> dict[int, list[Gap]]:
    """The gap list of each declined request, by request id, in two queries for any number."""
    declined = [r for r in requests if r.status == DealRequest.Status.DECLINED]
    if not declined:
        return {}
    current = None
    if any(r.plan.checklist_template_id is None for r in declined):
        current = ChecklistTemplate.objects.filter(is_current=True).values_list("pk", flat=True)
        current = current.first()
    templates = {r.pk: r.plan.checklist_template_id or current for r in declined}
    dimensions = {
        (dimension.template_id, dimension.code): dimension
        for dimension in ChecklistDimension.objects.filter(
            template_id__in={pk for pk in templates.values() if pk},
            code__in=[code for code in DECLINE_REASON_DIMENSIONS.values() if code],
        )
    }
    gaps = {}
    for deal_request in declined:
        gaps[deal_request.pk] = [
            _gap(deal_request, code, dimensions.get((templates[deal_request.pk], _code(code))))
            for code in deal_request.decline_reasons
        ]
    return gaps


def _code(reason: str) -> str | None:
    return DECLINE_REASON_DIMENSIONS.get(reason)


def _gap(deal_request, reason: str, dimension) -> Gap:
    label = DeclineReason(reason).label if reason in DeclineReason.values else reason
    if dimension is None:
        return Gap(reason=reason, label=str(label), dimension="", url="")
    checklist = reverse("shape:plan-checklist", args=[deal_request.plan_id])
    return Gap(
        reason=reason,
        label=str(label),
        dimension=dimension.title,
        url=f"{checklist}#dimension-{dimension.pk}",
    )


def decline_gaps_for(*, user, requests) -> dict[int, list[Gap]]:
    """The gap lists as the user may follow them: the plan's team and curators get links into
    the checklist; the investor side reads the reasons it gave, without links it cannot open."""
    gaps = decline_gaps(requests)
    if not gaps or is_curator(user):
        return gaps
    plan_of = {r.pk: r.plan_id for r in requests if r.pk in gaps}
    team_plans = set(
        ProjectPlan.objects.filter(Q(promoter=user) | Q(co_editors=user))
        .filter(pk__in=set(plan_of.values()))
        .values_list("pk", flat=True)
    )
    return {
        pk: rows if plan_of[pk] in team_plans else [replace(gap, url="") for gap in rows]
        for pk, rows in gaps.items()
    }
