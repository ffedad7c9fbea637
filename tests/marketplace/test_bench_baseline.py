"""The no-work view that `make bench` measures pages against, mounted only on request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.views import bench_baseline

ROOT = Path(__file__).resolve().parents[2]

# Requests the baseline through the whole middleware stack in a fresh process, because
# the URL list is built once, from the environment, when the process starts.
FETCH_BASELINE = (
    "from django.test import Client; "
    "response = Client().get('/bench/baseline/', HTTP_HOST='127.0.0.1'); "
    "print(response.status_code, response.content.decode())"
)


def fetch_baseline_in_a_process_started_with(extra_env: dict[str, str]) -> str:
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", **extra_env}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", FETCH_BASELINE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # The shell may print a line about its automatic imports first.
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_the_baseline_is_not_mounted_by_default(client):
    response = client.get("/bench/baseline/")

    assert response.status_code == 404


def test_the_baseline_answers_through_the_middleware_when_the_knob_is_on():
    assert fetch_baseline_in_a_process_started_with({"BENCH_BASELINE": "true"}) == "200 ok"


@pytest.mark.django_db
def test_the_baseline_view_does_no_database_work(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = bench_baseline(rf.get("/bench/baseline/"))

    assert response.status_code == 200
    assert response.content == b"ok"
