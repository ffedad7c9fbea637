"""Search engines find Explore's public pages through robots.txt and the sitemaps."""

import re

import pytest
from django.urls import reverse

from explore.models import PublicationStatus
from explore.sitemaps import SolutionSitemap
from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    ReferenceProjectFactory,
    SolutionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def locations(client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return re.findall(r"<loc>http://testserver([^<]+)</loc>", response.content.decode())


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_off_private_and_costly_paths(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /deal/", "Disallow: /shape/", "Disallow: /explore/*/export."} <= set(lines)
    assert lines[-1] == "Sitemap: http://testserver/sitemap.xml"


def test_the_index_lists_a_sitemap_per_kind_of_page(client):
    sections = locations(client, "/sitemap.xml")

    assert sections == [
        f"/sitemap-{name}.xml"
        for name in (
            "explore",
            "solutions",
            "projects",
            "cities",
            "indicators",
            "knowledge",
            "tags",
        )
    ]


def test_only_published_solutions_and_knowledge_are_listed(client, member):
    shown = SolutionFactory(title="Shown")
    for status in (PublicationStatus.DRAFT, PublicationStatus.PENDING, PublicationStatus.ARCHIVED):
        SolutionFactory(title=f"Hidden {status}", status=status)
        KnowledgeItemFactory(title=f"Hidden {status}", status=status)
    news = KnowledgeItemFactory(title="Shown news")

    assert locations(client, "/sitemap-solutions.xml") == [shown.get_absolute_url()]
    assert locations(client, "/sitemap-knowledge.xml") == [news.get_absolute_url()]
    entry = client.get("/sitemap-solutions.xml").content.decode()
    assert f"<lastmod>{shown.updated_at:%Y-%m-%d}</lastmod>" in entry


def test_projects_cities_indicators_and_the_lists_are_listed(client):
    city = CityFactory()
    project = ReferenceProjectFactory(cities=[city])
    indicator = IndicatorFactory()

    assert locations(client, "/sitemap-projects.xml") == [project.get_absolute_url()]
    assert locations(client, "/sitemap-cities.xml") == [city.get_absolute_url()]
    assert locations(client, "/sitemap-indicators.xml") == [indicator.get_absolute_url()]
    assert reverse("explore:solution-list") in locations(client, "/sitemap-explore.xml")


def test_tags_are_listed_when_a_published_solution_carries_them(client):
    shown, hidden = TagFactory(name="Cargo bikes"), TagFactory(name="Drones")
    SolutionFactory(tags=[shown])
    SolutionFactory(tags=[hidden], status=PublicationStatus.DRAFT)

    assert locations(client, "/sitemap-tags.xml") == [shown.get_absolute_url()]


def test_a_large_section_is_split_into_pages_under_the_index(client, monkeypatch):
    monkeypatch.setattr(SolutionSitemap, "limit", 2)
    solutions = [SolutionFactory() for _ in range(3)]

    assert "/sitemap-solutions.xml?p=2" in locations(client, "/sitemap.xml")
    assert locations(client, "/sitemap-solutions.xml?p=2") == [solutions[2].get_absolute_url()]
    assert client.get("/sitemap-solutions.xml?p=3").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("rows", [1, 40])
def test_the_index_and_a_section_take_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        SolutionFactory()

    # A count per section and a latest change per section that keeps one.
    with django_assert_max_num_queries(9):
        client.get("/sitemap.xml")
    with django_assert_max_num_queries(2):
        client.get("/sitemap-solutions.xml")
