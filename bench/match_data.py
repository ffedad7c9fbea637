"""The matchmaking benchmark's database: generated plans and profiles, and the timed runs.

Runs inside a child process of `bench.run_matching` with Django set up against the
benchmark's own PostgreSQL database. The data comes from the same seeded generators as the
array benchmark, written with bulk inserts: organisations, people with their roles, cities,
bankable plans and investor profiles with their areas and instruments.
"""

import resource
import statistics
import sys
import time
import uuid

import numpy as np
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from accounts.models import Organisation, Role, RoleGrant, User
from bench.run_matching import investors_generate, plans_generate
from deal.models import InvestorProfile, Match, MatchDecision
from deal.services import matches as services
from explore.models import Area, City
from shape.models import Instrument, PlanStatus, ProjectPlan, Stage

PREFIX = "bench-match"
# The generators' 27 country indexes, as the EU member states.
EU = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
PROMOTERS = 200
ONE_PLAN_RUNS = 7
BATCH = 2000


def prepare(*, plans: int, profiles: int) -> None:
    """Migrate, and generate the data unless the database holds exactly this much already."""
    call_command("migrate", interactive=False, verbosity=0)
    have_plans = ProjectPlan.objects.filter(title__startswith="Bench plan").count()
    have_profiles = InvestorProfile.objects.filter(
        organisation__slug__startswith=f"{PREFIX}-fund-"
    ).count()
    if (have_plans, have_profiles) != (plans, profiles):
        print(f"Generating {plans:,} bankable plans and {profiles:,} investor profiles.")
        started = time.perf_counter()
        _clear()
        rng = np.random.default_rng(20250601)
        plan_arrays = plans_generate(rng, plans)
        investor_arrays = investors_generate(rng, profiles)
        with transaction.atomic():
            _generate(plan_arrays, investor_arrays)
        print(f"Generated in {time.perf_counter() - started:.1f} s.")
        # Fresh statistics, as a database in service has them.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    if not Match.objects.exists():
        # The first run announces every strong match; later ones, like the measured run, a few.
        print("Scoring once so the measured run replaces matches, as the nightly run does.")
        started = time.perf_counter()
        services.matches_rescore_all()
        print(
            f"First full run into an empty table (every pair inserted, every strong match "
            f"announced, then VACUUM): {time.perf_counter() - started:.1f} s."
        )


def _clear() -> None:
    Match.objects.all().delete()
    MatchDecision.objects.all().delete()
    ProjectPlan.objects.filter(title__startswith="Bench plan").delete()
    InvestorProfile.objects.filter(organisation__slug__startswith=PREFIX).delete()
    User.objects.filter(email__startswith=PREFIX).delete()
    Organisation.objects.filter(slug__startswith=PREFIX).delete()
    City.objects.filter(slug__startswith=PREFIX).delete()


def _bit_ids(mask: int, ids_by_bit: dict[int, int]) -> list[int]:
    return [pk for bit, pk in ids_by_bit.items() if (mask >> bit) & 1]


