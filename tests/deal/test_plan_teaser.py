"""A bankable plan's teaser in Deal: what investors see of a plan before it is shared."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from deal.models import MatchDecision
from explore.models import Area, City
from shape.models import PlanStatus
from shape.services.plans import plan_share
from tests.deal.factories import (
    BankablePlanFactory,
    InvestorProfileFactory,
    MatchFactory,
    instrument,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REASONS = ["ticket inside range", "Loan offered"]
TITLE_LINK = re.compile(r'(?:class="card-title"|scope="row")><a href="([^"]+)"')


def match(plan, profile, score=80):
    return MatchFactory(plan=plan, profile=profile, score=Decimal(score), reasons=REASONS)


def teaser_url(plan):
    return reverse("deal:plan-teaser", args=[plan.pk])


def title_links(page: str) -> list[str]:
    return [unescape(href) for href in TITLE_LINK.findall(page)]


@pytest.fixture
def fund(investor):
    return InvestorProfileFactory(organisation=investor.organisation)


@pytest.fixture
def plan():
    ghent = City.objects.get_or_create(
        slug="ghent", defaults={"name": "Ghent", "country": "BE", "latitude": 51, "longitude": 3}
    )[0]
    plan = BankablePlanFactory(title="Heat network", city=ghent, funding_sought_eur=8_000_000)
    plan.areas.set(Area.objects.order_by("pk")[:2])
    plan.instruments.set([instrument("loan"), instrument("grant")])
    return plan


# --- What an investor sees ----------------------------------------------------------------


def test_an_investor_opens_a_plans_teaser_from_plans_for_you(client_for, investor, fund, plan):
    match(plan, fund)
    client = client_for(investor)

    links = title_links(client.get(reverse("deal:plans-for-you")).content.decode())
    assert links == [teaser_url(plan)]
    response = client.get(links[0])

    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Heat network</h1>" in page
    assert "A bankable plan. Its promoter shares the full plan" in page
    assert "Ghent (Belgium)" in page
    for area in plan.areas.all():
        assert area.name in page
    assert "Feasibility" in page
    assert "€8,000,000" in page
    assert "Loan, Grant" in page or "Grant, Loan" in page
    assert "80 / 100" in page


def test_the_teaser_offers_a_deal_request_in_the_funds_name(client_for, investor, fund, plan):
    client = client_for(investor)

    page = client.get(teaser_url(plan)).content.decode()

    link = f"{reverse('deal:request-create')}?plan={plan.pk}&amp;profile={fund.pk}"
    assert link in page
    assert client.get(unescape(link)).status_code == 200


def test_read_the_full_plan_appears_only_once_the_promoter_shared_it(
    client_for, investor, fund, plan
):
    client = client_for(investor)
    full_plan = reverse("shape:plan-detail", args=[plan.pk])

    before = client.get(teaser_url(plan)).content.decode()
    plan_share(plan=plan, investor=investor, actor=plan.promoter)
    after = client.get(teaser_url(plan)).content.decode()

    assert "Read the full plan" not in before
    assert full_plan not in before
    assert "Read the full plan" in after
    assert f'href="{full_plan}"' in after
    assert client.get(full_plan).status_code == 200


def test_the_funds_match_is_shown_with_the_parts_of_its_score(client_for, investor, fund, plan):
    match(plan, fund, 82.5)

    page = client_for(investor).get(teaser_url(plan)).content.decode()

    assert "How this plan matches Green Fund" in page
    assert "Score 82.5 / 100" in page
    assert "ticket inside range" in page
    assert "Ticket size" in page
    assert "67 %" in page


def test_without_a_match_the_teaser_shows_no_score(client_for, investor, fund, plan):
    other_fund = InvestorProfileFactory()
    match(plan, other_fund, 90)  # another fund's match stays with that fund

    page = client_for(investor).get(teaser_url(plan)).content.decode()

    assert "Why this match" not in page
    assert "Score 90" not in page


def test_an_investor_whose_fund_keeps_no_profile_sees_the_teaser_without_a_request_link(
    client_for, other_investor, plan
):
    response = client_for(other_investor).get(teaser_url(plan))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Heat network" in page
    assert reverse("deal:request-create") not in page
    assert "Read the full plan" not in page


# --- Who else may see it, and who may not -------------------------------------------------


@pytest.mark.parametrize("persona", ["plan's promoter", "curator"])
def test_the_plans_readers_see_the_teaser_and_the_full_plan_link(
    request, client_for, plan, persona
):
    person = plan.promoter if persona == "plan's promoter" else request.getfixturevalue(persona)

    page = client_for(person).get(teaser_url(plan)).content.decode()

    assert "Heat network" in page
    assert "Read the full plan" in page
    assert reverse("deal:request-create") not in page


@pytest.mark.parametrize(
    "status",
    [
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        PlanStatus.CHANGES_REQUESTED,
        PlanStatus.REJECTED,
        PlanStatus.WITHDRAWN,
    ],
)
def test_a_plan_that_is_not_bankable_is_not_found_for_an_investor(
    client_for, investor, fund, plan, status
):
    plan.status = status
    plan.save(update_fields=["status"])

    assert client_for(investor).get(teaser_url(plan)).status_code == 404


@pytest.mark.parametrize("persona", ["member", "other_promoter"])
def test_someone_neither_investor_nor_on_the_plan_is_not_told_it_exists(
    request, client_for, plan, persona
):
    person = request.getfixturevalue(persona)

    assert client_for(person).get(teaser_url(plan)).status_code == 404


def test_an_unknown_plan_is_not_found(client_for, investor):
    assert client_for(investor).get("/deal/plans/999999/").status_code == 404


def test_a_visitor_is_sent_to_sign_in(client_for, visitor, plan):
    response = client_for(visitor).get(teaser_url(plan))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_teaser_only_answers_get(client_for, investor, plan):
    assert client_for(investor).post(teaser_url(plan)).status_code == 405


def test_the_teaser_does_not_clash_with_investors_for_this_plan():
    assert teaser_url(BankablePlanFactory.build(pk=7)) == "/deal/plans/7/"
    assert reverse("deal:plan-investors", args=[7]) == "/deal/plans/7/investors/"


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 11])
@pytest.mark.parametrize("shared", [False, True])
def test_the_teaser_costs_a_fixed_number_of_queries(
    client_for, investor, fund, rows, shared, django_assert_max_num_queries
):
    plan = BankablePlanFactory()
    plan.areas.set(Area.objects.all()[:rows])
    plan.instruments.set([instrument(f"instrument-{number}") for number in range(rows)])
    plan.co_editors.set([UserFactory() for _number in range(rows)])
    match(plan, fund)
    if shared:
        plan_share(plan=plan, investor=investor, actor=plan.promoter)
    client = client_for(investor)
    client.get(teaser_url(plan))  # the unread count is cached from then on

    # Session, user and roles; the plan with its areas, instruments and co-editors; the fund's
    # profile and match; whether the investor is a stakeholder or was shared the plan.
    with django_assert_max_num_queries(11):
        response = client.get(teaser_url(plan))

    assert response.status_code == 200
    assert "Why this match" in response.content.decode()


# --- No dead links on the investor's lists --------------------------------------------------


def test_every_title_on_plans_for_you_and_saved_plans_opens_for_the_investor(
    client_for, investor, fund, plan
):
    others = [BankablePlanFactory() for _number in range(3)]
    for number, each in enumerate([plan, *others]):
        match(each, fund, 90 - number)
    # A plan withdrawn after it was saved keeps its row until the re-score drops its match.
    gone = BankablePlanFactory(title="Withdrawn since")
    match(gone, fund, 50)
    client = client_for(investor)
    for each in [plan, others[0], gone]:
        response = client.post(
            reverse("deal:match-decide", args=[fund.pk, each.pk]), {"decision": "saved"}
        )
        assert response.status_code == 302
    gone.status = PlanStatus.WITHDRAWN
    gone.save(update_fields=["status"])

    for_you = client.get(reverse("deal:plans-for-you")).content.decode()
    saved = client.get(reverse("deal:plans-saved")).content.decode()

    assert len(title_links(for_you)) == 4
    assert len(title_links(saved)) == 2
    assert "Withdrawn since" in for_you
    assert "Withdrawn since" in saved
    assert teaser_url(gone) not in for_you + saved
    for link in title_links(for_you) + title_links(saved):
        assert client.get(link).status_code == 200, link
    assert MatchDecision.objects.filter(profile=fund).count() == 3


def test_a_curator_reading_a_funds_plans_can_open_every_title(client_for, curator, fund, plan):
    match(plan, fund)
    match(BankablePlanFactory(), fund, 70)
    client = client_for(curator)

    links = title_links(client.get(reverse("deal:profile-plans", args=[fund.pk])).content.decode())

    assert len(links) == 2
    for link in links:
        assert client.get(link).status_code == 200, link
