"""The container topology (Dockerfile, docker-compose.yml), checked without a Docker engine."""

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
APP_SERVICES = ("web", "worker", "beat")


def compose_spec_check(path: Path) -> subprocess.CompletedProcess:
    # The executable next to this interpreter, so the check uses the project's venv.
    executable = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run(
        [str(executable), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def tokens(command: str | list[str]) -> list[str]:
    """A command's words, with `sh -c "..."` scripts split into words too."""
    parts = [command] if isinstance(command, str) else command
    return [word for part in parts for word in shlex.split(part)]


def runs(command: str | list[str], *words: str) -> bool:
    found = tokens(command)
    return any(found[start : start + len(words)] == list(words) for start in range(len(found)))


def with_defaults(value: str) -> str:
    """The value Compose uses when `${NAME:-default}` variables are not set."""
    return re.sub(r"\$\{[A-Z0-9_]+:-([^}]*)\}", r"\1", value)


def dockerfile_instructions() -> list[tuple[str, str]]:
    logical_lines, pending = [], ""
    for line in DOCKERFILE.read_text().splitlines():
        if line.lstrip().startswith("#"):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical_lines.append(pending + line)
        pending = ""
    instructions = []
    for line in filter(str.strip, logical_lines):
        keyword, _, arguments = line.strip().partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def test_compose_file_validates_against_the_compose_specification():
    result = compose_spec_check(COMPOSE_FILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_specification_check_rejects_an_unknown_service_key(tmp_path):
    # Proves the check above can fail: a misspelt key must not slip through.
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump({"services": {"web": {"image": "x", "depend_on": ["db"]}}}))
    assert compose_spec_check(broken).returncode != 0


def test_compose_runs_the_whole_production_topology(services):
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)


def test_database_is_postgres_16_and_broker_is_redis_7(services):
    assert re.fullmatch(r"(docker\.io/)?(library/)?postgres:16([.-].*)?", services["db"]["image"])
    assert re.fullmatch(r"(docker\.io/)?(library/)?redis:7([.-].*)?", services["redis"]["image"])


@pytest.mark.parametrize("name", ["db", "redis", "web", "worker", "beat"])
def test_every_service_has_an_active_healthcheck(services, name):
    healthcheck = services[name].get("healthcheck", {})
    assert healthcheck.get("test"), f"{name} has no healthcheck"
    assert not healthcheck.get("disable")
    assert healthcheck["test"] not in (["NONE"], "NONE")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_start_only_once_database_and_redis_are_healthy(services, name):
    depends_on = services[name].get("depends_on")
    # The short list form only waits for the containers to start, not to be ready.
    assert isinstance(depends_on, dict), f"{name} needs the long depends_on form"
    for backing in ("db", "redis"):
        assert depends_on[backing]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["db", "redis", "web", "worker", "beat"])
def test_every_service_restarts_after_a_crash(services, name):
    assert services[name].get("restart") in ("always", "unless-stopped", "on-failure")


def test_web_applies_migrations_then_serves_the_wsgi_app_with_gunicorn(services):
    words = tokens(services["web"]["command"])
    assert runs(words, "python", "manage.py", "migrate", "--noinput")
    assert "gunicorn" in words
    assert words.index("migrate") < words.index("gunicorn")
    app_words = [word for word in words if word.startswith("marketplace.wsgi")]
    assert app_words == ["marketplace.wsgi:application"]
    assert words.index("gunicorn") < words.index(app_words[0])


def test_worker_runs_the_celery_worker_with_one_blas_thread(services):
    worker = services["worker"]
    assert runs(worker["command"], "celery", "-A", "marketplace", "worker")
    assert str(worker["environment"]["OMP_NUM_THREADS"]) == "1"


def test_beat_runs_the_celery_scheduler(services):
    assert runs(services["beat"]["command"], "celery", "-A", "marketplace", "beat")


def test_web_and_worker_share_the_media_volume(services):
    def media_volume(name):
        mounts = [v for v in services[name].get("volumes", []) if v.endswith(":/app/media")]
        assert len(mounts) == 1, f"{name} does not mount /app/media"
        return mounts[0].split(":")[0]

    assert media_volume("web") == media_volume("worker")


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_require_a_secret_key_and_use_the_compose_backends(services, name):
    environment = services[name]["environment"]
    # `:?` makes Compose refuse to start without a key instead of running with a blank one.
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert urlsplit(with_defaults(environment["REDIS_URL"])).hostname == "redis"
    assert with_defaults(environment["DJANGO_SECURE_SSL_REDIRECT"]) == "false"


def test_database_url_matches_the_database_the_db_service_creates(services):
    database_url = urlsplit(with_defaults(services["web"]["environment"]["DATABASE_URL"]))
    db_environment = {
        key: with_defaults(value) for key, value in services["db"]["environment"].items()
    }
    assert database_url.scheme == "postgres"
    assert database_url.hostname == "db"
    assert database_url.username == db_environment["POSTGRES_USER"]
    assert database_url.password == db_environment["POSTGRES_PASSWORD"]
    assert database_url.path.lstrip("/") == db_environment["POSTGRES_DB"]


def test_image_runs_gunicorn_by_default():
    commands = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "CMD"]
    assert commands, "the Dockerfile has no CMD"
    last = commands[-1]
    words = json.loads(last) if last.startswith("[") else shlex.split(last)
    assert words[0] == "gunicorn"
    assert "marketplace.wsgi:application" in words
    assert runs(words, "--bind", "0.0.0.0:8000")


def test_image_does_not_run_as_root():
    users = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "USER"]
    assert users, "the Dockerfile never leaves root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_image_does_not_keep_the_build_time_secret_key():
    for keyword, arguments in dockerfile_instructions():
        if keyword in ("ENV", "ARG"):
            assert "DJANGO_SECRET_KEY" not in arguments


def test_redis_bounds_its_memory_by_evicting_only_keys_that_expire(services):
    words = tokens(services["redis"]["command"])

    assert "--maxmemory" in words
    assert words[words.index("--maxmemory-policy") + 1].startswith("volatile-")