def _generate(plan_arrays, investor_arrays) -> None:
    area_by_bit = dict(Area.objects.filter(bit__isnull=False).values_list("bit", "pk"))
    instrument_by_bit = dict(
        enumerate(Instrument.objects.order_by("pk").values_list("pk", flat=True))
    )
    stages = Stage.values

    cities = City.objects.bulk_create(
        [
            City(name=f"Bench city {code}", slug=f"{PREFIX}-{code.lower()}", country=code,
                 latitude=50, longitude=10)
            for code in EU
        ]
    )  # fmt: skip
    towns = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench town {code}", slug=f"{PREFIX}-town-{code.lower()}",
                         kind=Organisation.Kind.CITY, country=code)
            for code in EU
        ]
    )  # fmt: skip
    funds = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench fund {j}", slug=f"{PREFIX}-fund-{j}",
                         kind=Organisation.Kind.INVESTOR, country="LU")
            for j in range(len(investor_arrays))
        ],
        batch_size=BATCH,
    )  # fmt: skip
    promoters = User.objects.bulk_create(
        [
            User(email=f"{PREFIX}-promoter-{i}@example.org", password="!",
                 organisation=towns[i % len(towns)], organisation_confirmed=True)
            for i in range(PROMOTERS)
        ]
    )  # fmt: skip
    investors = User.objects.bulk_create(
        [
            User(email=f"{PREFIX}-investor-{j}@example.org", password="!", organisation=fund,
                 organisation_confirmed=True)
            for j, fund in enumerate(funds)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    grants = [RoleGrant(user=user, role=Role.MEMBER) for user in [*promoters, *investors]]
    grants += [RoleGrant(user=user, role=Role.PROMOTER) for user in promoters]
    grants += [RoleGrant(user=user, role=Role.INVESTOR) for user in investors]
    RoleGrant.objects.bulk_create(grants, batch_size=BATCH)

    profiles = InvestorProfile.objects.bulk_create(
        [
            InvestorProfile(
                organisation=fund,
                kind="infrastructure_fund",
                ticket_min_eur=int(investor_arrays.ticket_min[j]),
                ticket_max_eur=int(investor_arrays.ticket_max[j]),
                eu_wide=bool(investor_arrays.eu_wide[j]),
                countries=[EU[c] for c in np.flatnonzero(investor_arrays.countries[j])],
                stages=[stage for s, stage in enumerate(stages)
                        if investor_arrays.stage_mask[j] >> s & 1],
                min_bankability=int(investor_arrays.min_score[j]),
                updated_by=investors[j],
            )
            for j, fund in enumerate(funds)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    InvestorProfile.areas.through.objects.bulk_create(
        [
            InvestorProfile.areas.through(investorprofile_id=profile.pk, area_id=area_id)
            for j, profile in enumerate(profiles)
            for area_id in _bit_ids(int(investor_arrays.area_mask[j]), area_by_bit)
        ],
        batch_size=BATCH * 5,
    )
    InvestorProfile.instruments.through.objects.bulk_create(
        [
            InvestorProfile.instruments.through(investorprofile_id=profile.pk, instrument_id=pk)
            for j, profile in enumerate(profiles)
            for pk in _bit_ids(int(investor_arrays.instrument_mask[j]), instrument_by_bit)
        ],
        batch_size=BATCH * 5,
    )

    plans = []
    for i in range(len(plan_arrays)):
        country = int(plan_arrays.country[i])
        promoter = promoters[i % PROMOTERS]
        funding = int(plan_arrays.funding[i])
        plans.append(
            ProjectPlan(
                title=f"Bench plan {i}",
                promoter=promoter,
                organisation=promoter.organisation if country >= 0 else None,
                city=cities[country] if country >= 0 else None,
                stage=stages[int(plan_arrays.stage[i])],
                total_investment_eur=funding,
                funding_sought_eur=funding,
                bankability_score=int(round(float(plan_arrays.score[i]))),
                status=PlanStatus.BANKABLE,
            )
        )
    plans = ProjectPlan.objects.bulk_create(plans, batch_size=BATCH)
    ProjectPlan.areas.through.objects.bulk_create(
        [
            ProjectPlan.areas.through(projectplan_id=plan.pk, area_id=area_id)
            for i, plan in enumerate(plans)
            for area_id in _bit_ids(int(plan_arrays.area_mask[i]), area_by_bit)
        ],
        batch_size=BATCH * 5,
    )
    ProjectPlan.instruments.through.objects.bulk_create(
        [
            ProjectPlan.instruments.through(projectplan_id=plan.pk, instrument_id=pk)
            for i, plan in enumerate(plans)
            for pk in _bit_ids(int(plan_arrays.instrument_mask[i]), instrument_by_bit)
        ],
        batch_size=BATCH * 5,
    )


def measure() -> dict:
    """The full re-score as the nightly task runs it, then single changed plans."""
    run_id = uuid.uuid4().hex
    started = time.perf_counter()
    matches = services.matches_rescore_all(run_id=run_id)
    full_seconds = time.perf_counter() - started
    phases = cache.get(services._progress_key(run_id), {}).get("phases", {})
    # maxrss is in KiB on Linux, in bytes on macOS.
    rss_unit = 1 if sys.platform == "darwin" else 1024
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * rss_unit / 2**20

    every_plan = list(
        ProjectPlan.objects.filter(title__startswith="Bench plan")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    plan_ids = every_plan[:: max(1, len(every_plan) // ONE_PLAN_RUNS)][:ONE_PLAN_RUNS]
    one_plan_ms = []
    for plan_id in plan_ids:
        # A changed plan: the promoter asks for 10 % more, the change that moves most scores.
        ProjectPlan.objects.filter(pk=plan_id).update(
            funding_sought_eur=ProjectPlan.objects.get(pk=plan_id).funding_sought_eur * 11 // 10,
            total_investment_eur=None,
        )
        started = time.perf_counter()
        services.matches_rescore_plan(plan_id=plan_id)
        one_plan_ms.append((time.perf_counter() - started) * 1000)
    return {
        "matches": matches,
        "full_seconds": full_seconds,
        "phases": phases,
        "peak_rss_mb": peak_rss_mb,
        "one_plan_ms": statistics.median(one_plan_ms),
        "one_plan_all_ms": one_plan_ms,
        "one_plan_runs": len(one_plan_ms),
    }
