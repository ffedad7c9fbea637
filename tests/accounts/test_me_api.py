import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_visitor_must_authenticate(api):
    response = api.get(reverse("api:me"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_member_reads_their_profile_with_a_token(api, promoter):
    token = Token.objects.create(user=promoter)

    response = api.get(reverse("api:me"), headers={"Authorization": f"Token {token.key}"})

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == promoter.email
    assert body["organisation"]["name"] == "City of Ghent"
    assert body["roles"] == ["member", "promoter"]


def test_a_wrong_token_is_refused(api):
    response = api.get(reverse("api:me"), headers={"Authorization": "Token not-a-real-token"})

    assert response.status_code == 401


def test_a_member_changes_their_name(api, member):
    api.force_authenticate(member)

    response = api.patch(reverse("api:me"), {"name": "Mira API"}, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "Mira API"
    member.refresh_from_db()
    assert member.name == "Mira API"


@pytest.mark.parametrize(
    "body",
    [{"name": ""}, {"name": 12}, {"listed_in_directories": "sometimes"}, {"name": "x" * 151}],
)
def test_malformed_input_gets_a_400_naming_the_field(api, member, body):
    api.force_authenticate(member)

    response = api.patch(reverse("api:me"), body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == set(body)
    member.refresh_from_db()
    assert member.name != ""


def test_a_body_that_is_not_json_is_a_400(api, member):
    api.force_authenticate(member)

    response = api.generic("PATCH", reverse("api:me"), "{not json", content_type="application/json")

    assert response.status_code == 400


def test_anonymous_callers_are_throttled(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})

    statuses = [api.get(reverse("api-schema")).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
