"""`make bench-match`: the matchmaking job's speed and memory goals, without a database.

Generates BENCH_PLANS bankable plans and BENCH_INVESTORS investor profiles as arrays
(seeded, so runs compare), then measures:

1. the full scoring with `top_matches` (best of BENCH_MATCH_RUNS runs);
2. the process's peak memory (maxrss), and NumPy's own peak during one run (tracemalloc);
3. the vectorised scorer against `reference_score` on the same sample of pairs.

Prints every figure with its goal; a missed goal is printed, not raised.
"""

import platform
import resource
import sys
import time
import tracemalloc

import numpy as np

from bench.report import Row, missed, table
from deal.matching import InvestorArrays, PlanArrays, reference_score, score_chunk, top_matches
from marketplace.env import env_int

FULL_RUN_SECONDS = 2.0
PEAK_MEMORY_MB = 500
SPEED_RATIO = 30
AREAS = 12
INSTRUMENTS = 6  # grant, loan, equity, guarantee, green bond, PPP
COUNTRIES = 27
STAGES = 6


def random_masks(rng, n: int, bits: int, low: int, high: int) -> np.ndarray:
    """n masks with `low`..`high` distinct bits among `bits`."""
    counts = rng.integers(low, high + 1, n)
    order = np.argsort(rng.random((n, bits)), axis=1)
    chosen = np.arange(bits) < counts[:, None]  # the first `count` of a random order
    masks = np.zeros(n, np.int64)
    for column in range(bits):
        masks |= np.where(chosen[:, column], np.int64(1) << order[:, column], 0)
    return masks


def plans_generate(rng, n: int) -> PlanArrays:
    country = rng.integers(0, COUNTRIES, n)
    country[rng.random(n) < 0.02] = -1
    return PlanArrays(
        ids=np.arange(1, n + 1),
        area_mask=random_masks(rng, n, AREAS, 1, 4),
        country=country,
        # Median EUR 5 m, from tens of thousands to a few hundred million.
        funding=np.clip(rng.lognormal(np.log(5e6), 1.2, n), 5e4, 5e8).round(-3),
        instrument_mask=random_masks(rng, n, INSTRUMENTS, 1, 3),
        stage=rng.choice(STAGES, n, p=[0.10, 0.20, 0.25, 0.25, 0.12, 0.08]),
        score=(rng.beta(4, 3, n) * 100).round(1),
    )


def investors_generate(rng, n: int) -> InvestorArrays:
    ticket_min = rng.lognormal(np.log(1e6), 1.0, n).round(-4)
    ticket_min[rng.random(n) < 0.1] = 0
    ticket_max = np.maximum(ticket_min, 1e5) * rng.uniform(3, 30, n)
    first_stage = rng.integers(0, STAGES, n)
    span = rng.integers(1, 5, n)
    last_stage = np.minimum(first_stage + span, STAGES)
    stage_mask = (np.int64(1) << last_stage) - (np.int64(1) << first_stage)
    countries = np.zeros((n, COUNTRIES), bool)
    for j, k in enumerate(rng.integers(1, 6, n)):
        countries[j, rng.choice(COUNTRIES, k, replace=False)] = True
    min_score = rng.uniform(30, 70, n).round()
    min_score[rng.random(n) < 0.4] = 0
    return InvestorArrays(
        ids=np.arange(1, n + 1),
        area_mask=random_masks(rng, n, AREAS, 2, 8),
        ticket_min=ticket_min,
        ticket_max=ticket_max,
        instrument_mask=random_masks(rng, n, INSTRUMENTS, 1, 3),
        stage_mask=stage_mask,
        min_score=min_score,
        countries=countries,
        eu_wide=rng.random(n) < 0.25,
    )


def main() -> int:
    n_plans = env_int("BENCH_PLANS", 10_000, minimum=1)
    n_investors = env_int("BENCH_INVESTORS", 2_000, minimum=1)
    runs = env_int("BENCH_MATCH_RUNS", 3, minimum=1)
    sample = env_int("BENCH_MATCH_SAMPLE", 200, minimum=1)
    rng = np.random.default_rng(20250601)
    plans = plans_generate(rng, n_plans)
    investors = investors_generate(rng, n_investors)
    print(
        f"Matchmaking benchmark: {n_plans:,} plans x {n_investors:,} investor profiles, "
        f"NumPy {np.__version__}, Python {platform.python_version()}."
    )

    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        matches = top_matches(plans, investors)
        timings.append(time.perf_counter() - started)
    best = min(timings)

    tracemalloc.start()
    top_matches(plans, investors)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # maxrss is in KiB on Linux, in bytes on macOS.
    rss_unit = 1 if sys.platform == "darwin" else 1024
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * rss_unit

    sample_plans = plans.take(slice(0, min(sample, n_plans)))
    sample_investors = investors.take(slice(0, min(sample, n_investors)))
    pairs = len(sample_plans) * len(sample_investors)
    started = time.perf_counter()
    score_chunk(sample_plans, sample_investors, slice(None))
    vectorised = time.perf_counter() - started
    plan_rows = [sample_plans.row(i) for i in range(len(sample_plans))]
    investor_rows = [sample_investors.row(j) for j in range(len(sample_investors))]
    started = time.perf_counter()
    for plan in plan_rows:
        for investor in investor_rows:
            reference_score(plan, investor)
    reference = time.perf_counter() - started
    ratio = reference / vectorised

    per_plan = np.unique(matches.plan_ids).size
    rows = [
        Row(
            f"top_matches, full run (best of {runs})",
            f"{best:.2f} s",
            f"<= {FULL_RUN_SECONDS:g} s",
            best <= FULL_RUN_SECONDS,
        ),
        Row("  every run", " / ".join(f"{seconds:.2f}" for seconds in timings) + " s"),
        Row("  matches kept", f"{len(matches):,} ({per_plan:,} plans)"),
        Row(
            "peak memory, whole process (maxrss)",
            f"{peak_rss / 2**20:.0f} MB",
            f"<= {PEAK_MEMORY_MB} MB",
            peak_rss <= PEAK_MEMORY_MB * 2**20,
        ),
        Row("  peak traced during one run (tracemalloc)", f"{traced_peak / 2**20:.0f} MB"),
        Row(
            f"vectorised vs reference scorer ({pairs:,} pairs)",
            f"{ratio:,.0f} x",
            f">= {SPEED_RATIO} x",
            ratio >= SPEED_RATIO,
        ),
        Row(
            "  per pair: vectorised / reference",
            f"{vectorised / pairs * 1e9:.0f} ns / {reference / pairs * 1e6:.1f} us",
        ),
    ]
    print()
    print(table(rows))
    for row in missed(rows):
        print(f"Goal missed: {row.measure} is {row.figure}, the goal is {row.goal}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
