"""Matchmaking scores: the vectorised scorer against the plain reference, and the tops kept."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deal.matching import (
    CRITERIA,
    WEIGHTS,
    InvestorArrays,
    PlanArrays,
    explain,
    explain_many,
    reference_score,
    score_chunk,
    top_matches,
)

N_COUNTRIES = 5
NAMES = {
    "areas": {0: "mobility", 1: "energy", 2: "water", 3: "buildings"},
    "instruments": {0: "loan", 1: "guarantee", 2: "grant"},
}

masks = st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.integers(0, 2**8 - 1)
money = st.floats(min_value=1e3, max_value=1e9, allow_nan=False)


@st.composite
def plan_rows(draw):
    return {
        "area_mask": draw(masks),
        "country": draw(st.integers(-1, N_COUNTRIES - 1)),
        "funding": draw(money),
        "instrument_mask": draw(masks),
        "stage": draw(st.integers(0, 5)),
        "score": draw(st.floats(0, 100) | st.sampled_from([0.0, 50.0, 100.0])),
    }


@st.composite
def investor_rows(draw):
    low = draw(st.just(0.0) | money)
    high = draw(st.just(float("inf")) | st.floats(low, 1e10) | st.just(low))
    return {
        "area_mask": draw(masks),
        "countries": draw(st.lists(st.booleans(), min_size=N_COUNTRIES, max_size=N_COUNTRIES)),
        "eu_wide": draw(st.booleans()),
        "ticket_min": low,
        "ticket_max": max(high, 1.0),
        "instrument_mask": draw(masks),
        "stage_mask": draw(st.integers(0, 2**6 - 1) | masks),
        "min_score": draw(st.floats(0, 100) | st.just(0.0)),
    }


def plans_of(rows) -> PlanArrays:
    return PlanArrays(
        ids=[row.get("id", i + 1) for i, row in enumerate(rows)],
        **{key: [row[key] for row in rows] for key in rows[0] if key != "id"},
    )


def investors_of(rows) -> InvestorArrays:
    return InvestorArrays(
        ids=[row.get("id", j + 101) for j, row in enumerate(rows)],
        **{key: [row[key] for row in rows] for key in rows[0] if key != "id"},
    )


PLAN = {
    "area_mask": 0b0111,
    "country": 2,
    "funding": 1_000_000.0,
    "instrument_mask": 0b011,
    "stage": 3,
    "score": 72.0,
}
INVESTOR = {
    "area_mask": 0b1111,
    "countries": [False, False, True, False, False],
    "eu_wide": False,
    "ticket_min": 500_000.0,
    "ticket_max": 2_000_000.0,
    "instrument_mask": 0b111,
    "stage_mask": 1 << 3,
    "min_score": 60.0,
}


def both_scores(plan: dict, investor: dict):
    """(vectorised total, parts) and (reference total, parts) for one pair."""
    plans, investors = plans_of([plan]), investors_of([investor])
    totals, parts = score_chunk(plans, investors, slice(None))
    vectorised = float(totals[0, 0]), {name: float(parts[name][0, 0]) for name in CRITERIA}
    return vectorised, reference_score(plans.row(0), investors.row(0))


def random_instance(seed: int, n_plans: int, n_investors: int):
    rng = np.random.default_rng(seed)
    plans = PlanArrays(
        ids=rng.permutation(np.arange(1000, 1000 + n_plans)),
        area_mask=rng.integers(0, 16, n_plans),
        country=rng.integers(-1, N_COUNTRIES, n_plans),
        funding=rng.choice([1e5, 1e6, 5e6, 2e7], n_plans),  # few values: many ties
        instrument_mask=rng.integers(0, 8, n_plans),
        stage=rng.integers(0, 6, n_plans),
        score=rng.choice([40.0, 60.0, 80.0], n_plans),
    )
    investors = InvestorArrays(
        ids=rng.permutation(np.arange(1, n_investors + 1)),
        area_mask=rng.integers(0, 16, n_investors),
        countries=rng.random((n_investors, N_COUNTRIES)) < 0.3,
        eu_wide=rng.random(n_investors) < 0.3,
        ticket_min=rng.choice([0, 1e6], n_investors),
        ticket_max=rng.choice([5e6, 1e7], n_investors),
        instrument_mask=rng.integers(0, 8, n_investors),
        stage_mask=rng.integers(0, 64, n_investors),
        min_score=rng.choice([0.0, 50.0, 70.0], n_investors),
    )
    return plans, investors


# --- The vectorised scorer agrees with the reference --------------------------------------


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plan_rows(), investor=investor_rows())
def test_vectorised_scorer_agrees_with_reference_on_one_pair(plan, investor):
    (total, parts), (expected_total, expected_parts) = both_scores(plan, investor)
    # Both round to a tenth, from float32 and float64 sums: they may land a tenth apart.
    assert abs(round(total * 10) - round(expected_total * 10)) <= 1
    for name in CRITERIA:
        assert parts[name] == pytest.approx(expected_parts[name], abs=1e-5), name


@settings(max_examples=40, deadline=None)
@given(
    plans=st.lists(plan_rows(), min_size=1, max_size=12),
    investors=st.lists(investor_rows(), min_size=1, max_size=12),
    start=st.integers(0, 11),
)
def test_vectorised_scorer_agrees_with_reference_on_a_block(plans, investors, start):
    plans, investors = plans_of(plans), investors_of(investors)
    block = slice(min(start, len(plans) - 1), len(plans))
    totals, parts = score_chunk(plans, investors, block)
    assert totals.dtype == np.float32
    assert totals.shape == (block.stop - block.start, len(investors))
    for i, plan_index in enumerate(range(block.start, block.stop)):
        for j in range(len(investors)):
            expected, expected_parts = reference_score(plans.row(plan_index), investors.row(j))
            assert abs(round(float(totals[i, j]) * 10) - round(expected * 10)) <= 1
            for name in CRITERIA:
                assert float(parts[name][i, j]) == pytest.approx(expected_parts[name], abs=1e-5)


# --- Edge cases ---------------------------------------------------------------------------


def test_a_perfect_match_scores_100():
    (total, parts), (expected, _) = both_scores(PLAN, INVESTOR)
    assert total == expected == 100.0
    assert set(parts.values()) == {1.0}


def test_no_shared_areas_gives_a_zero_area_part():
    (total, parts), _ = both_scores(PLAN, {**INVESTOR, "area_mask": 0b1000})
    assert parts["areas"] == 0
    assert total == 75.0


def test_a_plan_without_areas_gives_a_zero_area_part():
    (_, parts), (_, expected) = both_scores({**PLAN, "area_mask": 0}, INVESTOR)
    assert parts["areas"] == expected["areas"] == 0


def test_the_top_bit_of_a_mask_counts_like_any_other():
    top = -(2**63)
    plan = {**PLAN, "area_mask": top | 1}
    (_, parts), (_, expected) = both_scores(plan, {**INVESTOR, "area_mask": top})
    assert parts["areas"] == expected["areas"] == 0.5


@pytest.mark.parametrize("funding", [500_000.0, 2_000_000.0])
def test_funding_exactly_at_a_ticket_bound_is_inside(funding):
    (_, parts), (_, expected) = both_scores({**PLAN, "funding": funding}, INVESTOR)
    assert parts["ticket"] == expected["ticket"] == 1.0


@pytest.mark.parametrize(
    ("funding", "expected"),
    [(250_000.0, 0.25), (4_000_000.0, 0.25), (20_000_000.0, 0.01), (50_000.0, 0.01)],
)
def test_funding_outside_the_ticket_decays_with_the_log_ratio(funding, expected):
    (_, parts), (_, reference) = both_scores({**PLAN, "funding": funding}, INVESTOR)
    assert parts["ticket"] == pytest.approx(expected, abs=1e-6)
    assert reference["ticket"] == pytest.approx(expected)


def test_no_ticket_minimum_and_no_maximum_accept_any_funding():
    investor = {**INVESTOR, "ticket_min": 0.0, "ticket_max": float("inf")}
    for funding in (1.0, 1e12):
        (_, parts), _ = both_scores({**PLAN, "funding": funding}, investor)
        assert parts["ticket"] == 1.0


def test_eu_wide_investors_accept_any_country_even_unknown():
    investor = {**INVESTOR, "countries": [False] * N_COUNTRIES, "eu_wide": True}
    for country in (-1, 0, 4):
        (_, parts), _ = both_scores({**PLAN, "country": country}, investor)
        assert parts["geography"] == 1.0


def test_geography_needs_the_plans_country_among_the_investors():
    for country, expected in [(2, 1.0), (1, 0.0), (-1, 0.0)]:
        (_, parts), _ = both_scores({**PLAN, "country": country}, INVESTOR)
        assert parts["geography"] == expected, country


def test_geography_can_be_given_as_eu_wide_only():
    plans = plans_of([PLAN, {**PLAN, "country": -1}])
    investors = InvestorArrays(
        ids=[1, 2],
        area_mask=[1, 1],
        ticket_min=[0, 0],
        ticket_max=[1, 1],
        instrument_mask=[1, 1],
        stage_mask=[1, 1],
        min_score=[0, 0],
        eu_wide=[True, False],
    )
    _, parts = score_chunk(plans, investors, slice(None))
    assert parts["geography"].tolist() == [[1.0, 0.0], [1.0, 0.0]]


@pytest.mark.parametrize(
    ("stage_mask", "expected"),
    [
        (1 << 3, 1.0),
        (1 << 2, 0.5),
        (1 << 4, 0.5),
        ((1 << 1) | (1 << 5), 0.0),
        (0, 0.0),
        (1 << 6, 0.0),  # not a stage: no adjacency past the last one
    ],
)
def test_stage_fits_exactly_or_by_an_adjacent_stage(stage_mask, expected):
    (_, parts), (_, reference) = both_scores(PLAN, {**INVESTOR, "stage_mask": stage_mask})
    assert parts["stage"] == reference["stage"] == expected


def test_the_last_stage_is_adjacent_only_to_the_one_before():
    plan = {**PLAN, "stage": 5}
    (_, parts), _ = both_scores(plan, {**INVESTOR, "stage_mask": 1 << 4})
    assert parts["stage"] == 0.5
    (_, parts), _ = both_scores(plan, {**INVESTOR, "stage_mask": 1 << 6})
    assert parts["stage"] == 0.0


@pytest.mark.parametrize("score", [0.0, 35.5, 100.0])
def test_a_zero_minimum_score_accepts_every_plan(score):
    (_, parts), (_, reference) = both_scores(
        {**PLAN, "score": score}, {**INVESTOR, "min_score": 0.0}
    )
    assert parts["bankability"] == reference["bankability"] == 1.0


def test_bankability_below_the_minimum_falls_with_the_square_of_the_ratio():
    (_, parts), _ = both_scores({**PLAN, "score": 30.0}, INVESTOR)
    assert parts["bankability"] == pytest.approx(0.25)
    (_, parts), _ = both_scores({**PLAN, "score": 60.0}, INVESTOR)
    assert parts["bankability"] == 1.0


def test_invalid_arrays_are_refused():
    with pytest.raises(ValueError, match="positive funding"):
        plans_of([{**PLAN, "funding": 0.0}])
    with pytest.raises(ValueError, match="stages"):
        plans_of([{**PLAN, "stage": 6}])
    with pytest.raises(ValueError, match="rows"):
        PlanArrays(
            ids=[1, 2], area_mask=[1], country=[0], funding=[1.0], instrument_mask=[1],
            stage=[0], score=[0.0],
        )  # fmt: skip
    with pytest.raises(ValueError, match="at least the minimum"):
        investors_of([{**INVESTOR, "ticket_max": 1.0}])
    with pytest.raises(ValueError, match="geography"):
        InvestorArrays(
            ids=[1], area_mask=[1], ticket_min=[0], ticket_max=[1], instrument_mask=[1],
            stage_mask=[1], min_score=[0],
        )  # fmt: skip


# --- The tops kept ------------------------------------------------------------------------


def brute_force_tops(plans, investors, *, per_plan, per_investor, min_total=0):
    """Every pair's total from the full matrix, sorted: best first, then the smaller id."""
    totals, _ = score_chunk(plans, investors, slice(None))
    scores = {
        (plan_id, investor_id): round(float(totals[i, j]), 1)
        for i, plan_id in enumerate(plans.ids.tolist())
        for j, investor_id in enumerate(investors.ids.tolist())
    }
    kept = set()
    for plan_id in plans.ids.tolist():
        ranked = sorted(
            (-scores[plan_id, investor_id], investor_id) for investor_id in investors.ids.tolist()
        )
        kept |= {(plan_id, investor_id) for _, investor_id in ranked[:per_plan]}
    for investor_id in investors.ids.tolist():
        ranked = sorted((-scores[plan_id, investor_id], plan_id) for plan_id in plans.ids.tolist())
        kept |= {(plan_id, investor_id) for _, plan_id in ranked[:per_investor]}
    return {pair for pair in kept if scores[pair] >= min_total}, scores


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_top_matches_keeps_exactly_the_tops_per_plan_and_per_investor(seed):
    plans, investors = random_instance(seed, n_plans=60, n_investors=25)
    matches = top_matches(plans, investors, per_plan=4, per_investor=7, chunk=13)
    pairs = list(zip(matches.plan_ids.tolist(), matches.investor_ids.tolist(), strict=True))
    expected, scores = brute_force_tops(plans, investors, per_plan=4, per_investor=7)
    assert [scores[pair] for pair in pairs] == [total for _, _, total, _ in matches.rows()]
    assert len(pairs) == len(set(pairs))
    assert set(pairs) == expected


