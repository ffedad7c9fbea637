"""A misspelt search finds the titles with a similar word, on SQLite as on PostgreSQL."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from explore.models import Maturity
from tests.explore.factories import SolutionFactory
from tests.explore.test_search_and_facets import run_search

pytestmark = pytest.mark.django_db

# (misspelt, the word in the titles): close enough for both databases' own measures of
# similar words (PostgreSQL's trigram word similarity does not take "enrgy" for "energy").
MISSPELLINGS = [("lightng", "Lighting"), ("mobilty", "Mobility")]


def solution_list(client, **params):
    return client.get(reverse("explore:solution-list"), params)


def shown_count(response, facet: str, value: str) -> int | None:
    """The count a facet value's checkbox shows, None when the value is not listed."""
    found = re.search(
        rf'name="{facet}" value="{value}"[^>]*>[^<]*<span class="count">\((\d+)\)',
        response.content.decode(),
    )
    return int(found[1]) if found else None


@pytest.mark.parametrize(("misspelt", "word"), MISSPELLINGS)
def test_a_misspelt_word_lists_the_titles_with_the_similar_word_and_says_so(client, misspelt, word):
    SolutionFactory(title=f"{word} sharing between neighbours")
    SolutionFactory(title="Open data portal")

    response = solution_list(client, q=misspelt)

    assertContains(response, "1 solution")
    assertContains(response, f"{word} sharing between neighbours")
    assertContains(response, f"No solution contains “{misspelt}” as written.")
    assertNotContains(response, "Open data portal")


@pytest.mark.parametrize(
    ("misspelt", "title"),
    [
        ("lightng", "Street lighting"),
        ("sensros", "Parking sensors"),
        ("mobilty", "Mobility hubs"),
    ],
)
def test_a_word_with_one_letter_missing_or_swapped_finds_its_title(misspelt, title):
    SolutionFactory(title=title)
    SolutionFactory(title="Open data portal")

    result = run_search(q=misspelt)

    assert [solution.title for solution in result.solutions] == [title]
    assert result.approximate


@pytest.mark.parametrize(("misspelt", "word"), MISSPELLINGS)
def test_facets_count_the_similar_titles(client, misspelt, word):
    SolutionFactory(title=f"{word} sharing", maturity=Maturity.PILOT)
    SolutionFactory(title=f"{word} data", maturity=Maturity.PILOT)
    SolutionFactory(title=f"{word} audits", maturity=Maturity.IDEA)
    SolutionFactory(title="Open data portal", maturity=Maturity.AT_SCALE)

    response = solution_list(client, q=misspelt)

    assertContains(response, "3 solutions")
    assert shown_count(response, "maturity", "pilot") == 2
    assert shown_count(response, "maturity", "idea") == 1
    assert shown_count(response, "maturity", "at_scale") is None


@pytest.mark.parametrize(("misspelt", "word"), MISSPELLINGS)
def test_a_facet_choice_narrows_the_similar_titles_and_its_facet_keeps_the_alternatives(
    client, misspelt, word
):
    SolutionFactory(title=f"{word} sharing", maturity=Maturity.PILOT)
    SolutionFactory(title=f"{word} audits", maturity=Maturity.IDEA)

    response = solution_list(client, q=misspelt, maturity="idea")

    assertContains(response, "1 solution")
    assertContains(response, f"{word} audits")
    assertNotContains(response, f"{word} sharing")
    assert shown_count(response, "maturity", "pilot") == 1


@pytest.mark.parametrize(("misspelt", "word"), MISSPELLINGS)
def test_a_facet_that_excludes_every_similar_title_suggests_dropping_it(client, misspelt, word):
    SolutionFactory(title=f"{word} sharing", maturity=Maturity.PILOT)

    response = solution_list(client, q=misspelt, maturity="idea")

    assertContains(response, "0 solutions")
    assertContains(response, "without the “Maturity” filter: 1 results")
    assertNotContains(response, "as written")


def test_an_unrelated_word_still_finds_nothing_and_offers_the_way_out(client):
    SolutionFactory(title="Energy sharing")

    response = solution_list(client, q="zzzzqx")

    assertContains(response, "0 solutions")
    assertContains(response, "No solution matches all of this.")
    assertContains(response, "Search all of Explore for these words")
    assertNotContains(response, "as written")
    assertNotContains(response, "Energy sharing")


@pytest.mark.parametrize(
    ("searched", "title"),
    [("waste", "Water meters")],
)
def test_short_words_one_letter_apart_are_not_taken_for_each_other(searched, title):
    SolutionFactory(title=title)

    assert run_search(q=searched).total == 0


def test_an_exact_match_is_not_flagged_approximate(client):
    SolutionFactory(title="Energy sharing")

    response = solution_list(client, q="energy")

    assertContains(response, "Energy sharing")
    assertNotContains(response, "as written")
    assert not run_search(q="energy").approximate


def test_words_found_outside_the_chosen_facet_are_not_retried_as_misspellings():
    SolutionFactory(title="Energy sharing", maturity=Maturity.PILOT)

    result = run_search(q="energy", maturity=["idea"])

    assert result.total == 0
    assert not result.approximate


def test_similar_titles_sort_by_relevance_newest_and_title():
    SolutionFactory(title="Energy sharing")
    SolutionFactory(title="Community energy sharings")

    def titles(sort):
        return [solution.title for solution in run_search(q="enrgy sharing", sort=sort).solutions]

    assert titles("relevance") == ["Energy sharing", "Community energy sharings"]
    assert titles("newest") == ["Community energy sharings", "Energy sharing"]
    assert titles("title") == ["Community energy sharings", "Energy sharing"]


@pytest.mark.parametrize(("misspelt", "word"), MISSPELLINGS)
def test_site_search_lists_the_solutions_with_a_similar_word(client, misspelt, word):
    SolutionFactory(title=f"{word} sharing")

    response = client.get(reverse("explore:search"), {"q": misspelt})

    assertContains(response, f"{word} sharing")
