"""Curators work in the Django admin: every registered model's pages open and search."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.services import CURATED_APPS

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)
PLATFORM_MODELS = [entry for entry in REGISTERED if entry[0] in CURATED_APPS]
THIRD_PARTY_MODELS = [entry for entry in REGISTERED if entry[0] not in CURATED_APPS]


@pytest.mark.parametrize(("app_label", "model_name"), PLATFORM_MODELS)
def test_a_curator_opens_and_searches_every_admin_list(client_for, curator, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    response = client_for(curator).get(url, {"q": "smart"})

    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), THIRD_PARTY_MODELS)
def test_security_records_stay_with_superusers(client_for, curator, app_label, model_name):
    # Tokens, second factors, e-mail addresses and groups are not content to curate.
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    assert client_for(curator).get(url).status_code == 403


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_a_member_is_kept_out_of_every_admin_list(client_for, member, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    assert client_for(member).get(url).status_code in (302, 403)


def test_a_curator_publishes_pending_solutions_with_an_admin_action(client_for, member, curator):
    from explore import services
    from explore.models import PublicationStatus, Solution

    pending = services.content_create(
        model=Solution,
        author=member,
        data={"title": "Smart bins", "summary": "Bins that report when full.", "maturity": "pilot"},
        submit=True,
    )

    client_for(curator).post(
        reverse("admin:explore_solution_changelist"),
        {"action": "publish", "_selected_action": [pending.pk]},
    )

    pending.refresh_from_db()
    assert pending.status == PublicationStatus.PUBLISHED