def test_top_matches_totals_and_parts_are_those_of_the_scorer():
    plans, investors = random_instance(4, n_plans=40, n_investors=30)
    totals, parts = score_chunk(plans, investors, slice(None))
    matches = top_matches(plans, investors, per_plan=3, per_investor=3, chunk=7)
    row_of = {plan_id: i for i, plan_id in enumerate(plans.ids.tolist())}
    column_of = {investor_id: j for j, investor_id in enumerate(investors.ids.tolist())}
    for plan_id, investor_id, total, match_parts in matches.rows():
        i, j = row_of[plan_id], column_of[investor_id]
        assert total == pytest.approx(float(totals[i, j]), abs=1e-4)
        for name in CRITERIA:
            assert match_parts[name] == pytest.approx(float(parts[name][i, j]), abs=1e-6)


def test_top_matches_is_ordered_by_plan_then_best_total():
    plans, investors = random_instance(5, n_plans=20, n_investors=20)
    matches = top_matches(plans, investors, per_plan=5, per_investor=2)
    rows = [(plan_id, -total, investor_id) for plan_id, investor_id, total, _ in matches.rows()]
    assert rows == sorted(rows)


def test_top_matches_does_not_depend_on_the_chunk_size():
    plans, investors = random_instance(6, n_plans=101, n_investors=37)
    results = [
        top_matches(plans, investors, per_plan=5, per_investor=9, chunk=chunk)
        for chunk in (1, 8, 50, 101, 1000)
    ]
    first = results[0]
    for other in results[1:]:
        np.testing.assert_array_equal(other.plan_ids, first.plan_ids)
        np.testing.assert_array_equal(other.investor_ids, first.investor_ids)
        np.testing.assert_array_equal(other.totals, first.totals)
        for name in CRITERIA:
            np.testing.assert_array_equal(other.parts[name], first.parts[name])


