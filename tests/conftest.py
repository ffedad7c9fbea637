"""Personas shared by every test: one fixture per role a page must admit or refuse."""

import importlib
import os

import pytest
from django.apps import apps as django_apps
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser

from accounts.models import Organisation, Role
from marketplace.celery import app as celery_app
from tests.factories import OrganisationFactory, UserFactory
from tests.services import require_redis


def pytest_configure(config):
    # pytest-django runs with DEBUG off; the manifest storage would need collectstatic.
    django_settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests sign curators in with a password only, unless a test turns MFA back on.
    django_settings.CURATOR_MFA_REQUIRED = False
    # A shared Redis must not be flushed by tests: keep their keys under their own prefix.
    django_settings.CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"
    # Tasks run in-process unless a test asks for the real broker (`live_broker`).
    celery_app.conf.task_always_eager = True


def _clear_test_cache():
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")  # django-redis: only keys under this run's prefix
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _isolated_cache():
    # Rate limits and cached pages from one test must not leak into the next.
    _clear_test_cache()
    yield
    _clear_test_cache()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reference data that migrations load, back after a transactional test flushed it."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        names & {"transactional_db", "live_server"}
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from explore.models import Area
    from shape.models import ChecklistTemplate

    if not Area.objects.exists():
        load_areas = importlib.import_module("explore.migrations.0002_load_areas").load_areas
        load_areas(django_apps, schema_editor=None)
    if not ChecklistTemplate.objects.exists():
        migration = importlib.import_module("shape.migrations.0002_reference_data")
        migration.load_reference_data(django_apps, schema_editor=None)


@pytest.fixture
def visitor():
    return AnonymousUser()


@pytest.fixture
def member(db):
    return UserFactory(email="member@example.org", roles=[Role.MEMBER])


@pytest.fixture
def promoter(db):
    city = OrganisationFactory(name="City of Ghent", kind=Organisation.Kind.CITY)
    return UserFactory(
        email="promoter@example.org", organisation=city, roles=[Role.MEMBER, Role.PROMOTER]
    )


@pytest.fixture
def other_promoter(db):
    return UserFactory(email="other-promoter@example.org", roles=[Role.MEMBER, Role.PROMOTER])


@pytest.fixture
def investor(db):
    fund = OrganisationFactory(name="Green Fund", kind=Organisation.Kind.INVESTOR)
    return UserFactory(
        email="investor@example.org", organisation=fund, roles=[Role.MEMBER, Role.INVESTOR]
    )


@pytest.fixture
def other_investor(db):
    bank = OrganisationFactory(name="Other Bank", kind=Organisation.Kind.BANK)
    return UserFactory(
        email="other-investor@example.org", organisation=bank, roles=[Role.MEMBER, Role.INVESTOR]
    )


@pytest.fixture
def curator(db):
    return UserFactory(email="curator@example.org", roles=[Role.MEMBER, Role.CURATOR])


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client signed in as that person (or anonymous)."""

    def sign_in(user):
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        return client

    return sign_in


def point_celery_at(broker_url: str) -> None:
    """Send tasks to another broker from now on (connection pools are rebuilt)."""
    celery_app.conf.broker_url = broker_url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def live_broker():
    """Celery publishing to the real Redis broker; skips locally without Redis."""
    require_redis()
    point_celery_at(django_settings.REDIS_URL)
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    yield celery_app
    point_celery_at(django_settings.REDIS_URL)
    celery_app.control.purge()
    celery_app.conf.task_always_eager = True
    point_celery_at(django_settings.CELERY_BROKER_URL)
