"""The views `make bench` measures pages against (no work; the page frame alone), mounted only
on request."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.views import bench_baseline, bench_frame

ROOT = Path(__file__).resolve().parents[2]

# Requests the benchmark's views through the whole middleware stack in a fresh process,
# because the URL list is built once, from the environment, when the process starts.
FETCH_BENCH_VIEWS = (
    "from django.test import Client; from django.urls import resolve; "
    "response = Client().get('/bench/baseline/', HTTP_HOST='127.0.0.1'); "
    "print(response.status_code, response.content.decode(), resolve('/bench/frame/').url_name)"
)


def fetch_bench_views_in_a_process_started_with(extra_env: dict[str, str]) -> str:
    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", **extra_env}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", FETCH_BENCH_VIEWS],
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
@pytest.mark.parametrize("path", ["/bench/baseline/", "/bench/frame/"])
def test_the_bench_views_are_not_mounted_by_default(client, path):
    response = client.get(path)

    assert response.status_code == 404


def test_the_bench_views_are_mounted_and_answer_when_the_knob_is_on():
    fetched = fetch_bench_views_in_a_process_started_with({"BENCH_BASELINE": "true"})

    assert fetched == "200 ok bench-frame"


@pytest.mark.django_db
def test_the_baseline_view_does_no_database_work(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = bench_baseline(rf.get("/bench/baseline/"))

    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_the_frame_is_the_site_frame_around_no_content(rf, django_assert_num_queries):
    request = rf.get("/bench/frame/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        response = bench_frame(request)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/explore/' in html  # the site navigation
    assert "<main" in html