def test_top_matches_drops_totals_under_the_minimum():
    plans, investors = random_instance(7, n_plans=30, n_investors=20)
    matches = top_matches(plans, investors, per_plan=6, per_investor=6, min_total=55)
    expected, _ = brute_force_tops(plans, investors, per_plan=6, per_investor=6, min_total=55)
    assert (matches.totals >= 55).all()
    assert set(zip(matches.plan_ids.tolist(), matches.investor_ids.tolist(), strict=True)) == (
        expected
    )


def test_top_matches_keeps_everything_when_the_tops_exceed_the_instance():
    plans, investors = random_instance(8, n_plans=6, n_investors=4)
    matches = top_matches(plans, investors, per_plan=20, per_investor=50)
    assert len(matches) == 24


def test_top_matches_with_no_investors_is_empty():
    plans, investors = random_instance(9, n_plans=5, n_investors=3)
    matches = top_matches(plans, investors.take(slice(0, 0)))
    assert len(matches) == 0
    assert set(matches.parts) == set(CRITERIA)


def test_a_single_plan_can_be_rescored_alone():
    plans, investors = random_instance(10, n_plans=30, n_investors=20)
    totals, _ = score_chunk(plans, investors, slice(None))
    alone, _ = score_chunk(plans.take([17]), investors, slice(None))
    np.testing.assert_array_equal(alone[0], totals[17])


