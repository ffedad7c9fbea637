"""/api/v1/investor-profiles/ and /api/v1/matches/: scoped to the caller, strict on input."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from deal.models import InvestorProfile, Match
from explore.models import Area
from tests.deal.factories import BankablePlanFactory, InvestorProfileFactory, instrument

pytestmark = pytest.mark.django_db

PROFILES = "/api/v1/investor-profiles/"
MATCHES = "/api/v1/matches/"


@pytest.fixture
def api_for():
    def signed_in(user):
        client = APIClient()
        if user.is_authenticated:
            client.force_authenticate(user)
        return client

    return signed_in


def profile_body(**overrides):
    body = {
        "kind": "impact_investor",
        "ticket_min_eur": 500_000,
        "ticket_max_eur": 5_000_000,
        "instruments": ["loan"],
        "areas": [Area.objects.first().slug],
        "eu_wide": False,
        "countries": ["BE", "FR"],
        "stages": ["concept", "feasibility"],
        "min_bankability": 40,
        "visibility": "matched",
    }
    body.update(overrides)
    return body


def match(plan, profile, score=80):
    return Match.objects.create(
        plan=plan, profile=profile, score=Decimal(score), parts={"areas": 1.0}, reasons=["x"]
    )


# --- Investor profiles ----------------------------------------------------------------------


def test_a_confirmed_investor_creates_and_changes_the_funds_profile(api_for, investor):
    instrument("loan")
    client = api_for(investor)

    created = client.post(PROFILES, profile_body(), format="json")
    changed = client.patch(
        f"{PROFILES}{created.data['id']}/", {"ticket_max_eur": 9_000_000}, format="json"
    )

    assert created.status_code == 201, created.data
    assert created.data["organisation"]["name"] == investor.organisation.name
    assert created.data["countries"] == ["BE", "FR"]
    assert created.data["instruments"] == ["loan"]
    assert changed.status_code == 200
    assert InvestorProfile.objects.get().ticket_max_eur == 9_000_000


def test_a_second_profile_for_the_same_fund_is_a_conflict(api_for, investor):
    InvestorProfileFactory(organisation=investor.organisation)

    response = api_for(investor).post(PROFILES, profile_body(), format="json")

    assert response.status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ticket_min_eur": 9_000_000, "ticket_max_eur": 1_000}, "ticket_max_eur"),
        ({"ticket_min_eur": "500000"}, "ticket_min_eur"),
        ({"instruments": ["no-such-instrument"]}, "instruments"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"stages": []}, "stages"),
        ({"kind": "pirate"}, "kind"),
        ({"eu_wide": "yes"}, "eu_wide"),
        ({"eu_wide": False, "countries": []}, "countries"),
        ({"min_bankability": 101}, "min_bankability"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_for, investor, overrides, field):
    instrument("loan")

    response = api_for(investor).post(PROFILES, profile_body(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.data
    assert not InvestorProfile.objects.exists()


def test_a_patch_that_turns_the_ticket_range_upside_down_is_refused(api_for, investor):
    profile = InvestorProfileFactory(organisation=investor.organisation)

    response = api_for(investor).patch(
        f"{PROFILES}{profile.pk}/", {"ticket_min_eur": 90_000_000}, format="json"
    )

    assert response.status_code == 400
    assert "ticket_max_eur" in response.data


@pytest.mark.parametrize("persona", ["member", "promoter", "curator"])
def test_people_who_do_not_invest_for_a_fund_cannot_create_a_profile(api_for, request, persona):
    response = api_for(request.getfixturevalue(persona)).post(
        PROFILES, profile_body(), format="json"
    )

    assert response.status_code == 403


def test_another_fund_cannot_change_a_profile_it_sees(api_for, other_investor):
    profile = InvestorProfileFactory(visibility="members")

    response = api_for(other_investor).patch(
        f"{PROFILES}{profile.pk}/", {"ticket_max_eur": 1}, format="json"
    )

    assert response.status_code == 403


def test_the_list_holds_only_the_profiles_the_caller_may_see(api_for, member, promoter, investor):
    open_profile = InvestorProfileFactory(visibility="members")
    hidden = InvestorProfileFactory(visibility="matched")
    matched = InvestorProfileFactory(visibility="matched")
    match(BankablePlanFactory(promoter=promoter), matched)
    own = InvestorProfileFactory(organisation=investor.organisation, visibility="matched")

    def ids(user):
        return {row["id"] for row in api_for(user).get(PROFILES).data["results"]}

    assert ids(member) == {open_profile.pk}
    assert ids(promoter) == {open_profile.pk, matched.pk}
    assert ids(investor) == {open_profile.pk, own.pk}
    assert hidden.pk not in ids(promoter)


def test_a_hidden_profile_answers_404(api_for, member):
    hidden = InvestorProfileFactory(visibility="matched")

    assert api_for(member).get(f"{PROFILES}{hidden.pk}/").status_code == 404
    assert api_for(member).get(f"{PROFILES}not-a-number/").status_code == 404


def test_visitors_must_sign_in(api_for, visitor):
    assert api_for(visitor).get(PROFILES).status_code in {401, 403}
    assert api_for(visitor).get(MATCHES).status_code in {401, 403}


# --- Matches --------------------------------------------------------------------------------


def test_each_role_reads_its_own_matches(
    api_for, investor, promoter, other_promoter, curator, member
):
    fund = InvestorProfileFactory(organisation=investor.organisation)
    other_fund = InvestorProfileFactory()
    mine = BankablePlanFactory(promoter=promoter)
    theirs = BankablePlanFactory(promoter=other_promoter)
    ours = match(mine, fund)
    elsewhere = match(theirs, other_fund)
    both = match(mine, other_fund)

    def ids(user, query=""):
        return {row["id"] for row in api_for(user).get(MATCHES + query).data["results"]}

    assert ids(investor) == {ours.pk}
    assert ids(promoter) == {ours.pk, both.pk}
    assert ids(curator) == {ours.pk, elsewhere.pk, both.pk}
    assert ids(member) == set()
    assert ids(curator, f"?plan={theirs.pk}") == {elsewhere.pk}
    assert ids(curator, f"?profile={fund.pk}") == {ours.pk}
    assert api_for(investor).get(f"{MATCHES}{elsewhere.pk}/").status_code == 404


def test_a_match_carries_its_score_parts_and_reasons(api_for, investor):
    fund = InvestorProfileFactory(organisation=investor.organisation)
    row = match(BankablePlanFactory(), fund, 81.5)

    data = api_for(investor).get(f"{MATCHES}{row.pk}/").data

    assert data["score"] == Decimal("81.5")
    assert data["parts"] == {"areas": 1.0}
    assert data["reasons"] == ["x"]
    assert data["profile"]["id"] == fund.pk


@pytest.mark.parametrize("query", ["?plan=abc", "?min_score=200", "?stage=nowhere", "?country=ZZ"])
def test_a_bad_filter_is_a_400(api_for, curator, query):
    response = api_for(curator).get(MATCHES + query)

    assert response.status_code == 400


def test_matches_are_read_only(api_for, curator):
    assert api_for(curator).post(MATCHES, {}, format="json").status_code == 405


@pytest.mark.parametrize("rows", [1, 50])
def test_the_match_list_costs_the_same_queries_with_one_or_fifty_rows(
    api_for, investor, rows, django_assert_max_num_queries
):
    fund = InvestorProfileFactory(organisation=investor.organisation)
    for _number in range(rows):
        match(BankablePlanFactory(), fund)
    client = api_for(investor)

    with django_assert_max_num_queries(4):
        response = client.get(MATCHES)

    assert response.data["count"] == rows
