"""The health endpoint a load balancer or orchestrator polls."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from marketplace.celery import app

logger = logging.getLogger(__name__)


def database_state() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def cache_state() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)
    return "ok"


def broker_state() -> str:
    if app.conf.task_always_eager:
        return "eager"
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": database_state, "cache": cache_state, "broker": broker_state}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    states = {}
    for name, check in CHECKS.items():
        try:
            states[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure means "down", named below
            logger.warning("Health check %s failed: %s", name, error)
            states[name] = "down"
    down = sorted(name for name, state in states.items() if state == "down")
    body = {"status": "down" if down else "ok", "checks": states, "down": down}
    return JsonResponse(body, status=503 if down else 200)
