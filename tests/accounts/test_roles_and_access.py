import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts import permissions, services
from accounts.models import Role
from marketplace.errors import NotAllowed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "as_member", "as_promoter", "as_investor", "as_curator"),
    [
        ("visitor", False, False, False, False),
        ("member", True, False, False, False),
        ("promoter", True, True, False, False),
        ("investor", True, False, True, False),
        ("curator", True, False, False, True),
    ],
)
def test_each_persona_holds_exactly_its_roles(
    request, persona, as_member, as_promoter, as_investor, as_curator
):
    user = request.getfixturevalue(persona)

    assert permissions.is_member(user) is as_member
    assert permissions.is_promoter(user) is as_promoter
    assert permissions.is_investor(user) is as_investor
    assert permissions.is_curator(user) is as_curator


def test_a_person_can_hold_several_roles():
    user = UserFactory(roles=[Role.MEMBER, Role.PROMOTER, Role.INVESTOR])

    assert permissions.is_promoter(user)
    assert permissions.is_investor(user)


def test_a_deactivated_person_loses_every_role(promoter):
    promoter.is_active = False

    assert not permissions.is_member(promoter)
    assert not permissions.is_promoter(promoter)


def test_a_member_cannot_make_anyone_curator(member, promoter):
    with pytest.raises(NotAllowed):
        services.role_grant(user=promoter, role=Role.CURATOR, actor=member)
    with pytest.raises(NotAllowed):
        services.role_grant(user=member, role=Role.CURATOR, actor=member)

    assert not promoter.role_grants.filter(role=Role.CURATOR).exists()


def test_staff_make_a_curator_who_can_then_use_the_admin(member, curator):
    services.role_grant(user=member, role=Role.CURATOR, actor=curator)

    member.refresh_from_db()
    member.__dict__.pop("roles", None)
    assert permissions.is_curator(member)
    assert member.is_staff
    assert member.groups.filter(name=services.CURATOR_GROUP).exists()
    assert member.has_perm("explore.change_area")


def test_removing_the_curator_role_closes_the_admin(member, curator):
    services.role_grant(user=member, role=Role.CURATOR, actor=curator)

    services.role_revoke(user=member, role=Role.CURATOR, actor=curator)

    member.refresh_from_db()
    assert not member.is_staff
    assert not permissions.is_curator(member)


def test_nobody_removes_the_member_role(curator, member):
    with pytest.raises(NotAllowed):
        services.role_revoke(user=member, role=Role.MEMBER, actor=curator)


def test_the_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_member_who_is_not_staff_is_refused_by_the_admin(client_for, member):
    response = client_for(member).get(reverse("admin:login"))

    assert response.status_code == 403


def test_a_curator_reaches_the_admin(client_for, curator):
    assert client_for(curator).get(reverse("admin:index")).status_code == 200


class TestCuratorsNeedASecondFactor:
    @pytest.fixture(autouse=True)
    def _mfa_required(self, settings):
        settings.CURATOR_MFA_REQUIRED = True

    def test_a_curator_without_totp_is_sent_to_set_it_up(self, client_for, curator):
        response = client_for(curator).get(reverse("admin:index"))

        assert response.status_code == 302
        assert response.url == reverse("mfa_activate_totp")

    def test_the_api_refuses_a_curator_without_totp(self, client_for, curator):
        response = client_for(curator).get(reverse("api:me"))

        assert response.status_code == 403

    def test_a_curator_with_totp_goes_through(self, client_for, curator):
        Authenticator.objects.create(user=curator, type=Authenticator.Type.TOTP, data={})

        assert client_for(curator).get(reverse("admin:index")).status_code == 200

    def test_members_are_not_asked_for_a_second_factor(self, client_for, member):
        assert client_for(member).get(reverse("accounts:profile")).status_code == 200
