"""On PostgreSQL, a search with few matches is counted and paged from one statement."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from explore import bitmaps, few_matches, selectors
from explore.filters import SolutionFilter
from explore.models import CostBand, Maturity
from tests.explore.test_search_and_facets import add_solution, run_search
from tests.explore.test_search_postgres import explain_sql
from tests.factories import OrganisationFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

SEARCHES = [
    "q=parking",
    "q=parking&sort=title",
    "q=parking&sort=newest",
    "q=parking&maturity=pilot",
    "q=parking&maturity=pilot&maturity=idea&area=standards",
    "q=parking&country=DE&cost=under_50k&provider_kind=sme&sort=newest",
    "q=parking&area=citizen-focus&area=standards&sort=title",
    "q=parking sensors",
    "q=lamp&maturity=at_scale",
]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def catalogue():
    german_sme = OrganisationFactory(country="DE", kind="sme")
    french_city = OrganisationFactory(country="FR", kind="city")
    maturities = [Maturity.PILOT, Maturity.IDEA, Maturity.AT_SCALE]
    areas = [["standards"], ["citizen-focus"], ["standards", "citizen-focus"], []]
    for number in range(12):
        add_solution(
            f"Parking {'sensors' if number % 2 else 'apps'} {number}",
            body="Every lamp post counts free parking spaces." if number % 3 else "",
            maturity=maturities[number % 3],
            provider=[german_sme, french_city][number % 2],
            cost=[20_000, 400_000, None][number % 3],
            areas=areas[number % 4],
        )
    add_solution("Street lighting", body="Lamp posts that dim, with parking sensors")
    add_solution("Bike lanes", provider=german_sme, maturity=Maturity.AT_SCALE)


def what_a_visitor_sees(querystring: str) -> tuple:
    cache.clear()
    filters = SolutionFilter(QueryDict(querystring))
    assert filters.is_valid(), filters.errors
    result = selectors.solution_search(filters=filters)
    facets = [
        (f.name, [(v.value, v.count) for v in f.values], f.count_without) for f in result.facets
    ]
    return facets, result.total, [solution.pk for solution in result.solutions[:20]]


def test_few_matches_are_counted_and_ordered_as_at_scale(monkeypatch):
    catalogue()

    answered_from_few = [what_a_visitor_sees(search) for search in SEARCHES]
    monkeypatch.setattr(few_matches, "FEW_MATCHES_AT_MOST", 0)
    answered_at_scale = [what_a_visitor_sees(search) for search in SEARCHES]

    for search, few, at_scale in zip(SEARCHES, answered_from_few, answered_at_scale, strict=True):
        assert few == at_scale, search
    assert all(total for _facets, total, _ids in answered_from_few)


def test_a_rare_word_is_counted_and_listed_with_one_statement_over_the_search_table():
    catalogue()
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        result = run_search(q="sensors", maturity=[Maturity.PILOT])
        listed = [solution.title for solution in result.solutions[:20]]

    statements = [query["sql"] for query in queries]
    assert listed == ["Parking sensors 9", "Parking sensors 3", "Street lighting"]
    assert sum("explore_solutionsearchentry" in sql for sql in statements) == 1
    assert not any("bit_count" in sql or "GROUPING SETS" in sql for sql in statements)
    assert len(statements) <= 4  # catalogue version, matches, areas, the page's solutions
    plan = explain_sql(next(sql for sql in statements if "explore_solutionsearchentry" in sql))
    assert "explore_solutionsearchentry_gin" in plan


def test_more_matches_than_are_read_at_once_are_counted_the_usual_way(monkeypatch):
    for number in range(3):
        add_solution(f"Solar carport {number}", maturity=Maturity.PILOT)
    monkeypatch.setattr(few_matches, "FEW_MATCHES_AT_MOST", 2)

    with CaptureQueriesContext(connection) as queries:
        result = run_search(q="solar")
        listed = list(result.solutions[:20])

    assert few_matches.few_matches("solar") is None
    assert (result.total, len(listed)) == (3, 3)
    assert any("GROUPING SETS" in query["sql"] for query in queries)


@pytest.mark.usefixtures("either_search_path")
def test_words_found_but_not_with_the_choices_suggest_relaxing_a_choice():
    add_solution("Solar carport", maturity=Maturity.PILOT, cost=20_000)

    result = run_search(q="solar", maturity=[Maturity.IDEA], cost=[CostBand.UNDER_50K])

    assert result.total == 0
    assert {f.name: f.count_without for f in result.relaxations} == {"maturity": 1}


@pytest.mark.usefixtures("either_search_path")
def test_a_solution_without_provider_country_or_areas_is_still_found():
    add_solution("Solar carport", provider=OrganisationFactory(country=""))

    result = run_search(q="solar")

    assert [solution.title for solution in result.solutions] == ["Solar carport"]
    assert all(not facet.values for facet in result.facets if facet.name in {"area", "country"})


def test_words_the_bitmaps_track_are_counted_from_them_without_reading_matches():
    catalogue()
    answered_from_few = [what_a_visitor_sees(search) for search in SEARCHES]
    bitmaps.facet_bitmaps_rebuild(minimum_solutions=3)  # "parking", "sensors", "lamp"...

    with CaptureQueriesContext(connection) as queries:
        answered_with_bitmaps = [what_a_visitor_sees(search) for search in SEARCHES]

    assert few_matches.few_matches("parking") is None
    assert few_matches.few_matches("parking sensors") is None
    assert few_matches.few_matches("bike") is not None  # one solution: not tracked
    assert answered_with_bitmaps == answered_from_few
    assert any("bit_count" in query["sql"] for query in queries)
