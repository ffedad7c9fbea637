"""The OpenAPI schema is valid and every operation in it survives generated input."""

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

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


@pytest.fixture
def member_token(db):
    member = UserFactory(email="fuzzer@example.org", roles=[Role.MEMBER, Role.PROMOTER])
    return Token.objects.create(user=member).key


# Loaded from the running app, so an endpoint added by any app is fuzzed without a change here.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
FUZZING = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@schema.parametrize()
@FUZZING
def test_every_operation_as_a_visitor(case):
    case.call_and_validate()


@pytest.mark.django_db
@schema.parametrize()
@FUZZING
def test_every_operation_as_a_signed_in_member(case, member_token):
    case.call_and_validate(headers={"Authorization": f"Token {member_token}"})