# --- Explanations -------------------------------------------------------------------------


def explained(plan=PLAN, investor=INVESTOR, **kwargs):
    plans, investors = plans_of([plan]), investors_of([investor])
    _, parts = reference_score(plans.row(0), investors.row(0))
    return explain(parts, plans.row(0), investors.row(0), NAMES, **kwargs)


def test_explain_a_good_match():
    reasons = explained()
    assert reasons == [
        "3 of 3 areas: mobility, energy, water",
        "ticket inside range",
        "invests in the plan's country",
        "loan and guarantee both offered",
        "stage fits",
        "bankability 72 ≥ 60",
    ]


def test_explain_puts_the_strongest_contribution_first():
    investor = {**INVESTOR, "area_mask": 0b0001, "ticket_max": 700_000.0}
    reasons = explained(investor=investor)
    assert reasons[0] == "invests in the plan's country"
    assert "1 of 3 areas: mobility" in reasons
    assert "funding sought is 43% above the ticket maximum" in reasons


def test_explain_a_weak_match():
    plan = {**PLAN, "area_mask": 0b1000, "country": -1, "funding": 400_000.0, "score": 48.0}
    investor = {**INVESTOR, "area_mask": 0b0111, "instrument_mask": 0b100, "stage_mask": 0b1}
    reasons = explained(plan, investor)
    assert set(reasons) == {
        "no shared area",
        "the plan's country is unknown",
        "funding sought is 20% below the ticket minimum",
        "no shared financing instrument",
        "stage outside the investor's stages",
        "bankability 48 < 60",
    }


