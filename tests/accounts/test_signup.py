import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import Organisation, Role, User
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-42"


def signup_data(**overrides):
    data = {
        "email": "new.person@city.example",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "name": "Nadia New",
        "organisation_name": "City of Tartu",
        "organisation_kind": Organisation.Kind.CITY,
        "country": "EE",
        "roles": [Role.PROMOTER],
    }
    return {**data, **overrides}


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)


def test_signing_up_creates_the_person_their_organisation_and_chosen_roles(client):
    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 302
    person = User.objects.get(email="new.person@city.example")
    assert person.name == "Nadia New"
    assert person.organisation.name == "City of Tartu"
    assert person.organisation.country.code == "EE"
    assert person.organisation_confirmed, "the founder of an organisation is confirmed in it"
    assert person.roles == {Role.MEMBER, Role.PROMOTER}


def test_a_new_member_must_verify_the_address_before_signing_in(client):
    client.post(reverse("account_signup"), signup_data())
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "new.person@city.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_confirming_the_address_lets_the_member_in_and_sends_a_welcome(
    client, django_capture_on_commit_callbacks
):
    client.post(reverse("account_signup"), signup_data())
    verification = mail.outbox[-1]
    assert verification.to == ["new.person@city.example"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_link(verification))
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.person@city.example", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    assert EmailAddress.objects.get(email="new.person@city.example").verified
    assert "Welcome" in mail.outbox[-1].subject


def test_joining_an_existing_organisation_waits_for_confirmation(client):
    OrganisationFactory(name="City of Tartu", kind=Organisation.Kind.CITY, country="EE")

    client.post(reverse("account_signup"), signup_data())

    person = User.objects.get(email="new.person@city.example")
    assert person.organisation.slug == "city-of-tartu"
    assert Organisation.objects.filter(slug="city-of-tartu").count() == 1
    assert not person.organisation_confirmed


def test_nobody_can_make_themself_curator_at_sign_up(client):
    client.post(reverse("account_signup"), signup_data(roles=[Role.CURATOR, Role.INVESTOR]))

    assert not User.objects.filter(email="new.person@city.example").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("organisation_name", ""),
        ("organisation_kind", "spaceship"),
        ("country", "XX"),
        ("email", "not-an-address"),
        ("password2", "something-else-entirely"),
    ],
)
def test_bad_sign_up_input_is_shown_next_to_its_field_and_saves_nothing(client, field, value):
    response = client.post(reverse("account_signup"), signup_data(**{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_an_organisation_name_without_letters_is_refused_with_a_message(client):
    response = client.post(reverse("account_signup"), signup_data(organisation_name="!!!"))

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "letters or digits" in response.content.decode()


def test_signing_up_twice_with_one_address_does_not_reveal_the_account(client, member):
    response = client.post(reverse("account_signup"), signup_data(email=member.email))

    # Enumeration prevention: the same "check your inbox" answer, and a mail to the owner.
    assert response.status_code == 302
    assert User.objects.filter(email=member.email).count() == 1
    assert mail.outbox[-1].to == [member.email]
