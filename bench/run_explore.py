"""`make bench`: Explore's speed goals at 100,000 solutions on PostgreSQL.

1. The benchmark database is created when missing, migrated, and filled by
   `generate_catalogue` up to BENCH_SOLUTIONS published solutions.
2. Server-side latency, measured in this process with the ORM: search for a rare term,
   search for a common term with two facets, and facet counts alone, each with the
   cache emptied before every sample (the goals); for context, a search for two common
   terms, and a repeated search, cached.
3. Throughput over HTTP: gunicorn serves the app with production settings on the loopback,
   and wrk loads in turn a no-work baseline view B, the solution list/search page and
   solution detail pages. Page throughput is stated as a share of B's, measured in the
   same run, so the goals hold on any machine. For context, the frame every page is drawn
   in, with no content (what any page costs at least), and the list page once more from a
   server without any cache.

Prints every figure with its goal. Exits non-zero only when it could not measure; a missed
goal is printed, not raised.
"""

import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from bench.config import BenchConfig, BenchError
from bench.database import catalogue_prepare, database_ensure
from bench.environment import django_setup, production_environment
from bench.report import Row, latency_row, missed, table, throughput_row

RARE_SEARCH_P95_MS = 10
COMMON_SEARCH_P95_MS = 80
FACET_COUNTS_P95_MS = 50
LIST_SHARE_OF_BASELINE = 0.15
DETAIL_SHARE_OF_BASELINE = 0.35


def main() -> int:
    try:
        config = BenchConfig.from_env()
        database_ensure(config.database_url)
        with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
            env = production_environment(
                database_url=config.database_url, static_root=Path(static_root)
            )
            django_setup(env)
            rows = run(config, env)
    except (BenchError, ImproperlyConfigured) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print()
    print(table(rows))
    for row in missed(rows):
        print(f"Goal missed: {row.measure} is {row.figure}, the goal is {row.goal}.")
    return 0


def run(config: BenchConfig, env: dict[str, str]) -> list[Row]:
    from django.core.management import call_command
    from django.db import connection

    from bench.workload import workload_build

    solutions = catalogue_prepare(solutions=config.solutions)
    call_command("collectstatic", interactive=False, verbosity=0)
    workload = workload_build()
    print_conditions(config, solutions=solutions, server_version=connection.pg_version)
    rows = server_side_rows(config, workload)
    connection.close()  # the server's workers should not share the database with an idle us
    rows += throughput_rows(config, workload, env)
    return rows


def print_conditions(config: BenchConfig, *, solutions: int, server_version: int) -> None:
    major, minor = divmod(server_version, 10_000)
    print(
        f"Explore benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {solutions:,} published "
        f"solutions, PostgreSQL {major}.{minor}, Python {platform.python_version()}, "
        f"{len(os.sched_getaffinity(0))} CPUs, load average {os.getloadavg()[0]:.2f}.\n"
        f"Latency: {config.timed_runs} timed runs per figure. Throughput: gunicorn "
        f"{config.workers} workers; wrk {config.duration_seconds} s, {config.threads} threads, "
        f"{config.connections} connections, after {config.warmup_seconds} s of warm-up."
    )


