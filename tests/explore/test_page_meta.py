"""Links to Explore's pages show a title and a description in search results and when shared."""

import re

import pytest
from django.urls import reverse

from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    ReferenceProjectFactory,
    SolutionFactory,
)

pytestmark = pytest.mark.django_db

SITE_DESCRIPTION = "An open platform where cities, companies, researchers and financiers"


def meta(html: str) -> dict[str, str]:
    tags = re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', html)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return dict(tags) | ({"canonical": canonical.group(1)} if canonical else {})


def test_a_solution_page_describes_itself_for_search_and_sharing(client):
    solution = SolutionFactory(title="Kerbside lockers", summary="Shared lockers, fewer vans.")

    tags = meta(client.get(solution.get_absolute_url()).content.decode())

    url = f"http://testserver{solution.get_absolute_url()}"
    assert tags["description"] == "Shared lockers, fewer vans."
    assert tags["og:title"] == "Kerbside lockers"
    assert tags["og:description"] == "Shared lockers, fewer vans."
    assert tags["og:url"] == tags["canonical"] == url


@pytest.mark.parametrize(
    ("make", "title"),
    [
        (
            lambda: ReferenceProjectFactory(acronym="GREEN", name="Green blocks"),
            "GREEN: Green blocks",
        ),
        (lambda: CityFactory(name="Tartu"), "Tartu"),
        (lambda: IndicatorFactory(name="Cycling share"), "Cycling share"),
        (lambda: KnowledgeItemFactory(title="Heat visit"), "Heat visit"),
    ],
)
def test_every_detail_page_has_a_title_a_description_and_its_canonical_address(client, make, title):
    row = make()

    tags = meta(client.get(row.get_absolute_url()).content.decode())

    assert tags["og:title"] == title
    assert tags["description"]
    assert len(tags["description"]) <= 300
    assert tags["canonical"] == f"http://testserver{row.get_absolute_url()}"


def test_a_page_without_its_own_description_gets_the_sites(client):
    city = CityFactory(description="")

    tags = meta(client.get(city.get_absolute_url()).content.decode())

    assert tags["description"].startswith(SITE_DESCRIPTION)
    assert meta(client.get(reverse("explore:solution-list")).content.decode())[
        "description"
    ].startswith(SITE_DESCRIPTION)
