"""Investor profiles, and matches computed when plans become bankable or profiles change."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Role
from deal import selectors
from deal.models import InvestorProfile, Match, MatchDecision
from deal.services import matches as services
from explore.models import Area
from marketplace.errors import NotAllowed
from shape.models import PlanStatus
from shape.services import plans as plan_services
from tests.factories import OrganisationFactory, UserFactory
from tests.shape.factories import complete_plan

pytestmark = pytest.mark.django_db

PROFILE = {
    "kind": "infrastructure_fund",
    "ticket_min_eur": 1_000_000,
    "ticket_max_eur": 20_000_000,
    "eu_wide": True,
    "stages": ["feasibility", "procurement_ready"],
    "min_bankability": 0,
}


@pytest.fixture
def template():
    from shape.models import ChecklistTemplate

    return ChecklistTemplate.objects.get(is_current=True)


def profile_for(investor, **overrides):
    from shape.models import Instrument

    data = {
        **PROFILE,
        "areas": list(Area.objects.all()[:3]),
        "instruments": list(Instrument.objects.filter(code="loan")),
        **overrides,
    }
    return services.investor_profile_save(
        organisation=investor.organisation, actor=investor, data=data
    )


def bankable_plan(promoter, curator, template):
    plan = complete_plan(promoter, template)
    plan_services.plan_submit(plan=plan, actor=promoter)
    plan_services.plan_review_start(plan=plan, actor=curator)
    return plan_services.plan_mark_bankable(plan=plan, actor=curator)


def test_a_confirmed_investor_keeps_the_organisation_profile(investor):
    profile = profile_for(investor)

    assert profile.organisation == investor.organisation
    assert profile.ticket_max_eur == 20_000_000


@pytest.mark.parametrize("persona", ["member", "promoter"])
def test_people_who_are_not_investors_of_a_fund_cannot_keep_its_profile(request, persona):
    person = request.getfixturevalue(persona)

    with pytest.raises(NotAllowed):
        services.investor_profile_save(organisation=person.organisation, actor=person, data=PROFILE)


def test_an_unconfirmed_newcomer_cannot_speak_for_the_fund(investor):
    newcomer = UserFactory(
        organisation=investor.organisation,
        organisation_confirmed=False,
        roles=[Role.MEMBER, Role.INVESTOR],
    )

    with pytest.raises(NotAllowed):
        profile_for(newcomer)


def test_a_ticket_range_upside_down_is_refused(investor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        profile_for(investor, ticket_min_eur=5_000_000, ticket_max_eur=1_000_000)

    assert "ticket_max_eur" in refused.value.message_dict
    assert not InvestorProfile.objects.exists()


def test_a_plan_that_becomes_bankable_is_matched_with_reasons(
    investor, promoter, curator, template, django_capture_on_commit_callbacks
):
    profile_for(investor)

    with django_capture_on_commit_callbacks(execute=True):
        plan = bankable_plan(promoter, curator, template)

    match = Match.objects.get(plan=plan)
    assert match.profile.organisation == investor.organisation
    assert 0 < match.score <= 100
    assert set(match.parts) == {
        "areas",
        "geography",
        "ticket",
        "instruments",
        "stage",
        "bankability",
    }
    assert "ticket inside range" in match.reasons


def test_a_withdrawn_plan_loses_its_matches(
    investor, promoter, curator, template, django_capture_on_commit_callbacks
):
    profile_for(investor)
    with django_capture_on_commit_callbacks(execute=True):
        plan = bankable_plan(promoter, curator, template)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.plan_withdraw(plan=plan, actor=promoter)

    assert not Match.objects.filter(plan=plan).exists()


def test_a_paused_profile_loses_its_matches(
    investor, promoter, curator, template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile_for(investor)
        bankable_plan(promoter, curator, template)
    assert Match.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        profile_for(investor, is_active=False)

    assert not Match.objects.exists()


def test_the_full_rescore_swaps_in_every_pair(
    investor, other_investor, promoter, curator, template
):
    profile_for(investor)
    profile_for(other_investor)
    bankable_plan(promoter, curator, template)
    Match.objects.all().delete()

    assert services.matches_rescore_all() == 2
    assert Match.objects.count() == 2


def test_plans_for_you_reads_precomputed_rows_only(
    investor, promoter, curator, template, django_assert_max_num_queries
):
    profile = profile_for(investor)
    for _number in range(3):
        bankable_plan(promoter, curator, template)
    services.matches_rescore_all()

    with django_assert_max_num_queries(1):
        matches = list(selectors.plans_for_investor(profile=profile))

    assert len(matches) == 3
    assert all(match.plan.status == PlanStatus.BANKABLE for match in matches)


def test_a_dismissed_plan_stays_away_until_it_changes(investor, promoter, curator, template):
    profile = profile_for(investor)
    plan = bankable_plan(promoter, curator, template)
    services.matches_rescore_all()
    MatchDecision.objects.create(
        profile=profile, plan=plan, decision="dismissed", plan_updated_at=plan.updated_at
    )

    assert not selectors.plans_for_investor(profile=profile).exists()

    plan.updated_at = timezone.now()
    plan.save(update_fields=["updated_at"])
    assert selectors.plans_for_investor(profile=profile).exists()


def test_a_fund_outside_the_plans_country_gets_a_low_geography_part(promoter, curator, template):
    bank = OrganisationFactory(name="Nordic Bank", kind=Organisation.Kind.BANK, country="SE")
    banker = UserFactory(organisation=bank, roles=[Role.MEMBER, Role.INVESTOR])
    profile_for(banker, eu_wide=False, countries=["SE"])
    bankable_plan(promoter, curator, template)
    services.matches_rescore_all()

    assert Match.objects.get().parts["geography"] == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_scores_a_plan_marked_bankable(
    investor, promoter, curator, template, live_broker
):
    profile_for(investor)
    with start_worker(live_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            plan = bankable_plan(promoter, curator, template)

        deadline = time.monotonic() + 20
        while not Match.objects.filter(plan=plan).exists() and time.monotonic() < deadline:
            time.sleep(0.1)

    assert Match.objects.filter(plan=plan).exists(), "the worker never scored the plan"