def server_side_rows(config: BenchConfig, workload) -> list[Row]:
    from bench.latency import facet_counts, search_with_first_page, time_requests

    print("Timing search and facet counts in-process...")
    runs = config.timed_runs
    common_queries = workload.common_searches_with_two_facets
    rare = time_requests(search_with_first_page, workload.rare_searches, runs=runs)
    common = time_requests(search_with_first_page, common_queries, runs=runs)
    facets_common = time_requests(facet_counts, common_queries, runs=runs)
    facets_all = time_requests(facet_counts, workload.browse_all, runs=runs)
    two_words = time_requests(search_with_first_page, workload.two_common_words, runs=runs)
    common_warm = time_requests(search_with_first_page, common_queries, runs=runs, warm=True)
    rare_label = f"search, rare term (<= {max(rare.matches)} results)"
    common_label = (
        f"search, common term + two facets ({min(common.matches):,}-{max(common.matches):,})"
    )
    return [
        latency_row(f"{rare_label}, p50", rare.p50),
        latency_row(f"{rare_label}, p95{rare.runs_note}", rare.p95, limit_ms=RARE_SEARCH_P95_MS),
        latency_row(f"{common_label}, p50", common.p50),
        latency_row(
            f"{common_label}, p95{common.runs_note}", common.p95, limit_ms=COMMON_SEARCH_P95_MS
        ),
        latency_row(
            f"facet counts, common term + two facets, p95{facets_common.runs_note}",
            facets_common.p95,
            limit_ms=FACET_COUNTS_P95_MS,
        ),
        latency_row(
            f"facet counts, whole catalogue ({facets_all.matches[0]:,}), p95{facets_all.runs_note}",
            facets_all.p95,
            limit_ms=FACET_COUNTS_P95_MS,
        ),
        latency_row(
            f"  search, two common terms ({min(two_words.matches):,}-{max(two_words.matches):,}), "
            f"p95{two_words.runs_note}",
            two_words.p95,
        ),
        latency_row("  the same common-term search repeated (cached), p95", common_warm.p95),
    ]


def throughput_rows(config: BenchConfig, workload, env: dict[str, str]) -> list[Row]:
    from bench.load import gunicorn_serving

    frame_name = "  the page frame alone (base.html, no content)"
    targets = {
        "baseline view B": [workload.baseline_path],
        frame_name: [workload.frame_path],
        f"solution list/search page ({len(workload.list_paths)} URLs)": workload.list_paths,
        f"solution detail page ({len(workload.detail_paths)} URLs)": workload.detail_paths,
    }
    print("Starting gunicorn...")
    results = {}
    serving = {"workers": config.workers, "ready_path": workload.baseline_path}
    with gunicorn_serving(env=env, **serving) as base_url:
        for name, paths in targets.items():
            results[name] = load_page(config, base_url, name, paths)
    # For context: the same list URLs when nothing at all is cached, so that every request
    # counts, ranks and renders (as the first request after a catalogue change does).
    uncached_name = "  the same list URLs, nothing cached"
    print("Starting gunicorn without a cache...")
    with gunicorn_serving(env={**env, "BENCH_NO_CACHE": "true"}, **serving) as base_url:
        results[uncached_name] = load_page(config, base_url, uncached_name, workload.list_paths)
    baseline_name, _frame, list_name, detail_name = targets
    baseline = results[baseline_name].requests_per_second
    rows = [Row(baseline_name, f"{baseline:,.0f} req/s")]
    for name, minimum_share in [
        (frame_name, None),
        (list_name, LIST_SHARE_OF_BASELINE),
        (uncached_name, None),
        (detail_name, DETAIL_SHARE_OF_BASELINE),
    ]:
        speed = results[name].requests_per_second
        if minimum_share is None:
            rows.append(Row(name, f"{speed:,.0f} req/s = {speed / baseline:.3f} x B"))
        else:
            rows.append(throughput_row(name, speed, baseline=baseline, minimum_share=minimum_share))
    for name, result in results.items():
        rows.append(
            Row(
                f"  {name.strip()}, latency p50 / p99",
                f"{result.p50_ms:.1f} / {result.p99_ms:.1f} ms",
            )
        )
    return rows


def load_page(config: BenchConfig, base_url: str, name: str, paths: list[str]):
    from bench.load import check_pages_answer, wrk_run

    check_pages_answer(base_url, paths)
    load = {"threads": config.threads, "connections": config.connections}
    if config.warmup_seconds:
        wrk_run(base_url, paths, seconds=config.warmup_seconds, **load)
    print(f"Loading {name.strip()} for {config.duration_seconds} s...")
    return wrk_run(base_url, paths, seconds=config.duration_seconds, **load)


if __name__ == "__main__":
    sys.exit(main())
