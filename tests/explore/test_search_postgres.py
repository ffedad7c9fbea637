"""On PostgreSQL, search uses the stored vectors' GIN indexes and forgives misspellings."""

import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from explore.models import Area, Solution, SolutionSearchEntry
from explore.search import search
from tests.explore.test_search_and_facets import add_solution, run_search
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def explain(queryset) -> str:
    return explain_sql(*queryset.query.sql_with_params())


def explain_sql(sql: str, params=()) -> str:
    with connection.cursor() as cursor:
        # With a few rows the planner prefers a scan, or walking the sort order's index and
        # filtering; forbid both to see which index serves the condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_an_exact_search_does_not_fall_back_to_the_slower_fuzzy_match():
    add_solution("Photovoltaic carports")
    add_solution("Photovoltaic facades")

    result = run_search(q="facades")

    assert [s.title for s in result.solutions] == ["Photovoltaic facades"]


def test_search_uses_the_gin_index_on_the_stored_vector():
    add_solution("Smart grid balancing")

    plan = explain(search(Solution.objects.all(), "grid"))

    assert "explore_solution_search_gin" in plan
    assert "to_tsvector" not in plan, "the vector must be stored, not computed per query"


def test_the_vector_is_kept_current_when_a_row_changes():
    solution = add_solution("Parking sensors")

    Solution.objects.filter(pk=solution.pk).update(body="Now with kerbside loading zones")

    assert list(search(Solution.objects.all(), "kerbside")) == [solution]


@pytest.mark.usefixtures("either_search_path")
def test_a_misspelt_word_still_finds_the_solution():
    add_solution("Photovoltaic carports")

    result = run_search(q="photovoltiac")

    assert [s.title for s in result.solutions] == ["Photovoltaic carports"]
    assert result.total == 1


def test_a_word_missing_one_letter_still_finds_the_titles_with_it():
    add_solution("Parking sensors")
    add_solution("Bike lanes")

    result = run_search(q="parkng")

    assert [s.title for s in result.solutions] == ["Parking sensors"]
    assert result.approximate


def test_the_list_says_when_it_shows_similar_words_instead_of_the_searched_ones(client):
    add_solution("Photovoltaic carports")
    url = reverse("explore:solution-list")
    notice = "No solution contains “photovoltiac” as written."

    misspelt = client.get(url, {"q": "photovoltiac"})
    exact = client.get(url, {"q": "photovoltaic"})

    assertContains(misspelt, notice)
    assertContains(misspelt, "Photovoltaic carports")
    assertNotContains(exact, "as written")
    assertContains(exact, "Photovoltaic carports")


@pytest.mark.usefixtures("many_matches")
def test_search_and_its_counts_use_the_gin_index_of_the_narrow_search_table():
    add_solution("Smart grid balancing")
    with CaptureQueriesContext(connection) as queries:
        list(run_search(q="grid", maturity=["pilot"]).solutions)
    counting = next(query["sql"] for query in queries if "GROUPING SETS" in query["sql"])

    plans = [
        explain_sql(counting),
        explain(SolutionSearchEntry.objects.filter(search_vector=SearchQuery("grid"))),
    ]

    for plan in plans:
        assert "explore_solutionsearchentry_gin" in plan
        assert not re.search(r"on explore_solution\b", plan), "the wide table is not read"


@pytest.mark.usefixtures("many_matches")
def test_a_page_of_matches_reads_only_the_rows_that_pass_the_facet_choices():
    add_solution("Grid sensors", maturity="pilot", areas=["standards"])
    add_solution("Grid storage", maturity="idea", areas=["citizen-focus"])
    add_solution("Grid planning", maturity="at_scale", areas=["standards"])
    with CaptureQueriesContext(connection) as queries:
        result = run_search(q="grid", maturity=["pilot", "idea"], area=["standards"])
        titles = [s.title for s in result.solutions]
    page_sql = next(
        q["sql"] for q in queries if 'ts_rank("explore_solutionsearchentry"' in q["sql"]
    )

    assert titles == ["Grid sensors"]
    # The page asks the facet tokens' index, which PostgreSQL combines with the words' index
    # at scale (with three rows it prefers one index and a filter).
    assert '"facet_vector" @@' in page_sql
    tokens_only = "SELECT 1 FROM explore_solutionsearchentry WHERE facet_vector @@ %s::tsquery"
    bit = Area.objects.get(slug="standards").bit
    plan = explain_sql(tokens_only, [f"('maturity=pilot' | 'maturity=idea') & 'area={bit}'"])
    assert "explore_solutionsearchentry_facet_gin" in plan


@pytest.mark.usefixtures("many_matches")
def test_the_facet_tokens_follow_every_change_of_a_solution():
    solution = add_solution("Grid sensors", maturity="pilot", areas=["standards"])

    Solution.objects.filter(pk=solution.pk).update(maturity="idea")

    assert [s.title for s in run_search(q="grid", maturity=["idea"]).solutions] == ["Grid sensors"]
    assert list(run_search(q="grid", maturity=["pilot"]).solutions) == []
