"""The production-like environment that both this process and gunicorn run Django in."""

import os
import secrets
from pathlib import Path

# Unset so the run depends on PostgreSQL alone: each process then caches in its own memory
# (production shares Redis), which stays exact as every key carries the catalogue version
# read from PostgreSQL; and a stopped Redis must not stop the benchmark.
LEFT_OUT = {"REDIS_URL"}


def production_environment(*, database_url: str, static_root: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in LEFT_OUT}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on the loopback; TLS would sit in front of gunicorn in production.
        DJANGO_SECURE_SSL_REDIRECT="false",
        BENCH_BASELINE="true",
        BENCH_STATIC_ROOT=str(static_root),
        DATABASE_URL=database_url,
    )
    return env


def django_setup(env: dict[str, str]) -> None:
    """Set Django up in this process with the same environment the server gets."""
    import django

    os.environ.clear()
    os.environ.update(env)
    django.setup()
