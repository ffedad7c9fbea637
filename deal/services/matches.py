"""Writes in Deal: investor profiles and the matches the scoring job keeps."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deal import matching, permissions, selectors
from deal.models import InvestorProfile, Match
from explore.models import Area
from marketplace import jobs
from marketplace.errors import NotAllowed
from shape.models import Instrument

PER_PLAN = 20
PER_INVESTOR = 50
PROFILE_FIELDS = [
    "kind",
    "ticket_min_eur",
    "ticket_max_eur",
    "eu_wide",
    "countries",
    "stages",
    "min_bankability",
    "exclusions",
    "visibility",
    "is_active",
]


@transaction.atomic
def investor_profile_save(*, organisation, actor, data: dict) -> InvestorProfile:
    """Create or change the organisation's profile; its matches are re-scored after commit."""
    if not permissions.can_keep_investor_profile(actor, organisation):
        raise NotAllowed(_("Only confirmed investors of this organisation keep its profile."))
    profile = InvestorProfile.objects.select_for_update().filter(
        organisation=organisation
    ).first() or InvestorProfile(organisation=organisation)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.updated_by = actor
    profile.full_clean(exclude=["organisation", "updated_by"])
    profile.save()
    for name in ("areas", "instruments"):
        if name in data:
            getattr(profile, name).set(data[name])
    jobs.enqueue("deal.tasks.rescore_profile", profile.pk)
    return profile


def _names() -> dict:
    """Area and instrument names by their bit, for the reasons shown with each match."""
    instrument_names = dict(Instrument.objects.values_list("pk", "name"))
    return {
        "areas": dict(Area.objects.values_list("bit", "name")),
        "instruments": {
            bit: instrument_names[pk] for pk, bit in selectors.instrument_bits().items()
        },
    }


def _match_rows(found: matching.Matches, plans, investors) -> list[Match]:
    names = _names()
    plan_rows = {int(pk): index for index, pk in enumerate(plans.ids)}
    investor_rows = {int(pk): index for index, pk in enumerate(investors.ids)}
    rows = []
    for plan_id, profile_id, total, parts in found.rows():
        reasons = matching.explain(
            parts,
            plans.row(plan_rows[plan_id]),
            investors.row(investor_rows[profile_id]),
            names,
            gettext=_,
            ngettext=ngettext,
        )
        rows.append(
            Match(
                plan_id=plan_id,
                profile_id=profile_id,
                score=Decimal(str(round(float(total), 1))),
                parts={key: round(float(value), 4) for key, value in parts.items()},
                reasons=reasons,
            )
        )
    return rows


def matches_rescore_all() -> int:
    """Score every bankable plan against every active profile and swap the results in."""
    plans = selectors.bankable_plan_arrays()
    investors = selectors.active_profile_arrays()
    rows = []
    if len(plans.ids) and len(investors.ids):
        found = matching.top_matches(plans, investors, per_plan=PER_PLAN, per_investor=PER_INVESTOR)
        rows = _match_rows(found, plans, investors)
    with transaction.atomic():
        # Readers see the old set or the new one, never a half-written mix.
        Match.objects.all().delete()
        Match.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def matches_rescore_plan(*, plan_id: int) -> int:
    """Re-score one plan against every active profile (it may have left the bankable state)."""
    Match.objects.filter(plan_id=plan_id).delete()
    plans = selectors.bankable_plan_arrays(plan_ids=[plan_id])
    investors = selectors.active_profile_arrays()
    if not len(plans.ids) or not len(investors.ids):
        return 0
    found = matching.top_matches(plans, investors, per_plan=PER_PLAN, per_investor=PER_INVESTOR)
    rows = Match.objects.bulk_create(_match_rows(found, plans, investors))
    _trim(group="profile", ids={row.profile_id for row in rows}, keep=PER_INVESTOR)
    return len(rows)


@transaction.atomic
def matches_rescore_profile(*, profile_id: int) -> int:
    """Re-score one profile against every bankable plan (a paused profile loses its matches)."""
    Match.objects.filter(profile_id=profile_id).delete()
    investors = selectors.active_profile_arrays(profile_ids=[profile_id])
    plans = selectors.bankable_plan_arrays()
    if not len(plans.ids) or not len(investors.ids):
        return 0
    found = matching.top_matches(plans, investors, per_plan=PER_PLAN, per_investor=PER_INVESTOR)
    rows = Match.objects.bulk_create(_match_rows(found, plans, investors))
    _trim(group="plan", ids={row.plan_id for row in rows}, keep=PER_PLAN)
    return len(rows)


def _trim(*, group: str, ids: set[int], keep: int) -> None:
    """Keep only the best `keep` matches of each plan or profile that just gained one."""
    crowded = (
        Match.objects.filter(**{f"{group}_id__in": ids})
        .values(f"{group}_id")
        .annotate(total=Count("id"))
        .filter(total__gt=keep)
        .values_list(f"{group}_id", flat=True)
    )
    for owner_id in crowded:
        surplus = Match.objects.filter(**{f"{group}_id": owner_id}).order_by("-score", "id")[keep:]
        Match.objects.filter(pk__in=list(surplus.values_list("pk", flat=True))).delete()
