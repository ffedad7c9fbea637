"""Reads for Deal: the arrays the scoring job works on, and the precomputed matches."""

import numpy as np
from django.db.models import Exists, OuterRef, QuerySet
from django_countries import countries

from deal.matching import InvestorArrays, PlanArrays
from deal.models import InvestorProfile, Match, MatchDecision
from explore.models import Area
from shape.models import Instrument, PlanStatus, ProjectPlan, Stage

STAGE_INDEX = {stage: index for index, stage in enumerate(Stage.values)}
COUNTRY_INDEX = {code: index for index, code in enumerate(sorted(dict(countries)))}


def instrument_bits() -> dict[int, int]:
    """Instrument id → its bit in the masks, stable for a given set of instruments."""
    return {
        pk: bit
        for bit, pk in enumerate(Instrument.objects.order_by("pk").values_list("pk", flat=True))
    }


def _mask(ids, bits: dict[int, int]) -> int:
    mask = 0
    for pk in ids:
        mask |= 1 << bits[pk]
    return mask


def bankable_plan_arrays(*, plan_ids=None) -> PlanArrays:
    plans = ProjectPlan.objects.filter(status=PlanStatus.BANKABLE, funding_sought_eur__gt=0)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    plans = plans.select_related("city", "organisation").prefetch_related("areas", "instruments")
    area_bits = dict(Area.objects.values_list("pk", "bit"))
    instruments = instrument_bits()
    rows = list(plans)
    return PlanArrays(
        ids=np.array([plan.pk for plan in rows], dtype=np.int64),
        area_mask=np.array(
            [_mask((a.pk for a in plan.areas.all()), area_bits) for plan in rows], dtype=np.int64
        ),
        country=np.array([_plan_country(plan) for plan in rows], dtype=np.int32),
        funding=np.array([float(plan.funding_sought_eur) for plan in rows], dtype=np.float64),
        instrument_mask=np.array(
            [_mask((i.pk for i in plan.instruments.all()), instruments) for plan in rows],
            dtype=np.int64,
        ),
        stage=np.array([STAGE_INDEX[plan.stage] for plan in rows], dtype=np.int8),
        score=np.array([float(plan.bankability_score) for plan in rows], dtype=np.float64),
    )


def _plan_country(plan) -> int:
    country = plan.city.country.code if plan.city_id else ""
    if not country and plan.organisation_id:
        country = plan.organisation.country.code
    return COUNTRY_INDEX.get(country, -1)


def active_profile_arrays(*, profile_ids=None) -> InvestorArrays:
    profiles = InvestorProfile.objects.filter(is_active=True)
    if profile_ids is not None:
        profiles = profiles.filter(pk__in=profile_ids)
    profiles = list(profiles.prefetch_related("areas", "instruments"))
    area_bits = dict(Area.objects.values_list("pk", "bit"))
    instruments = instrument_bits()
    country_matrix = np.zeros((len(profiles), len(COUNTRY_INDEX)), dtype=bool)
    for row, profile in enumerate(profiles):
        for code in profile.countries:
            if code in COUNTRY_INDEX:
                country_matrix[row, COUNTRY_INDEX[code]] = True
    return InvestorArrays(
        ids=np.array([p.pk for p in profiles], dtype=np.int64),
        area_mask=np.array(
            [_mask((a.pk for a in p.areas.all()), area_bits) for p in profiles], dtype=np.int64
        ),
        countries=country_matrix,
        eu_wide=np.array([p.eu_wide for p in profiles], dtype=bool),
        ticket_min=np.array([float(p.ticket_min_eur) for p in profiles], dtype=np.float64),
        ticket_max=np.array([float(p.ticket_max_eur) for p in profiles], dtype=np.float64),
        instrument_mask=np.array(
            [_mask((i.pk for i in p.instruments.all()), instruments) for p in profiles],
            dtype=np.int64,
        ),
        stage_mask=np.array(
            [sum(1 << STAGE_INDEX[stage] for stage in set(p.stages)) for p in profiles],
            dtype=np.int64,
        ),
        min_score=np.array([float(p.min_bankability) for p in profiles], dtype=np.float64),
    )


def plans_for_investor(*, profile: InvestorProfile) -> QuerySet[Match]:
    """Precomputed matches only: "Plans for you", without dismissed plans that did not change."""
    dismissed_unchanged = MatchDecision.objects.filter(
        profile=profile,
        plan=OuterRef("plan"),
        decision=MatchDecision.Decision.DISMISSED,
        plan_updated_at__gte=OuterRef("plan__updated_at"),
    )
    return (
        Match.objects.filter(profile=profile)
        .exclude(Exists(dismissed_unchanged))
        .select_related("plan", "plan__city")
        .order_by("-score", "id")
    )


def investors_for_plan(*, plan: ProjectPlan) -> QuerySet[Match]:
    return (
        Match.objects.filter(plan=plan, profile__is_active=True)
        .select_related("profile", "profile__organisation")
        .order_by("-score", "id")[:20]
    )
