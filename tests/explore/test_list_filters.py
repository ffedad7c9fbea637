"""The filters of the project, city, indicator and knowledge lists offer what the rows have."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from explore.models import Area, KnowledgeItem
from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    ReferenceProjectFactory,
)

pytestmark = pytest.mark.django_db

MOBILITY = "sustainable-urban-mobility"


def html_of(client, name: str, params: dict | None = None, status: int = 200) -> str:
    response = client.get(reverse(f"explore:{name}-list"), params or {})
    assert response.status_code == status
    return response.content.decode()


def ticks(html: str, name: str) -> dict[str, bool]:
    """The checkboxes of one filter: value -> whether it is ticked, in page order."""
    pattern = rf'<input type="checkbox" name="{name}" value="([^"]+)"[^>]*?( checked)?>'
    return {value: bool(checked) for value, checked in re.findall(pattern, html)}


@pytest.fixture
def cities_in_three_countries():
    ghent = CityFactory(name="Ghent", country="BE")
    lyon = CityFactory(name="Lyon", country="FR")
    CityFactory(name="Tartu", country="EE")  # in no project
    ReferenceProjectFactory(acronym="RUGGED", programme="H2020 SCC-1-2016-2017", cities=[ghent])
    ReferenceProjectFactory(acronym="SMARTER", programme="H2020 SCC-1-2015", cities=[lyon])
    ReferenceProjectFactory(acronym="NOCITY", programme="H2020 SCC-1-2015")


def test_the_city_list_offers_the_countries_that_have_cities_as_ticks(
    client, cities_in_three_countries
):
    html = html_of(client, "city")

    assert ticks(html, "country") == {"BE": False, "EE": False, "FR": False}
    assert "Afghanistan" not in html
    assert "<summary>Country</summary>" in html


def test_the_project_list_offers_only_countries_of_project_cities(
    client, cities_in_three_countries
):
    assert ticks(html_of(client, "project"), "country") == {"BE": False, "FR": False}


def test_chosen_countries_stay_ticked_and_are_counted_even_without_a_city(
    client, cities_in_three_countries
):
    html = html_of(client, "city", {"country": ["FR", "IS"]})

    assert ticks(html, "country") == {"BE": False, "EE": False, "IS": True, "FR": True}
    assert '<span class="badge">2 chosen</span>' in html
    assert "Lyon" in html
    assert "Ghent" not in html


def test_the_programme_box_suggests_the_programmes_and_still_matches_part_of_one(
    client, cities_in_three_countries
):
    html = html_of(client, "project", {"programme": "2016"})

    assert 'list="id_programme_suggestions"' in html
    suggestions = re.search(r'<datalist id="id_programme_suggestions">(.*?)</datalist>', html)
    assert re.findall(r'<option value="([^"]+)">', suggestions.group(1)) == [
        "H2020 SCC-1-2015",
        "H2020 SCC-1-2016-2017",
    ]
    assert "RUGGED" in html
    assert "SMARTER" not in html


def test_knowledge_kinds_and_areas_are_ticks_that_keep_the_choice(client):
    KnowledgeItemFactory(title="Heat network visit", kind=KnowledgeItem.Kind.EVENT)
    KnowledgeItemFactory(title="Open data checklist", kind=KnowledgeItem.Kind.GUIDANCE)

    html = html_of(client, "knowledge", {"kind": "event", "area": MOBILITY})

    assert ticks(html, "kind") == {kind: kind == "event" for kind in KnowledgeItem.Kind.values}
    areas = ticks(html, "area")
    assert list(areas) == list(Area.objects.values_list("slug", flat=True))
    assert [slug for slug, ticked in areas.items() if ticked] == [MOBILITY]
    assert "Heat network visit" in html
    assert "Open data checklist" not in html


def test_indicator_areas_are_ticks_that_keep_the_choice(client):
    IndicatorFactory(code="MOB-1", name="Cycling share", area=Area.objects.get(slug=MOBILITY))
    IndicatorFactory(code="ENV-1", name="Waste collected")

    html = html_of(client, "indicator", {"area": MOBILITY})

    assert [slug for slug, ticked in ticks(html, "area").items() if ticked] == [MOBILITY]
    assert "Cycling share" in html
    assert "Waste collected" not in html


def test_a_filter_error_names_the_filter_by_its_label_and_keeps_the_form(
    client, cities_in_three_countries
):
    html = html_of(client, "project", {"country": "XX", "q": "rugged"}, status=400)

    assert "<li>Country: Select a valid choice." in html
    assert '<details class="field filter-choices field-invalid" open>' in html
    assert '<input type="text" name="q" value="rugged"' in html


def test_the_labels_carry_no_colon_in_french_either(client, cities_in_three_countries):
    response = client.get(reverse("explore:city-list"), HTTP_ACCEPT_LANGUAGE="fr")

    html = response.content.decode()
    assert '<label for="id_q">Rechercher</label>' in html
    assert "<summary>Pays</summary>" in html


def test_the_api_neither_reads_the_offered_values_nor_refuses_a_country_without_cities(
    client, cities_in_three_countries
):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("api:city-list"), {"country": "IS"})

    assert response.status_code == 200
    assert response.json()["count"] == 0
    offered_countries = 'SELECT DISTINCT "explore_city"."country"'
    assert not any(offered_countries in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("project", "No project matches."),
        ("city", "No city matches."),
        ("indicator", "No indicator matches."),
        ("knowledge", "Nothing matches."),
    ],
)
def test_a_search_that_finds_nothing_says_so_and_offers_to_start_again(client, name, message):
    html = html_of(client, name, {"q": "zzzzqx"})

    assert f'{message} <a href="?">Start again without filters</a>' in html
