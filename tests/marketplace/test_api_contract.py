"""The OpenAPI schema is valid and every operation in it survives generated input."""

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.models import Role
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_the_schema_validates_without_a_single_warning(tmp_path):
    schema_file = tmp_path / "schema.yml"
    result = subprocess.run(
        [
            sys.executable,
            *("manage.py", "spectacular", "--validate", "--fail-on-warn"),
            *("--file", str(schema_file)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "/api/v1/me/" in schema_file.read_text()


def test_the_docs_group_operations_by_resource(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]

    assert paths["/api/v1/solutions/"]["get"]["tags"] == ["solutions"]
    assert paths["/api/v1/deal-requests/"]["get"]["tags"] == ["deal-requests"]


@pytest.fixture
def member_token(db):
    member = UserFactory(email="fuzzer@example.org", roles=[Role.MEMBER, Role.PROMOTER])
    return Token.objects.create(user=member).key


# Loaded from the running app, so an endpoint added by any app is fuzzed without a change here.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# A schema cannot say which slugs exist, nor rules across fields (a cost range, an event's
# dates), so a well-formed request may still be refused with a 400. What must hold: malformed
# input is refused, nothing answers 5xx, and every answer matches the schema.
NOT_CHECKED = [positive_data_acceptance]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # A request through the WSGI app closes "old" connections as it starts and ends; on
    # PostgreSQL that is the test's own connection (Django's test client avoids it the same way).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


FUZZING = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@schema.parametrize()
@FUZZING
def test_every_operation_as_a_visitor(case):
    case.call_and_validate(excluded_checks=NOT_CHECKED)


@pytest.mark.django_db
@schema.parametrize()
@FUZZING
def test_every_operation_as_a_signed_in_member(case, member_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {member_token}"}, excluded_checks=NOT_CHECKED
    )
