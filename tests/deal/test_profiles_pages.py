"""Investor profile pages: creating, editing, pausing, and who sees a profile."""

import pytest
from django.urls import reverse

from accounts.models import Role
from deal.models import InvestorProfile, Match
from explore.models import Area
from tests.deal.factories import (
    BankablePlanFactory,
    InvestorProfileFactory,
    instrument,
    investor_of,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "kind": "infrastructure_fund",
        "ticket_min_eur": "1000000",
        "ticket_max_eur": "20000000",
        "instruments": [str(instrument("loan").pk), str(instrument("guarantee").pk)],
        "areas": [str(area.pk) for area in Area.objects.all()[:2]],
        "countries": ["BE", "NL"],
        "stages": ["feasibility", "procurement_ready"],
        "min_bankability": "50",
        "exclusions": "Fossil fuels",
        "visibility": "members",
        "is_active": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_confirmed_investor_creates_the_funds_profile_with_every_field(client_for, investor):
    response = client_for(investor).post(reverse("deal:profile-edit"), form_data())

    profile = InvestorProfile.objects.get(organisation=investor.organisation)
    assert response.status_code == 302
    assert response["Location"] == reverse("deal:profile-detail", args=[profile.pk])
    assert profile.countries == ["BE", "NL"]
    assert not profile.eu_wide
    assert profile.stages == ["feasibility", "procurement_ready"]
    assert set(profile.instruments.values_list("code", flat=True)) == {"loan", "guarantee"}
    assert profile.areas.count() == 2
    assert profile.min_bankability == 50
    assert profile.updated_by == investor


def test_the_form_shows_checkboxes_and_the_eu_wide_switch(client_for, investor):
    response = client_for(investor).get(reverse("deal:profile-edit"))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" name="areas"' in page
    assert 'type="checkbox" name="instruments"' in page
    assert 'name="eu_wide"' in page
    assert '<select name="countries"' in page
    assert "multiple" in page


def test_editing_keeps_one_profile_per_organisation(client_for, investor):
    profile = InvestorProfileFactory(organisation=investor.organisation)

    client_for(investor).post(
        reverse("deal:profile-edit"), form_data(ticket_max_eur="30000000", eu_wide="on")
    )

    profile.refresh_from_db()
    assert InvestorProfile.objects.count() == 1
    assert profile.ticket_max_eur == 30_000_000


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ticket_min_eur": "5000000", "ticket_max_eur": "1000000"}, "ticket_max_eur"),
        ({"countries": None}, "countries"),
        ({"stages": None}, "stages"),
        ({"ticket_min_eur": "a lot"}, "ticket_min_eur"),
        ({"min_bankability": "101"}, "min_bankability"),
        ({"countries": ["XX"]}, "countries"),
    ],
)
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(
    client_for, investor, overrides, field
):
    response = client_for(investor).post(reverse("deal:profile-edit"), form_data(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not InvestorProfile.objects.exists()


@pytest.mark.parametrize("persona", ["member", "promoter", "curator"])
def test_people_who_do_not_invest_for_a_fund_cannot_open_the_form(request, client_for, persona):
    person = request.getfixturevalue(persona)

    assert client_for(person).get(reverse("deal:profile-edit")).status_code == 403
    assert client_for(person).post(reverse("deal:profile-edit"), form_data()).status_code == 403


def test_an_unconfirmed_investor_cannot_edit_the_profile(client_for, investor):
    newcomer = UserFactory(
        organisation=investor.organisation,
        organisation_confirmed=False,
        roles=[Role.MEMBER, Role.INVESTOR],
    )

    assert client_for(newcomer).get(reverse("deal:profile-edit")).status_code == 403


def test_a_visitor_is_asked_to_sign_in(client_for, visitor):
    response = client_for(visitor).get(reverse("deal:profile-edit"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_pausing_and_resuming_the_profile(client_for, investor, django_capture_on_commit_callbacks):
    profile = InvestorProfileFactory(organisation=investor.organisation)
    client = client_for(investor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("deal:profile-pause"))
    profile.refresh_from_db()
    assert not profile.is_active
    page = client.get(reverse("deal:profile-detail", args=[profile.pk])).content.decode()
    assert "Paused" in page
    assert reverse("deal:profile-resume") in page

    client.post(reverse("deal:profile-resume"))
    profile.refresh_from_db()
    assert profile.is_active


def test_pausing_asks_for_a_post(client_for, investor):
    InvestorProfileFactory(organisation=investor.organisation)

    assert client_for(investor).get(reverse("deal:profile-pause")).status_code == 405


def test_pausing_twice_says_so_without_an_error_page(client_for, investor):
    InvestorProfileFactory(organisation=investor.organisation, is_active=False)

    response = client_for(investor).post(reverse("deal:profile-pause"), follow=True)

    assert response.status_code == 200
    assert "already paused" in response.content.decode()


def test_the_own_profile_link_leads_to_the_profile_or_to_the_form(client_for, investor):
    client = client_for(investor)
    assert client.get(reverse("deal:profile-mine"))["Location"] == reverse("deal:profile-edit")

    profile = InvestorProfileFactory(organisation=investor.organisation)
    assert client.get(reverse("deal:profile-mine"))["Location"] == reverse(
        "deal:profile-detail", args=[profile.pk]
    )


# --- Who sees a profile ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["member", "promoter", "other_investor", "curator"])
def test_a_profile_open_to_members_is_seen_by_every_member(request, client_for, persona):
    profile = InvestorProfileFactory(visibility="members")
    person = request.getfixturevalue(persona)

    response = client_for(person).get(reverse("deal:profile-detail", args=[profile.pk]))

    assert response.status_code == 200
    assert str(profile.organisation) in response.content.decode()


def test_a_visitor_does_not_see_profiles(client_for, visitor):
    profile = InvestorProfileFactory(visibility="members")

    response = client_for(visitor).get(reverse("deal:profile-detail", args=[profile.pk]))

    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["member", "promoter", "other_investor"])
def test_a_matched_only_profile_is_hidden_from_people_without_a_matched_plan(
    request, client_for, persona
):
    profile = InvestorProfileFactory(visibility="matched")
    person = request.getfixturevalue(persona)

    response = client_for(person).get(reverse("deal:profile-detail", args=[profile.pk]))

    assert response.status_code == 404


def test_a_matched_only_profile_is_seen_by_the_promoter_of_a_matched_plan(client_for, promoter):
    profile = InvestorProfileFactory(visibility="matched")
    plan = BankablePlanFactory(promoter=promoter)
    Match.objects.create(plan=plan, profile=profile, score=80, parts={}, reasons=[])

    response = client_for(promoter).get(reverse("deal:profile-detail", args=[profile.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"plan={plan.pk}&amp;profile={profile.pk}" in page


@pytest.mark.parametrize("persona", ["investor", "curator"])
def test_its_own_investors_and_curators_always_see_a_matched_only_profile(
    request, client_for, persona
):
    investor = request.getfixturevalue("investor")
    profile = InvestorProfileFactory(organisation=investor.organisation, visibility="matched")
    person = request.getfixturevalue(persona)

    response = client_for(person).get(reverse("deal:profile-detail", args=[profile.pk]))

    assert response.status_code == 200


def test_only_the_funds_investors_see_the_edit_and_pause_buttons(client_for, member):
    profile = InvestorProfileFactory(visibility="members")
    own = investor_of(profile)

    own_page = client_for(own).get(reverse("deal:profile-detail", args=[profile.pk]))
    other_page = client_for(member).get(reverse("deal:profile-detail", args=[profile.pk]))

    assert reverse("deal:profile-pause") in own_page.content.decode()
    assert reverse("deal:profile-pause") not in other_page.content.decode()
    assert reverse("deal:profile-edit") not in other_page.content.decode()
