"""The site-wide search tells how many of each kind match and leads to all of them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    ReferenceProjectFactory,
    SolutionFactory,
)

pytestmark = pytest.mark.django_db


def site_search(client, text: str) -> str:
    response = client.get(reverse("explore:search"), {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, kind: str) -> str:
    found = re.search(rf'<section aria-labelledby="found-{kind}">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def listed(html: str) -> int:
    return html.count("<li>")


@pytest.fixture
def seven_heat_projects_and_two_heat_cities():
    for number in range(7):
        ReferenceProjectFactory(acronym=f"HEAT{number}", name=f"Heat network {number}")
    CityFactory(name="Heatfield")
    CityFactory(name="Heaton Park")


def test_each_kind_says_how_many_match_and_lists_the_first_five(
    client, seven_heat_projects_and_two_heat_cities
):
    html = site_search(client, "heat")

    projects = section(html, "projects")
    assert '<span class="count">(7)</span>' in projects
    assert listed(projects) == 5
    cities = section(html, "cities")
    assert '<span class="count">(2)</span>' in cities
    assert listed(cities) == 2
    assert section(html, "indicators") == ""


def test_a_kind_with_more_matches_than_shown_links_to_its_list_with_the_words(
    client, seven_heat_projects_and_two_heat_cities
):
    html = site_search(client, "heat")

    link = f'<a href="{reverse("explore:project-list")}?q=heat">All 7 matching projects</a>'
    assert link in section(html, "projects")
    assert "matching cities" not in section(html, "cities")  # both are shown already

    projects_page = client.get(reverse("explore:project-list"), {"q": "heat"}).content.decode()
    assert len(re.findall(r'<th scope="row"><a href="/explore/projects/heat', projects_page)) == 7


def test_solutions_indicators_and_knowledge_lead_to_their_lists_too(client):
    for number in range(6):
        SolutionFactory(title=f"Solar carport {number}")
        IndicatorFactory(code=f"SOL-{number}", name=f"Solar yield {number}")
        KnowledgeItemFactory(title=f"Solar lessons {number}")

    html = site_search(client, "solar")

    for kind, name, noun in [
        ("solutions", "solution-list", "solutions"),
        ("indicators", "indicator-list", "indicators"),
        ("knowledge", "knowledge-list", "knowledge items"),
    ]:
        found = section(html, kind)
        assert '<span class="count">(6)</span>' in found, kind
        assert listed(found) == 5, kind
        assert f'{reverse(f"explore:{name}")}?q=solar">All 6 matching {noun}</a>' in found


def test_summaries_are_cut_between_words(client):
    summary = "Residents buy shares in solar panels on public roofs and share the returns. " * 4
    SolutionFactory(title="Community solar", summary=summary)

    solutions = section(site_search(client, "community"), "solutions")

    shown = re.search(r"</a> — (.*?)</li>", solutions).group(1)
    assert shown.endswith("…")
    kept = shown[:-1]
    assert 100 < len(kept) < 140
    assert summary.startswith(kept)
    assert summary[len(kept)] in " ."


def test_nothing_found_anywhere_says_so(client):
    html = site_search(client, "zzzzqx")

    assert "Nothing matches." in html


def test_each_kind_is_read_with_its_count_in_one_query(
    client, seven_heat_projects_and_two_heat_cities
):
    with CaptureQueriesContext(connection) as queries:
        site_search(client, "heat")

    for table in ("explore_referenceproject", "explore_city", "explore_indicator"):
        reading = [query for query in queries.captured_queries if f'FROM "{table}"' in query["sql"]]
        assert len(reading) == 1, table