def test_explain_names_unnamed_bits_and_long_lists():
    plan = {**PLAN, "area_mask": 0b1_0000_0001, "instrument_mask": 0b1111, "stage": 2}
    investor = {**INVESTOR, "eu_wide": True, "countries": [False] * N_COUNTRIES}
    reasons = explained(plan, investor)
    assert "1 of 2 areas: mobility" in reasons
    assert "loan, guarantee and grant all offered" in reasons
    assert "invests EU-wide" in reasons
    assert "stage next to the investor's stages" in reasons
    single = explained({**PLAN, "area_mask": 0b1_0000_0000}, {**INVESTOR, "area_mask": -1})
    assert "1 of 1 area: area 8" in single


def test_explain_passes_every_fragment_through_the_given_translation():
    reasons = explained(
        gettext=lambda message: f"fr:{message}",
        ngettext=lambda singular, plural, count: f"fr:{plural}",
    )
    assert "fr:ticket inside range" in reasons
    assert "fr:3 of 3 areas: mobility, energy, water" in reasons


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_explain_many_says_what_explain_says_for_every_kept_match(seed):
    plans, investors = random_instance(seed, n_plans=50, n_investors=20)
    plans.funding[::7] = 3e7  # above every maximum: the "above" sentence with its percent
    found = top_matches(plans, investors, per_plan=5, per_investor=8, chunk=9)
    row_of = {plan_id: i for i, plan_id in enumerate(plans.ids.tolist())}
    column_of = {investor_id: j for j, investor_id in enumerate(investors.ids.tolist())}

    many = explain_many(found, plans, investors, NAMES)

    one_by_one = [
        explain(parts, plans.row(row_of[plan_id]), investors.row(column_of[investor_id]), NAMES)
        for plan_id, investor_id, _total, parts in found.rows()
    ]
    assert many == one_by_one
    assert any("above the ticket maximum" in " ".join(reasons) for reasons in many)
