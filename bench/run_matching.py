"""`make bench-match`: the matchmaking job's speed and memory goals.

Generates BENCH_PLANS bankable plans and BENCH_INVESTORS investor profiles as arrays
(seeded, so runs compare), then measures:

1. the full scoring with `top_matches` (best of BENCH_MATCH_RUNS runs);
2. the process's peak memory (maxrss), and NumPy's own peak during one run (tracemalloc);
3. the vectorised scorer against `reference_score` on the same sample of pairs;
4. end to end on PostgreSQL (BENCH_MATCH_DATABASE_URL, created if missing; the same data
   written with bulk inserts): the full re-score (load, score, explain, write, swap) and
   its peak memory, and re-scoring one changed plan. Set BENCH_MATCH_DATABASE=false to
   skip this part.

The database part runs in child processes (`--database-stage prepare|measure`), so that
the measured peak memory is the re-score's own, not this process's arrays.

Prints every figure with its goal; a missed goal is printed, not raised.
"""

import json
import os
import platform
import resource
import secrets
import subprocess
import sys
import time
import tracemalloc

import numpy as np

from bench.config import BenchError
from bench.database import database_ensure
from bench.report import Row, missed, table
from deal.matching import InvestorArrays, PlanArrays, reference_score, score_chunk, top_matches
from marketplace.env import env_bool, env_int, env_str

FULL_RUN_SECONDS = 2.0
END_TO_END_SECONDS = 30.0
ONE_PLAN_MS = 250.0
PEAK_MEMORY_MB = 500
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/marketplace_bench_match"
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
    if env_bool("BENCH_MATCH_DATABASE", True):
        rows += database_rows(n_plans, n_investors)
    print()
    print(table(rows))
    for row in missed(rows):
        print(f"Goal missed: {row.measure} is {row.figure}, the goal is {row.goal}.")
    return 0


# --- End to end on PostgreSQL -----------------------------------------------------------


def database_rows(n_plans: int, n_investors: int) -> list[Row]:
    url = env_str("BENCH_MATCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    try:
        name = database_ensure(url)
    except BenchError as error:
        print(f"Skipping the database part: {error}")
        return [Row("end to end on PostgreSQL", "not measured", "", False)]
    env = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=url,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        BENCH_PLANS=str(n_plans),
        BENCH_INVESTORS=str(n_investors),
    )
    print(f"End to end on PostgreSQL, database {name}:")
    command = [sys.executable, "-m", "bench.run_matching", "--database-stage"]
    subprocess.run([*command, "prepare"], env=env, check=True)
    measured = subprocess.run(
        [*command, "measure"], env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    figures = json.loads(measured.stdout.strip().splitlines()[-1])
    full, one = figures["full_seconds"], figures["one_plan_ms"]
    peak = figures["peak_rss_mb"]
    phases = " / ".join(f"{phase} {seconds:.1f}" for phase, seconds in figures["phases"].items())
    return [
        Row(
            "full re-score end to end (load, score, write, swap)",
            f"{full:.1f} s",
            f"<= {END_TO_END_SECONDS:g} s",
            full <= END_TO_END_SECONDS,
        ),
        Row("  phases (s)", phases),
        Row("  matches written", f"{figures['matches']:,}"),
        Row(
            "peak memory, full re-score process (maxrss)",
            f"{peak:.0f} MB",
            f"<= {PEAK_MEMORY_MB} MB",
            peak <= PEAK_MEMORY_MB,
        ),
        Row(
            f"re-score one changed plan end to end (median of {figures['one_plan_runs']})",
            f"{one:.0f} ms",
            f"<= {ONE_PLAN_MS:g} ms",
            one <= ONE_PLAN_MS,
        ),
        Row("  every run", " / ".join(f"{ms:.0f}" for ms in figures["one_plan_all_ms"]) + " ms"),
    ]


def _database_stage(stage: str) -> int:
    """In a child process: Django on the benchmark database, then prepare or measure."""
    import logging

    import django

    django.setup()
    # Without Redis the notification e-mails run in-process; their log lines are noise here.
    logging.getLogger("celery").setLevel(logging.WARNING)
    from bench import match_data

    if stage == "prepare":
        match_data.prepare(
            plans=env_int("BENCH_PLANS", 10_000, minimum=1),
            profiles=env_int("BENCH_INVESTORS", 2_000, minimum=1),
        )
    else:
        print(json.dumps(match_data.measure()))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--database-stage":
        sys.exit(_database_stage(sys.argv[2]))
    sys.exit(main())
