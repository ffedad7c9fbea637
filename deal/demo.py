"""Deal demo data: investor profiles for the demo financing organisations, a few bankable
plans of the demo promoter, and their matches. Safe to run again: it updates, never
duplicates. Other Deal parts may append their own demo functions below and call them from
`load`.
"""

from django.db import transaction

from accounts.models import Organisation, User
from deal.models import InvestorProfile
from deal.services import matches as services
from explore.models import Area, City
from shape.models import Instrument, PlanStatus, ProjectPlan

DEMO_PROMOTER_EMAIL = "promoter@example.org"

# organisation name → the profile's fields, its areas (slugs) and instruments (codes)
PROFILES = {
    "Greenbridge Infrastructure Fund": {
        "fields": {
            "kind": "infrastructure_fund",
            "ticket_min_eur": 2_000_000,
            "ticket_max_eur": 40_000_000,
            "eu_wide": True,
            "countries": [],
            "stages": ["feasibility", "procurement_ready", "in_implementation"],
            "min_bankability": 60,
            "exclusions": "Fossil-fuel generation; projects without a public partner.",
            "visibility": InvestorProfile.Visibility.MEMBERS,
        },
        "areas": 5,
        "instruments": ["loan", "equity", "ppp"],
    },
    "Baltic Cooperative Bank": {
        "fields": {
            "kind": "commercial_bank",
            "ticket_min_eur": 500_000,
            "ticket_max_eur": 10_000_000,
            "eu_wide": False,
            "countries": ["LT", "LV", "EE", "FI", "SE", "NL"],
            "stages": ["procurement_ready", "in_implementation"],
            "min_bankability": 70,
            "exclusions": "",
            "visibility": InvestorProfile.Visibility.MATCHED,
        },
        "areas": 3,
        "instruments": ["loan", "guarantee"],
    },
    "Regional Development Finance Agency": {
        "fields": {
            "kind": "public_finance",
            "ticket_min_eur": 100_000,
            "ticket_max_eur": 5_000_000,
            "eu_wide": False,
            "countries": ["PT", "ES", "NL"],
            "stages": ["concept", "pre_feasibility", "feasibility"],
            "min_bankability": 40,
            "exclusions": "",
            "visibility": InvestorProfile.Visibility.MEMBERS,
        },
        "areas": 8,
        "instruments": ["grant", "loan", "guarantee"],
    },
}

# title → fields, number of areas, instruments (codes)
PLANS = {
    "Eindhoven low-temperature heat network": (
        {"stage": "feasibility", "total_investment_eur": 18_000_000,
         "funding_sought_eur": 12_000_000, "bankability_score": 82},
        3, ["loan", "ppp"],
    ),
    "Eindhoven e-bus depot with smart charging": (
        {"stage": "procurement_ready", "total_investment_eur": 9_500_000,
         "funding_sought_eur": 6_000_000, "bankability_score": 76},
        2, ["loan", "guarantee"],
    ),
    "Eindhoven open data platform for districts": (
        {"stage": "pre_feasibility", "total_investment_eur": 1_800_000,
         "funding_sought_eur": 1_200_000, "bankability_score": 64},
        2, ["grant"],
    ),
}  # fmt: skip
SUMMARY = "A demo plan of the City of Eindhoven, found bankable by a curator."


@transaction.atomic
def load() -> dict[str, int]:
    """Create or refresh the Deal demo data; returns how many rows of each kind it touched."""
    profiles = _profiles_load()
    plans = _plans_load()
    matches = services.matches_rescore_all()
    requests = _requests_load()
    return {
        "investor_profiles": len(profiles),
        "bankable_plans": len(plans),
        "matches": matches,
        "deal_requests": len(requests),
    }


