"""What a benchmark run is told by its environment, read once and checked up front."""

from dataclasses import dataclass

from marketplace.env import env_int, env_str

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/marketplace_bench"


class BenchError(Exception):
    """The benchmark could not measure (as opposed to: it measured and a goal was missed)."""


@dataclass(frozen=True)
class BenchConfig:
    database_url: str
    solutions: int
    duration_seconds: int
    warmup_seconds: int
    threads: int
    connections: int
    workers: int
    timed_runs: int

    @classmethod
    def from_env(cls) -> "BenchConfig":
        return cls(
            database_url=env_str("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
            solutions=env_int("BENCH_SOLUTIONS", 100_000, minimum=1),
            duration_seconds=env_int("BENCH_DURATION", 10, minimum=1),
            warmup_seconds=env_int("BENCH_WARMUP", 2, minimum=0),
            threads=env_int("BENCH_THREADS", 2, minimum=1),
            connections=env_int("BENCH_CONNECTIONS", 8, minimum=1),
            workers=env_int("BENCH_WORKERS", 2, minimum=1),
            timed_runs=env_int("BENCH_RUNS", 50, minimum=20),
        )
