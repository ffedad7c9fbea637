"""Searching projects, cities and indicators by words, and refusing a query search cannot use.

The list pages, their API twins and the site-wide search read a query the same way: every
word must occur in one of the row's searched fields, in any order.
"""

import pytest
from django.db.models import Q
from django.urls import reverse
from rest_framework.test import APIClient

from explore.filters import PROJECT_TEXT_FIELDS, every_word_in
from explore.models import ReferenceProject
from tests.explore.factories import CityFactory, IndicatorFactory, ReferenceProjectFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

NUL_QUERY = "a\x00b"
NUL_MESSAGE = "Null characters are not allowed."


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def catalogue():
    """One project, city and indicator whose words a visitor may type in any order."""
    return {
        "projects": ReferenceProjectFactory(
            acronym="LXMOVE",
            name="Lisbon lighthouse",
            description="Shared electric mobility for the historic centre.",
        ),
        "cities": CityFactory(name="Santiago de Compostela", country="ES"),
        "indicators": IndicatorFactory(
            code="RS-01", name="Road traffic fatalities per 100 million vehicle miles travelled"
        ),
    }


@pytest.fixture
def decoys():
    """Rows holding some of the words but never all of them."""
    return {
        "projects": ReferenceProjectFactory(
            acronym="LXHEAT", name="Lisbon district heating", description="Waste heat reuse."
        ),
        "cities": CityFactory(name="Santiago", country="CL"),
        "indicators": IndicatorFactory(code="RS-02", name="Road length per inhabitant"),
    }


FINDING = [
    ("projects", "mobility Lisbon"),  # one word in the name, one in the description
    ("projects", "lxmove shared"),  # the acronym and the description
    ("cities", "compostela santiago"),
    ("indicators", "fatalities road"),
    ("indicators", "rs-01 vehicle"),  # the code and the name
    ("indicators", "  Road   Traffic  "),
]
MISSING = [
    ("projects", "Lisbon metro"),
    ("cities", "santiago madrid"),
    ("indicators", "road accidents"),
]
LIST_PAGES = {
    "projects": "explore:project-list",
    "cities": "explore:city-list",
    "indicators": "explore:indicator-list",
}
API_LISTS = {
    "projects": "api:project-list",
    "cities": "api:city-list",
    "indicators": "api:indicator-list",
}


def page_links(client, route: str, query: str) -> str:
    response = client.get(reverse(route), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def api_slugs(api, kind: str, query: str) -> list[str]:
    response = api.get(reverse(API_LISTS[kind]), {"q": query})
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


# --- Every word counts -------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "query"), FINDING)
def test_the_list_page_finds_a_row_holding_every_word_in_any_order(
    client, catalogue, decoys, kind, query
):
    html = page_links(client, LIST_PAGES[kind], query)

    assert catalogue[kind].get_absolute_url() in html
    assert decoys[kind].get_absolute_url() not in html


@pytest.mark.parametrize(("kind", "query"), FINDING)
def test_the_api_list_finds_a_row_holding_every_word_in_any_order(
    api, catalogue, decoys, kind, query
):
    assert api_slugs(api, kind, query) == [catalogue[kind].slug]


@pytest.mark.parametrize(("kind", "query"), FINDING)
def test_the_site_search_finds_a_row_holding_every_word_in_any_order(
    client, catalogue, decoys, kind, query
):
    html = page_links(client, "explore:search", query)

    assert catalogue[kind].get_absolute_url() in html
    assert decoys[kind].get_absolute_url() not in html


@pytest.mark.parametrize(("kind", "query"), MISSING)
def test_a_word_found_nowhere_in_the_row_leaves_it_out_everywhere(
    client, api, catalogue, decoys, kind, query
):
    assert catalogue[kind].get_absolute_url() not in page_links(client, LIST_PAGES[kind], query)
    assert api_slugs(api, kind, query) == []
    html = page_links(client, "explore:search", query)
    assert catalogue[kind].get_absolute_url() not in html
    assert "Nothing matches" in html


def test_the_indicator_list_finds_words_in_either_order(client):
    consumption = IndicatorFactory(code="EN-1", name="Final energy consumption of buildings")

    for query in ["energy consumption", "consumption energy"]:
        assert consumption.get_absolute_url() in page_links(client, LIST_PAGES["indicators"], query)


def test_without_words_every_row_is_listed(api, catalogue, decoys):
    for kind in API_LISTS:
        assert len(api_slugs(api, kind, "   ")) == 2


def test_words_after_the_tenth_are_ignored():
    project = ReferenceProjectFactory(name="Lisbon lighthouse")
    ten_words = " ".join(["lisbon"] * 10)

    found = ReferenceProject.objects.filter(every_word_in(PROJECT_TEXT_FIELDS, ten_words + " zz"))

    assert list(found) == [project]
    assert every_word_in(PROJECT_TEXT_FIELDS, "") == Q()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_site_search_takes_the_same_few_queries_whatever_matches(
    client, django_assert_max_num_queries, rows
):
    for number in range(rows):
        ReferenceProjectFactory(name=f"Lisbon lighthouse {number}", description="Mobility")
        CityFactory(name=f"Lisbon {number}")
        IndicatorFactory(name=f"Lisbon mobility share {number}")

    with django_assert_max_num_queries(12):
        response = client.get(reverse("explore:search"), {"q": "mobility lisbon"})

    assert response.status_code == 200


# --- A query search cannot use ----------------------------------------------------------


@pytest.mark.parametrize("route", ["explore:search", *LIST_PAGES.values(), "explore:solution-list"])
def test_a_nul_byte_in_the_query_is_a_400_with_a_message_on_the_page(client, catalogue, route):
    response = client.get(reverse(route), {"q": NUL_QUERY})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert NUL_MESSAGE in html


@pytest.mark.parametrize("kind", API_LISTS)
def test_a_nul_byte_in_the_query_is_a_400_naming_q_in_the_api(api, catalogue, kind):
    response = api.get(reverse(API_LISTS[kind]), {"q": NUL_QUERY})

    assert response.status_code == 400
    assert response.json() == {"q": [NUL_MESSAGE]}


def test_postgresql_refuses_a_nul_byte_which_is_why_the_query_is_checked_first(catalogue):
    require_postgres()

    with pytest.raises(ValueError, match="NUL"):
        list(ReferenceProject.objects.filter(every_word_in(PROJECT_TEXT_FIELDS, NUL_QUERY)))


def test_a_very_long_site_search_is_shortened_with_a_notice(client, catalogue):
    response = client.get(reverse("explore:search"), {"q": "lisbon " * 100})

    assert response.status_code == 200
    html = response.content.decode()
    assert "shortened to its first 200 characters" in html
    assert catalogue["projects"].get_absolute_url() in html


def test_an_empty_site_search_asks_for_words(client):
    response = client.get(reverse("explore:search"))

    assert response.status_code == 200
    assert "Search all of Explore" in response.content.decode()