def _profiles_load() -> list[InvestorProfile]:
    areas = list(Area.objects.order_by("position", "pk"))
    instruments = {instrument.code: instrument for instrument in Instrument.objects.all()}
    profiles = []
    for name, spec in PROFILES.items():
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        updated_by = User.objects.filter(organisation=organisation).first()
        profile, _created = InvestorProfile.objects.update_or_create(
            organisation=organisation, defaults={**spec["fields"], "updated_by": updated_by}
        )
        profile.areas.set(areas[: spec["areas"]])
        profile.instruments.set(
            [instruments[code] for code in spec["instruments"] if code in instruments]
        )
        profiles.append(profile)
    return profiles


def _plans_load() -> list[ProjectPlan]:
    promoter = User.objects.filter(email=DEMO_PROMOTER_EMAIL).first()
    if promoter is None:
        return []
    city = City.objects.filter(slug="eindhoven").first()
    areas = list(Area.objects.order_by("position", "pk"))
    instruments = {instrument.code: instrument for instrument in Instrument.objects.all()}
    plans = []
    for title, (fields, area_count, codes) in PLANS.items():
        plan, _created = ProjectPlan.objects.update_or_create(
            title=title,
            promoter=promoter,
            defaults={
                **fields,
                "organisation": promoter.organisation,
                "city": city,
                "summary": SUMMARY,
                "status": PlanStatus.BANKABLE,
            },
        )
        plan.areas.set(areas[:area_count])
        plan.instruments.set([instruments[code] for code in codes if code in instruments])
        plans.append(plan)
    return plans


# --- Deal requests (the requests part) ------------------------------------------------------
# (plan title, investor organisation, direction, status, instrument, amount, decline reasons)
REQUESTS = [
    ("Eindhoven low-temperature heat network", "Greenbridge Infrastructure Fund",
     "to_investor", "pending", "loan", 10_000_000, []),
    ("Eindhoven e-bus depot with smart charging", "Greenbridge Infrastructure Fund",
     "to_investor", "accepted", "loan", 5_000_000, []),
    ("Eindhoven open data platform for districts", "Regional Development Finance Agency",
     "to_investor", "declined", "grant", 1_000_000, ["revenues", "monitoring"]),
    ("Eindhoven open data platform for districts", "Greenbridge Infrastructure Fund",
     "to_promoter", "withdrawn", "loan", 3_000_000, []),
]  # fmt: skip
REQUEST_MESSAGE = "A demo request: we would like to discuss financing this plan one to one."


def _requests_load() -> list:
    """A few requests in different states between the demo plans and profiles (no e-mails)."""
    from datetime import timedelta

    from django.utils import timezone

    from deal.models import DealEvent, DealRequest, DealRoom

    now = timezone.now()
    created = []
    for title, investor, direction, status, code, amount, reasons in REQUESTS:
        plan = ProjectPlan.objects.filter(title=title).first()
        profile = InvestorProfile.objects.filter(organisation__name=investor).first()
        instrument = Instrument.objects.filter(code=code).first()
        if plan is None or profile is None or instrument is None:
            continue
        if DealRequest.objects.filter(plan=plan, profile=profile).exists():
            continue
        sender = plan.promoter if direction == "to_investor" else profile.updated_by
        if sender is None:
            continue
        deal_request = DealRequest.objects.create(
            plan=plan,
            profile=profile,
            direction=direction,
            sent_by=sender,
            message=REQUEST_MESSAGE,
            instrument=instrument,
            amount_eur=amount,
            status=status,
            respond_by=now + timedelta(days=14),
            decided_at=None if status == "pending" else now,
            decline_reasons=reasons,
            decline_note="Demo: show us the revenue model and a baseline." if reasons else "",
        )
        DealEvent.objects.create(request=deal_request, actor=sender, kind=DealEvent.Kind.SENT)
        if status != "pending":
            DealEvent.objects.create(request=deal_request, kind=status)
        if status == "accepted":
            DealRoom.objects.get_or_create(request=deal_request)
        created.append(deal_request)
    return created
