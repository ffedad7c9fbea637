import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_explore_shape_and_deal(client):
    page = client.get(reverse("home")).content.decode()

    for phase in ("Explore", "Shape", "Deal"):
        assert f">{phase}</a></h2>" in page
    assert 'href="#main"' in page, "a skip link leads to the main content"


@pytest.mark.parametrize("name", ["explore:index", "shape:index", "deal:index", "clusters:index"])
def test_every_phase_has_a_page_in_the_navigation(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert 'aria-current="page"' in response.content.decode()


def test_an_unknown_address_gets_the_friendly_404_page(client):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_a_crash_shows_the_friendly_500_page(rf):
    from marketplace.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_a_refused_page_gets_the_friendly_403_page(client_for, member):
    response = client_for(member).get(reverse("admin:login"))

    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


def test_every_page_carries_the_security_headers(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts(client):
    for name in ("home", "account_login", "account_signup"):
        page = client.get(reverse(name)).content.decode()
        assert "<script>" not in page
        assert "onclick=" not in page


def test_the_api_docs_are_served_without_any_cdn(client):
    page = client.get(reverse("api-docs")).content.decode()

    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "/static/drf_spectacular_sidecar/" in page


def test_forms_refuse_a_post_without_csrf_token(member):
    strict_client = Client(enforce_csrf_checks=True)
    strict_client.force_login(member)

    response = strict_client.post(reverse("accounts:api-token-renew"))

    assert response.status_code == 403
