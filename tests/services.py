"""Telling a test that needs a real service to skip locally and to fail in CI."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this, but: {reason}")
    pytest.skip(reason)


def redis_reachable() -> bool:
    if not settings.REDIS_URL:
        return False
    address = urlparse(settings.REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def require_redis() -> None:
    require_service(redis_reachable(), "needs Redis: set REDIS_URL to a running server")


def require_postgres() -> None:
    require_service(
        connection.vendor == "postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://...",
    )


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require_chromium() -> None:
    require_service(
        shutil.which(CHROMIUM) is not None,
        f"needs Chromium at {CHROMIUM} (apt-get install chromium)",
    )
