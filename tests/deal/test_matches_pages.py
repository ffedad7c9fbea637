"""ʺPlans for youʺ, saved and dismissed plans, and ʺInvestors for this planʺ."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from deal.models import Match, MatchDecision
from deal.services import matches as services
from deal.views.matches import plans_page_data
from explore.models import Area, City
from shape.models import ProjectPlan
from tests.deal.factories import (
    BankablePlanFactory,
    InvestorProfileFactory,
    MatchFactory,
    instrument,
    investor_of,
)

pytestmark = pytest.mark.django_db

REASONS = ["ticket inside range", "2 of 3 areas: mobility, energy", "Loan offered"]


def match(plan, profile, score=80, **fields):
    return MatchFactory(plan=plan, profile=profile, score=Decimal(score), reasons=REASONS, **fields)


@pytest.fixture
def fund(investor):
    return InvestorProfileFactory(organisation=investor.organisation)


@pytest.fixture
def ghent():
    return City.objects.get_or_create(
        slug="ghent", defaults={"name": "Ghent", "country": "BE", "latitude": 51, "longitude": 3}
    )[0]


def plans_url(**query):
    url = reverse("deal:plans-for-you")
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


# --- Plans for you --------------------------------------------------------------------------


def test_plans_for_you_shows_each_match_with_score_parts_reasons_and_links(
    client_for, investor, fund
):
    plan = BankablePlanFactory(title="Heat network")
    match(plan, fund, 82.5)

    response = client_for(investor).get(plans_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Heat network" in page
    assert "Score 82.5 / 100" in page
    assert "ticket inside range" in page
    assert "Loan offered" in page
    assert "Ticket size" in page
    assert "67 %" in page
    assert reverse("deal:plan-teaser", args=[plan.pk]) in page
    assert f"/deal/requests/new/?plan={plan.pk}&amp;profile={fund.pk}" in page


def test_plans_are_listed_best_first(client_for, investor, fund):
    match(BankablePlanFactory(title="Weaker"), fund, 60)
    match(BankablePlanFactory(title="Stronger"), fund, 90)

    page = client_for(investor).get(plans_url()).content.decode()

    assert page.index("Stronger") < page.index("Weaker")


@pytest.mark.parametrize("rows", [1, 50])
def test_the_page_data_is_read_in_at_most_four_queries(fund, rows, django_assert_max_num_queries):
    for _number in range(rows):
        match(BankablePlanFactory(), fund)

    with django_assert_max_num_queries(4):
        data = plans_page_data(fund, None, 1)
        for row in data["matches"]:
            [area.name for area in row.plan.areas.all()]

    assert len(data["matches"]) == min(rows, 25)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_page_costs_the_same_queries_with_one_or_fifty_plans(
    client_for, investor, fund, rows, django_assert_max_num_queries
):
    for _number in range(rows):
        match(BankablePlanFactory(), fund)
    client = client_for(investor)
    client.get(plans_url())  # the unread count is cached from then on

    with django_assert_max_num_queries(9):
        response = client.get(plans_url())

    assert response.status_code == 200


def test_filters_narrow_the_plans_and_stay_in_the_url(client_for, investor, fund, ghent):
    mobility, energy = Area.objects.all()[:2]
    wanted = BankablePlanFactory(title="Wanted plan", city=ghent, stage="feasibility")
    wanted.areas.set([mobility])
    wanted.instruments.set([instrument("loan")])
    lyon = City.objects.create(slug="lyon", name="Lyon", country="FR", latitude=45, longitude=4)
    other = BankablePlanFactory(title="Other plan", stage="concept", city=lyon)
    other.areas.set([energy])
    match(wanted, fund, 85)
    match(other, fund, 70)
    client = client_for(investor)

    for query in [
        {"area": mobility.slug},
        {"country": "BE"},
        {"stage": "feasibility"},
        {"instrument": "loan"},
        {"min_score": "80"},
    ]:
        page = client.get(plans_url(**query)).content.decode()
        assert "Wanted plan" in page, query
        assert "Other plan" not in page, query


def test_filters_are_kept_across_pages(client_for, investor, fund):
    for _number in range(30):
        match(BankablePlanFactory(stage="feasibility"), fund)

    page = client_for(investor).get(plans_url(stage="feasibility")).content.decode()

    assert "?stage=feasibility&amp;page=2" in page


def test_a_bad_filter_is_shown_as_a_form_error_not_a_failure(client_for, investor, fund):
    match(BankablePlanFactory(title="Still listed"), fund)

    response = client_for(investor).get(plans_url(min_score="lots", stage="nowhere"))

    assert response.status_code == 200
    assert response.context["filter_form"].errors.keys() == {"min_score", "stage"}
    assert "Still listed" in response.content.decode()


def test_an_investor_without_a_profile_is_sent_to_create_one(client_for, investor):
    response = client_for(investor).get(plans_url())

    assert response["Location"] == reverse("deal:profile-edit")


@pytest.mark.parametrize("persona", ["member", "promoter"])
def test_people_who_are_not_investors_get_no_plans_for_you(request, client_for, persona):
    person = request.getfixturevalue(persona)

    assert client_for(person).get(plans_url()).status_code == 403


def test_another_fund_cannot_see_a_funds_plans_for_you(client_for, other_investor, fund):
    InvestorProfileFactory(organisation=other_investor.organisation)
    match(BankablePlanFactory(), fund)
    url = reverse("deal:profile-plans", args=[fund.pk])

    # The profile is open to members, its plans are not.
    assert client_for(other_investor).get(url).status_code == 403
    fund.visibility = "matched"
    fund.save()
    assert client_for(other_investor).get(url).status_code == 404


def test_a_member_cannot_see_a_funds_plans_for_you(client_for, member, fund):
    url = reverse("deal:profile-plans", args=[fund.pk])

    assert client_for(member).get(url).status_code == 403


def test_a_curator_sees_any_funds_plans(client_for, curator, fund):
    match(BankablePlanFactory(title="For the curator"), fund)

    response = client_for(curator).get(reverse("deal:profile-plans", args=[fund.pk]))

    assert "For the curator" in response.content.decode()
    assert 'name="decision"' not in response.content.decode()  # only the fund decides


# --- Save and dismiss -----------------------------------------------------------------------


def decide(client, fund, plan, decision):
    return client.post(
        reverse("deal:match-decide", args=[fund.pk, plan.pk]), {"decision": decision}
    )


def test_a_dismissed_plan_stays_away_until_the_plan_changes(client_for, investor, fund):
    plan = BankablePlanFactory(title="Dismiss me")
    match(plan, fund)
    client = client_for(investor)

    response = decide(client, fund, plan, "dismissed")

    assert response.status_code == 302
    assert "Dismiss me" not in client.get(plans_url()).content.decode()
    ProjectPlan.objects.filter(pk=plan.pk).update(updated_at=timezone.now() + timedelta(minutes=1))
    page = client.get(plans_url()).content.decode()
    assert "Dismiss me" in page
    assert "Changed since you dismissed it" in page


def test_a_saved_plan_is_listed_as_saved_and_can_be_unsaved(client_for, investor, fund):
    plan = BankablePlanFactory(title="Keep me")
    match(plan, fund, 77)
    client = client_for(investor)

    decide(client, fund, plan, "saved")

    saved = client.get(reverse("deal:plans-saved")).content.decode()
    assert "Keep me" in saved
    assert "77" in saved
    assert "Saved" in client.get(plans_url()).content.decode()
    decide(client, fund, plan, "clear")
    assert not MatchDecision.objects.exists()


def test_a_saved_plan_stays_listed_after_it_lost_its_match(client_for, investor, fund):
    plan = BankablePlanFactory(title="Unmatched since")
    match(plan, fund)
    client = client_for(investor)
    decide(client, fund, plan, "saved")
    Match.objects.all().delete()

    assert "no longer matched" in client.get(reverse("deal:plans-saved")).content.decode()


def test_deciding_on_an_unmatched_plan_is_refused_with_a_message(client_for, investor, fund):
    plan = BankablePlanFactory()

    response = decide(client_for(investor), fund, plan, "saved")

    assert response.status_code == 302
    assert not MatchDecision.objects.exists()


@pytest.mark.parametrize("persona", ["other_investor", "member", "curator"])
def test_only_the_funds_investors_save_or_dismiss(request, client_for, fund, persona):
    plan = BankablePlanFactory()
    match(plan, fund)

    response = decide(client_for(request.getfixturevalue(persona)), fund, plan, "dismissed")

    assert response.status_code == 403
    assert not MatchDecision.objects.exists()


def test_an_unknown_decision_is_not_found(client_for, investor, fund):
    plan = BankablePlanFactory()
    match(plan, fund)

    assert decide(client_for(investor), fund, plan, "adore").status_code == 404


def test_deciding_needs_a_post(client_for, investor, fund):
    plan = BankablePlanFactory()

    url = reverse("deal:match-decide", args=[fund.pk, plan.pk])
    assert client_for(investor).get(url).status_code == 405


def test_the_next_address_must_be_on_this_site(client_for, investor, fund):
    plan = BankablePlanFactory()
    match(plan, fund)

    response = client_for(investor).post(
        reverse("deal:match-decide", args=[fund.pk, plan.pk]),
        {"decision": "saved", "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("deal:plans-for-you")


# --- Investors for this plan ----------------------------------------------------------------


def investors_url(plan):
    return reverse("deal:plan-investors", args=[plan.pk])


def test_the_promoter_sees_the_plans_investors_with_parts_reasons_and_request_links(
    client_for, promoter
):
    plan = BankablePlanFactory(promoter=promoter)
    profile = InvestorProfileFactory(visibility="matched")
    match(plan, profile, 91)

    response = client_for(promoter).get(investors_url(plan))

    page = response.content.decode()
    assert response.status_code == 200
    assert str(profile.organisation) in page
    assert "Score 91.0 / 100" in page
    assert "ticket inside range" in page
    assert f"/deal/requests/new/?plan={plan.pk}&amp;profile={profile.pk}" in page


def test_the_list_keeps_the_best_twenty_active_investors(client_for, promoter):
    plan = BankablePlanFactory(promoter=promoter)
    for number in range(22):
        match(plan, InvestorProfileFactory(), 50 + number)
    paused = InvestorProfileFactory(is_active=False)
    match(plan, paused, 99)

    response = client_for(promoter).get(investors_url(plan))

    assert len(response.context["matches"]) == 20
    assert str(paused.organisation) not in response.content.decode()


@pytest.mark.parametrize("persona", ["co_editor", "curator"])
def test_co_editors_and_curators_see_the_plans_investors(request, client_for, promoter, persona):
    plan = BankablePlanFactory(promoter=promoter)
    if persona == "co_editor":
        person = request.getfixturevalue("other_promoter")
        plan.co_editors.add(person)
    else:
        person = request.getfixturevalue("curator")
    match(plan, InvestorProfileFactory())

    assert client_for(person).get(investors_url(plan)).status_code == 200


@pytest.mark.parametrize(("persona", "status"), [("other_promoter", 404), ("member", 404)])
def test_a_promoter_cannot_see_another_plans_investors(
    request, client_for, promoter, persona, status
):
    plan = BankablePlanFactory(promoter=promoter)

    response = client_for(request.getfixturevalue(persona)).get(investors_url(plan))

    assert response.status_code == status


def test_an_investor_may_see_the_plans_teaser_but_not_its_investors(client_for, investor, promoter):
    plan = BankablePlanFactory(promoter=promoter)

    assert client_for(investor).get(investors_url(plan)).status_code == 403


def test_an_unknown_plan_is_not_found(client_for, promoter):
    response = client_for(promoter).get(reverse("deal:plan-investors", args=[999999]))

    assert response.status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_investors_for_a_plan_cost_the_same_queries_with_few_or_many(
    client_for, promoter, rows, django_assert_max_num_queries
):
    plan = BankablePlanFactory(promoter=promoter)
    for _number in range(rows):
        match(plan, InvestorProfileFactory())
    client = client_for(promoter)
    client.get(investors_url(plan))

    with django_assert_max_num_queries(7):
        client.get(investors_url(plan))


# --- The hub and the curators' re-score -----------------------------------------------------


def test_the_hub_links_each_role_to_its_pages(client_for, investor, promoter, curator, fund):
    plan = BankablePlanFactory(promoter=promoter, title="Bankable one")

    investor_page = client_for(investor).get(reverse("deal:index")).content.decode()
    promoter_page = client_for(promoter).get(reverse("deal:index")).content.decode()
    curator_page = client_for(curator).get(reverse("deal:index")).content.decode()

    assert reverse("deal:plans-for-you") in investor_page
    assert reverse("deal:plan-investors", args=[plan.pk]) in promoter_page
    assert reverse("deal:plans-for-you") not in promoter_page
    assert reverse("deal:rescore") in curator_page


def test_an_investor_without_a_profile_is_invited_to_create_one(client_for, investor):
    page = client_for(investor).get(reverse("deal:index")).content.decode()

    assert reverse("deal:profile-edit") in page


def test_a_curator_starts_a_full_rescore_and_sees_its_figures(
    client_for, curator, fund, django_capture_on_commit_callbacks
):
    match(BankablePlanFactory(), fund)  # replaced by the run
    BankablePlanFactory()
    client = client_for(curator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deal:rescore"))

    assert response.status_code == 302
    run_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    page = client.get(response["Location"]).content.decode()
    assert "Finished" in page
    progress = services.rescore_progress(run_id)
    assert progress["status"] == "done"
    assert progress["plans"] == 2
    assert progress["matches"] == Match.objects.count() == 2
    assert not services.rescore_running()


def test_a_second_click_while_a_run_is_on_does_not_start_another(client_for, curator, fund):
    cache.add(services.RESCORE_LOCK_KEY, "someone-elses-run", 60)
    match(BankablePlanFactory(), fund)
    client = client_for(curator)

    response = client.post(reverse("deal:rescore"), follow=True)

    assert "already running" in response.content.decode()
    assert Match.objects.count() == 1  # nothing re-scored
    assert 'disabled aria-disabled="true"' in client.get(reverse("deal:rescore")).content.decode()


def test_the_progress_polls_while_running_and_degrades_to_a_refresh_link(client_for, curator):
    run_id = "run1"
    cache.set(
        services._progress_key(run_id),
        {"run_id": run_id, "status": "running", "phase": "scoring", "done": 3, "total": 10},
    )
    url = reverse("deal:rescore-progress", args=[run_id])
    client = client_for(curator)

    full = client.get(url).content.decode()
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 2s"' in full
    assert f'<a href="{url}">' in full  # the refresh link for a page without JavaScript
    assert "3 of 10" in fragment
    assert "<html" not in fragment


@pytest.mark.parametrize("persona", ["member", "promoter", "investor"])
def test_only_curators_rescore(request, client_for, persona):
    person = request.getfixturevalue(persona)
    client = client_for(person)

    assert client.get(reverse("deal:rescore")).status_code == 403
    assert client.post(reverse("deal:rescore")).status_code == 403
    assert not services.rescore_running()


def test_an_unknown_run_is_not_found(client_for, curator):
    response = client_for(curator).get(reverse("deal:rescore-progress", args=["nope"]))

    assert response.status_code == 404


def test_investor_of_helper_is_confirmed(fund):
    assert investor_of(fund).organisation_confirmed
