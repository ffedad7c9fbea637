"""Every list page links to its exports, carrying the page's filters but not its page."""

import pytest
from django.urls import reverse

from explore.views import catalogue
from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    ReferenceProjectFactory,
)

pytestmark = pytest.mark.django_db


def ghent_everywhere():
    """Two of each so that a page 2 exists at a page size of one, all found by `?q=ghent`."""
    for number in range(2):
        city = CityFactory(name=f"Ghent {number}")
        ReferenceProjectFactory(acronym=f"GHENT{number}", cities=[city])
        IndicatorFactory(code=f"GHENT-{number}", name=f"Ghent indicator {number}")
        KnowledgeItemFactory(title=f"Ghent story {number}", kind="story")


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("project", {"q": "ghent", "country": "BE"}),
        ("city", {"q": "ghent", "country": "BE"}),
        ("indicator", {"q": "ghent", "area": "baselines-indicators-metrics"}),
        ("knowledge", {"q": "ghent", "kind": "story"}),
    ],
)
def test_a_list_page_links_to_its_csv_and_json_with_its_filters_but_not_its_page(
    client, monkeypatch, name, params
):
    monkeypatch.setattr(catalogue, "PAGE_SIZE", 1)
    ghent_everywhere()

    response = client.get(reverse(f"explore:{name}-list"), {**params, "page": 2})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Download these results:" in html
    query = "&amp;".join(f"{key}={value}" for key, value in params.items())
    for fmt in ["csv", "json"]:
        export = reverse(f"explore:{name}-export", kwargs={"fmt": fmt})
        assert f'href="{export}?{query}"' in html
    assert "export.csv?page" not in html
    assert "page=2" not in html.split('class="exports"')[1].split("</p>")[0]


@pytest.mark.parametrize("name", ["project", "city", "indicator", "knowledge"])
def test_an_unfiltered_list_page_links_to_the_whole_export(client, name):
    ghent_everywhere()

    html = client.get(reverse(f"explore:{name}-list")).content.decode()

    for fmt in ["csv", "json"]:
        assert f'href="{reverse(f"explore:{name}-export", kwargs={"fmt": fmt})}?"' in html
