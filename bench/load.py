"""Throughput over HTTP: gunicorn serves the app on the loopback, wrk sends the requests."""

import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.config import BenchError

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).with_name("wrk_rotate.lua")
HOST = "127.0.0.1"
STARTUP_TIMEOUT_SECONDS = 60
SHUTDOWN_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_serving(*, env: dict[str, str], workers: int, ready_path: str) -> Iterator[str]:
    """Run gunicorn on a free loopback port for the duration; yield its base URL."""
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    command = [
        sys.executable, "-m", "gunicorn", "marketplace.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--graceful-timeout", "5",
    ]  # fmt: skip
    with tempfile.TemporaryFile(mode="w+") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            wait_until_answering(server, base_url + ready_path, log)
            yield base_url
        finally:
            stop(server)


def wait_until_answering(server: subprocess.Popen, url: str, log) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{log_text(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer {url} within {STARTUP_TIMEOUT_SECONDS}s.")


def log_text(log) -> str:
    log.seek(0)
    return log.read()[-4000:]


def stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown, workers included
    try:
        server.wait(timeout=SHUTDOWN_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def check_pages_answer(base_url: str, paths: list[str]) -> None:
    """Every page must answer 200: a benchmark of error pages would measure nothing."""
    for path in paths:
        try:
            with urllib.request.urlopen(base_url + path, timeout=30) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:
            raise BenchError(f"{path} answered {error.code} instead of 200.") from error


def wrk_run(
    base_url: str, paths: list[str], *, seconds: int, threads: int, connections: int
) -> LoadResult:
    """Request `paths` in turn for `seconds` seconds; requests per second and latency."""
    command = [
        "wrk",
        f"--threads={threads}",
        f"--connections={max(connections, threads)}",
        f"--duration={seconds}s",
        "--timeout=5s",
        f"--script={WRK_SCRIPT}",
        base_url + paths[0],
        "--",
        *(paths if len(paths) > 1 else []),
    ]
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30, check=True
        )
    except FileNotFoundError as error:
        raise BenchError("wrk is not installed: apt-get install wrk") from error
    except subprocess.CalledProcessError as error:
        raise BenchError(f"wrk failed: {error.stderr or error.stdout}") from error
    return parse_wrk_result(finished.stdout)


def parse_wrk_result(output: str) -> LoadResult:
    lines = [line for line in output.splitlines() if line.startswith("wrk-result ")]
    if not lines:
        raise BenchError(f"wrk printed no result line:\n{output}")
    fields = dict(pair.split("=", 1) for pair in lines[-1].split()[1:])
    numbers = {name: float(value) for name, value in fields.items()}
    failed = {
        name: int(count)
        for name, count in numbers.items()
        if name in {"non_2xx_3xx", "connect_errors", "read_errors", "write_errors", "timeouts"}
        and count
    }
    if failed:
        raise BenchError(f"wrk saw failed requests {failed}:\n{output}")
    if not numbers["requests"]:
        raise BenchError(f"wrk completed no request:\n{output}")
    return LoadResult(
        requests_per_second=numbers["requests"] / (numbers["duration_us"] / 1_000_000),
        p50_ms=numbers["p50_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
    )
