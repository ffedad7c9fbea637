"""Re-scoring: strong-match notifications, the full run's lock and progress, trimming."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from accounts.models import Notification, NotificationKind
from deal.models import Match, MatchDecision
from deal.services import matches as services
from marketplace.errors import NotAllowed, StateConflict
from shape.models import ProjectPlan
from tests.deal.factories import BankablePlanFactory, InvestorProfileFactory, investor_of

pytestmark = pytest.mark.django_db


def match_notifications(user):
    return list(
        Notification.objects.filter(recipient=user, kind=NotificationKind.MATCH).values_list(
            "title", flat=True
        )
    )


@pytest.fixture
def fund(investor):
    return InvestorProfileFactory(organisation=investor.organisation)


def strong_plan(fund, **fields):
    """A plan that fits the fund on every criterion: it scores 100."""
    plan = BankablePlanFactory(**fields)
    plan.areas.set(fund.areas.all())
    plan.instruments.set(fund.instruments.all())
    return plan


@override_settings(DEAL_STRONG_MATCH_SCORE=75)
def test_a_new_strong_match_is_announced_to_both_sides_once(investor, promoter, fund):
    colleague = investor_of(fund)
    plan = strong_plan(fund, promoter=promoter, title="Heat network")

    services.matches_rescore_all()
    services.matches_rescore_all()  # the nightly run finds the same match again

    assert Match.objects.get().score >= 75
    assert match_notifications(investor) == ["A strong new match for you: Heat network"]
    assert match_notifications(colleague) == ["A strong new match for you: Heat network"]
    assert match_notifications(promoter) == [f"{fund.organisation} is a strong match for {plan}"]


@override_settings(DEAL_STRONG_MATCH_SCORE=101)
def test_matches_below_the_threshold_are_not_announced(investor, promoter, fund):
    BankablePlanFactory(promoter=promoter)

    services.matches_rescore_all()

    assert Match.objects.exists()
    assert not Notification.objects.exists()


@override_settings(DEAL_STRONG_MATCH_SCORE=75)
def test_several_new_matches_make_one_notification_per_person(investor, promoter, fund):
    for _number in range(3):
        strong_plan(fund, promoter=promoter)

    services.matches_rescore_all()

    assert match_notifications(investor) == ["3 strong new matches for you"]
    assert match_notifications(promoter) == ["3 strong new investor matches for your plans"]


@override_settings(DEAL_STRONG_MATCH_SCORE=75)
def test_re_scoring_one_plan_announces_only_pairs_that_are_new(investor, promoter, fund):
    plan = strong_plan(fund, promoter=promoter)
    services.matches_rescore_plan(plan_id=plan.pk)
    services.matches_rescore_plan(plan_id=plan.pk)
    services.matches_rescore_profile(profile_id=fund.pk)

    assert len(match_notifications(investor)) == 1
    assert len(match_notifications(promoter)) == 1


def test_the_rescore_keeps_decisions(investor, fund):
    plan = BankablePlanFactory()
    services.matches_rescore_all()
    services.match_decide(profile=fund, plan=plan, actor=investor, decision="saved")

    services.matches_rescore_all()

    assert MatchDecision.objects.get().decision == "saved"


# --- The full run: one at a time, with progress ---------------------------------------------


def test_a_curator_request_runs_and_records_its_progress(
    curator, fund, django_capture_on_commit_callbacks
):
    BankablePlanFactory()

    with django_capture_on_commit_callbacks(execute=True):
        run_id = services.matches_rescore_request(actor=curator)

    progress = services.rescore_progress(run_id)
    assert progress["status"] == "done"
    assert progress["done"] == progress["total"] == 1  # the writing phase's one batch
    assert progress["matches"] == 1
    assert progress["profiles"] == 1
    assert progress["requested_by"] == str(curator)
    assert services.rescore_progress() == progress  # the latest run
    assert not services.rescore_running()


def test_a_second_request_while_one_is_queued_is_refused(curator):
    services.matches_rescore_request(actor=curator)  # queued: its commit never comes here

    with pytest.raises(StateConflict):
        services.matches_rescore_request(actor=curator)


def test_the_nightly_run_steps_aside_while_a_curators_run_holds_the_lock(fund):
    BankablePlanFactory()
    cache.add(services.RESCORE_LOCK_KEY, "curators-run", 60)

    assert services.matches_rescore_run() is None
    assert not Match.objects.exists()


def test_the_nightly_run_takes_and_releases_the_lock(fund):
    BankablePlanFactory()

    assert services.matches_rescore_run() == 1
    assert not services.rescore_running()
    assert services.rescore_progress()["requested_by"] == "schedule"


def test_a_redelivered_finished_run_does_nothing(fund, curator, django_capture_on_commit_callbacks):
    BankablePlanFactory()
    with django_capture_on_commit_callbacks(execute=True):
        run_id = services.matches_rescore_request(actor=curator)
    Match.objects.all().delete()

    assert services.matches_rescore_run(run_id=run_id) is None
    assert not Match.objects.exists()


def test_a_failed_run_says_so_and_frees_the_lock(curator, monkeypatch):
    run_id = services.matches_rescore_request(actor=curator)

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services.selectors, "bankable_plan_arrays", broken)
    with pytest.raises(RuntimeError):
        services.matches_rescore_run(run_id=run_id)

    assert services.rescore_progress(run_id)["status"] == "failed"
    assert not services.rescore_running()


@pytest.mark.parametrize("persona", ["member", "promoter", "investor"])
def test_only_curators_request_a_full_run(request, persona):
    with pytest.raises(NotAllowed):
        services.matches_rescore_request(actor=request.getfixturevalue(persona))
    assert not services.rescore_running()


# --- Re-scoring one plan or profile keeps what the full run keeps ---------------------------


@pytest.fixture
def small_tops(monkeypatch):
    """Tops of 3 investors per plan and 4 plans per investor, so few rows make full tops."""
    monkeypatch.setattr(services, "PER_PLAN", 3)
    monkeypatch.setattr(services, "PER_INVESTOR", 4)
    monkeypatch.setattr(services, "KEEP", {"plan": 3, "profile": 4})


def varied_market(seed: int, *, plans: int = 9, profiles: int = 7):
    import random

    from explore.models import Area
    from shape.models import Stage

    rng = random.Random(seed)
    areas = list(Area.objects.all())
    made_plans = []
    for _number in range(plans):
        plan = BankablePlanFactory(
            funding_sought_eur=rng.choice([200_000, 1_000_000, 5_000_000, 8_000_000]),
            total_investment_eur=None,
            stage=rng.choice(Stage.values),
            bankability_score=rng.choice([40, 60, 80]),
        )
        plan.areas.set(rng.sample(areas, rng.randint(1, 3)))
        made_plans.append(plan)
    made_profiles = []
    for _number in range(profiles):
        made_profiles.append(
            InvestorProfileFactory(
                ticket_min_eur=rng.choice([0, 500_000, 2_000_000]),
                ticket_max_eur=rng.choice([6_000_000, 20_000_000]),
                stages=rng.sample(Stage.values, 2),
                min_bankability=rng.choice([0, 50, 70]),
                areas=rng.sample(areas, rng.randint(1, 4)),
            )
        )
    return made_plans, made_profiles


def kept():
    return set(Match.objects.values_list("plan_id", "profile_id", "score"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_plan_that_becomes_bankable_gets_the_matches_a_full_run_gives(small_tops, seed):
    plans, _profiles = varied_market(seed)
    newcomer = plans[seed]
    ProjectPlan.objects.filter(pk=newcomer.pk).update(status="in_review")
    services.matches_rescore_all()

    ProjectPlan.objects.filter(pk=newcomer.pk).update(status="bankable")
    services.matches_rescore_plan(plan_id=newcomer.pk)
    incremental = kept()
    services.matches_rescore_all()

    assert incremental == kept()


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_a_new_profile_gets_the_matches_a_full_run_gives(small_tops, seed):
    _plans, profiles = varied_market(seed)
    newcomer = profiles[seed % len(profiles)]
    type(newcomer).objects.filter(pk=newcomer.pk).update(is_active=False)
    services.matches_rescore_all()

    type(newcomer).objects.filter(pk=newcomer.pk).update(is_active=True)
    services.matches_rescore_profile(profile_id=newcomer.pk)
    incremental = kept()
    services.matches_rescore_all()

    assert incremental == kept()
