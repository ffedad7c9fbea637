import json

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import Delivery, NotificationKind, NotificationPreference, Role
from explore.models import Area
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_is_sent_to_sign_in_for_the_profile(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_profile_shows_organisation_and_roles(client_for, promoter):
    response = client_for(promoter).get(reverse("accounts:profile"))

    page = response.content.decode()
    assert "City of Ghent" in page
    assert "Promoter" in page
    assert promoter.email in page


def test_a_member_edits_name_listing_and_roles(client_for, member):
    response = client_for(member).post(
        reverse("accounts:profile"),
        {"name": "Mira Renamed", "listed_in_directories": "on", "roles": [Role.INVESTOR]},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    member.__dict__.pop("roles", None)
    assert member.name == "Mira Renamed"
    assert member.listed_in_directories
    assert member.roles == {Role.MEMBER, Role.INVESTOR}


def test_unticking_a_role_gives_it_up(client_for, promoter):
    client_for(promoter).post(reverse("accounts:profile"), {"name": promoter.name, "roles": []})

    assert promoter.role_grants.filter(role=Role.PROMOTER).count() == 0


def test_an_empty_name_is_refused_and_nothing_changes(client_for, promoter):
    response = client_for(promoter).post(
        reverse("accounts:profile"), {"name": "", "roles": [Role.INVESTOR]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not promoter.role_grants.filter(role=Role.INVESTOR).exists()


def test_the_profile_cannot_hand_out_the_curator_role(client_for, member):
    response = client_for(member).post(
        reverse("accounts:profile"), {"name": "Mira", "roles": [Role.CURATOR]}
    )

    assert response.status_code == 200
    assert not member.role_grants.filter(role=Role.CURATOR).exists()


def test_notification_choices_are_saved_per_kind(client_for, member):
    choices = dict.fromkeys(NotificationKind.values, Delivery.IMMEDIATELY)
    choices[NotificationKind.MATCH] = Delivery.DAILY
    choices[NotificationKind.CLUSTER] = Delivery.OFF

    client_for(member).post(reverse("accounts:notifications-update"), choices)

    saved = dict(member.notification_preferences.values_list("kind", "delivery"))
    assert saved[NotificationKind.MATCH] == Delivery.DAILY
    assert saved[NotificationKind.CLUSTER] == Delivery.OFF


def test_an_unknown_notification_choice_is_refused_with_a_message(client_for, member):
    response = client_for(member).post(
        reverse("accounts:notifications-update"),
        dict.fromkeys(NotificationKind.values, "hourly"),
        follow=True,
    )

    assert not NotificationPreference.objects.exists()
    assert "Choose one of the offered options" in response.content.decode()


def test_notification_preferences_only_accept_post(client_for, member):
    assert client_for(member).get(reverse("accounts:notifications-update")).status_code == 405


def test_a_member_chooses_areas_of_interest_from_the_profile(client_for, member):
    mobility = Area.objects.get(slug="sustainable-urban-mobility")
    standards = Area.objects.get(slug="standards")

    client_for(member).post(
        reverse("explore:interests-update"), {"areas": [mobility.pk, standards.pk]}
    )

    assert set(member.areas_of_interest.all()) == {mobility, standards}


def test_all_eleven_areas_are_loaded_by_the_migration():
    assert Area.objects.count() == 11


def test_an_api_token_is_created_replaced_and_revoked(client_for, member):
    client = client_for(member)

    client.post(reverse("accounts:api-token-renew"))
    first = Token.objects.get(user=member).key
    client.post(reverse("accounts:api-token-renew"))
    second = Token.objects.get(user=member).key
    client.post(reverse("accounts:api-token-revoke"))

    assert first != second
    assert not Token.objects.filter(user=member).exists()


def test_a_member_downloads_their_own_data(client_for, promoter):
    response = client_for(promoter).get(reverse("accounts:data-export"))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == promoter.email
    assert data["organisation"]["name"] == "City of Ghent"
    assert set(data["roles"]) == {"member", "promoter"}


def test_a_confirmed_colleague_vouches_for_a_newcomer(client_for, promoter):
    newcomer = UserFactory(organisation=promoter.organisation, organisation_confirmed=False)

    response = client_for(promoter).post(reverse("accounts:colleague-confirm", args=[newcomer.pk]))

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.organisation_confirmed


def test_an_outsider_cannot_confirm_someone_elses_colleague(client_for, promoter, investor):
    newcomer = UserFactory(organisation=promoter.organisation, organisation_confirmed=False)

    response = client_for(investor).post(reverse("accounts:colleague-confirm", args=[newcomer.pk]))

    assert response.status_code == 404
    newcomer.refresh_from_db()
    assert not newcomer.organisation_confirmed


def test_an_unconfirmed_newcomer_cannot_confirm_another(client_for, promoter):
    first = UserFactory(organisation=promoter.organisation, organisation_confirmed=False)
    second = UserFactory(organisation=promoter.organisation, organisation_confirmed=False)

    response = client_for(first).post(reverse("accounts:colleague-confirm", args=[second.pk]))

    assert response.status_code == 404


def test_an_organisation_page_lists_only_people_who_agreed(client, promoter):
    UserFactory(organisation=promoter.organisation, name="Listed Lea", listed_in_directories=True)
    UserFactory(organisation=promoter.organisation, name="Hidden Hugo")

    page = client.get(
        reverse("accounts:organisation-detail", args=[promoter.organisation.slug])
    ).content.decode()

    assert "Listed Lea" in page
    assert "Hidden Hugo" not in page


def test_an_unknown_organisation_is_a_404(client):
    assert client.get(reverse("accounts:organisation-detail", args=["nowhere"])).status_code == 404


def test_the_profile_page_runs_a_fixed_number_of_queries(
    client_for, promoter, django_assert_max_num_queries
):
    client = client_for(promoter)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("accounts:profile")).status_code == 200
