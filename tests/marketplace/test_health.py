import pytest
from django.urls import reverse

from tests.conftest import point_celery_at

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


def test_health_is_ok_when_every_part_answers(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["down"] == []


def test_health_checks_the_real_broker_when_there_is_one(client, live_broker):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"


def test_health_names_the_cache_when_it_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["down"] == ["cache"]


def test_health_names_the_broker_when_it_is_down(client, live_broker):
    point_celery_at(DEAD_REDIS)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["down"] == ["broker"]
    assert body["checks"]["database"] == "ok"
