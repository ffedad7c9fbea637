"""Server-side timings, taken in this process, of the work the solution list does per request.

Each sample validates the filters, runs `solution_search` (which counts the facets) and,
for a search, fetches the first page with its joins, as the view does before rendering.
Cold samples empty the cache first (outside the timed part), so every sample counts and
ranks in the database, as the first request after a catalogue change does; warm samples
repeat a search whose counts and first page the cache holds for this catalogue version.
Needs Django set up against the benchmark database.
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.http import QueryDict

from bench.config import BenchError
from explore.filters import SolutionFilter
from explore.selectors import SolutionSearchResult, solution_search
from explore.views.catalogue import PAGE_SIZE

WARMUP_ROUNDS = 2
# A slow query would otherwise hold the run for minutes; this many samples still show its p95.
TIME_BUDGET_SECONDS = 20
MINIMUM_SAMPLES = 10


@dataclass(frozen=True)
class Timing:
    samples_ms: list[float]
    matches: list[int]  # total results of each query string, to show what was measured
    requested_runs: int

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[-1]

    @property
    def runs_note(self) -> str:
        """Says so when the time budget cut the runs short."""
        taken = len(self.samples_ms)
        return f" ({taken} runs)" if taken < self.requested_runs else ""


def search_with_first_page(querystring: str) -> SolutionSearchResult:
    result = facet_counts(querystring)
    list(result.solutions[:PAGE_SIZE])
    return result


def facet_counts(querystring: str) -> SolutionSearchResult:
    filters = SolutionFilter(QueryDict(querystring))
    if not filters.is_valid():
        raise BenchError(f"The filters reject {querystring!r}: {filters.errors.as_json()}")
    return solution_search(filters=filters)


def time_requests(
    work: Callable[[str], SolutionSearchResult],
    querystrings: list[str],
    *,
    runs: int,
    warm: bool = False,
) -> Timing:
    """Time `runs` calls of `work`, going round `querystrings` so no single query dominates.

    Stops early, after at least MINIMUM_SAMPLES, once TIME_BUDGET_SECONDS are spent.
    """
    matches = [work(querystring).total for querystring in querystrings]
    for _ in range(WARMUP_ROUNDS - 1):
        for querystring in querystrings:
            work(querystring)
    samples = []
    deadline = time.perf_counter() + TIME_BUDGET_SECONDS
    for run in range(runs):
        if len(samples) >= MINIMUM_SAMPLES and time.perf_counter() > deadline:
            break
        querystring = querystrings[run % len(querystrings)]
        if not warm:
            cache.clear()
        started = time.perf_counter()
        work(querystring)
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(samples_ms=samples, matches=matches, requested_runs=runs)
