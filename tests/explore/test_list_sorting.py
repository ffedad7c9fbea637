"""Visitors sort the project, city, indicator and knowledge lists: pages, API and exports."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from explore import selectors
from explore.filters import CityFilter, IndicatorFilter, KnowledgeFilter, ProjectFilter
from explore.models import City, Indicator, KnowledgeItem, ReferenceProject
from explore.views import catalogue
from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    MeasurementFactory,
    ReferenceProjectFactory,
)

pytestmark = pytest.mark.django_db

LISTS = ["project", "city", "indicator", "knowledge"]
# What names a row on the page, in the API and in the CSV alike.
LABEL = {"project": "acronym", "city": "name", "indicator": "code", "knowledge": "title"}
MODEL = {
    "project": ReferenceProject,
    "city": City,
    "indicator": Indicator,
    "knowledge": KnowledgeItem,
}


# --- Data: rows whose every order differs -----------------------------------------------


def projects():
    def project(acronym, name, start_year, eu_contribution):
        ReferenceProjectFactory(
            acronym=acronym,
            name=name,
            start_year=start_year,
            end_year=None,
            total_budget_eur=None,
            eu_contribution_eur=eu_contribution,
            cities=[CityFactory(name=f"{name} city", country="BE")],
        )

    project("ALPHA", "Zonal energy", 2016, 5_000_000)
    project("BRAVO", "Mobility hub", 2021, None)
    project("CHARLIE", "Alpine heat", 2019, 30_000_000)
    project("DELTA", "Bright streets", 2021, 12_000_000)


def cities():
    CityFactory(name="Aalborg", population=120_000)
    bilbao = CityFactory(name="Bilbao", population=None)
    cork = CityFactory(name="Cork", population=220_000)
    dresden = CityFactory(name="Dresden", population=560_000)
    ReferenceProjectFactory(cities=[bilbao, cork])
    ReferenceProjectFactory(cities=[bilbao, dresden])


def indicators():
    waste = IndicatorFactory(code="ENV-1", name="Waste collected")
    IndicatorFactory(code="ENV-2", name="Air quality")
    cycling = IndicatorFactory(code="MOB-1", name="Cycling share")
    MeasurementFactory(indicator=waste)
    MeasurementFactory(indicator=cycling)
    MeasurementFactory(indicator=cycling, city=None, country="NL")


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def knowledge():
    # "heat" is in the first one's title and only in the others' summaries.
    KnowledgeItemFactory(title="Zebra heat", summary="Maps of the city", published_at=days_ago(3))
    KnowledgeItemFactory(title="Mango", summary="Cooling by heat pumps", published_at=days_ago(0))
    KnowledgeItemFactory(title="Apple", summary="Waste heat recovered", published_at=days_ago(1))


SAMPLES = {"project": projects, "city": cities, "indicator": indicators, "knowledge": knowledge}

SORTED = [
    ("project", {"sort": "acronym"}, ["ALPHA", "BRAVO", "CHARLIE", "DELTA"]),
    ("project", {"sort": "newest"}, ["BRAVO", "DELTA", "CHARLIE", "ALPHA"]),
    ("project", {"sort": "eu_contribution"}, ["CHARLIE", "DELTA", "ALPHA", "BRAVO"]),
    # A country makes the statement DISTINCT, which must still order NULLs last.
    (
        "project",
        {"country": "BE", "sort": "eu_contribution"},
        ["CHARLIE", "DELTA", "ALPHA", "BRAVO"],
    ),
    ("project", {"sort": "name"}, ["CHARLIE", "DELTA", "BRAVO", "ALPHA"]),
    ("city", {"sort": "name"}, ["Aalborg", "Bilbao", "Cork", "Dresden"]),
    ("city", {"sort": "population"}, ["Dresden", "Cork", "Aalborg", "Bilbao"]),
    ("city", {"sort": "projects"}, ["Bilbao", "Cork", "Dresden", "Aalborg"]),
    ("indicator", {"sort": "code"}, ["ENV-1", "ENV-2", "MOB-1"]),
    ("indicator", {"sort": "name"}, ["ENV-2", "MOB-1", "ENV-1"]),
    ("indicator", {"sort": "measurements"}, ["MOB-1", "ENV-1", "ENV-2"]),
    ("knowledge", {"q": "heat", "sort": "relevance"}, ["Zebra heat", "Mango", "Apple"]),
    ("knowledge", {"q": "heat", "sort": "newest"}, ["Mango", "Apple", "Zebra heat"]),
    ("knowledge", {"q": "heat", "sort": "title"}, ["Apple", "Mango", "Zebra heat"]),
    ("knowledge", {"sort": "title"}, ["Apple", "Mango", "Zebra heat"]),
]
CASE_IDS = [f"{name}-{'-'.join(params.values())}" for name, params, _expected in SORTED]

DEFAULT = {
    "project": ["ALPHA", "BRAVO", "CHARLIE", "DELTA"],
    "city": ["Aalborg", "Bilbao", "Cork", "Dresden"],
    "indicator": ["ENV-1", "ENV-2", "MOB-1"],
    "knowledge": ["Mango", "Apple", "Zebra heat"],
}


# --- What the visitor and the client see --------------------------------------------------


def page_rows(response, name: str) -> list[str]:
    """The rows' labels in the order the page links to them."""
    assert response.status_code == 200, response.content
    rows = MODEL[name].objects.all()
    by_url = {row.get_absolute_url(): getattr(row, LABEL[name]) for row in rows}
    hrefs = re.findall(r'href="([^"?#]+)"', response.content.decode())
    return list(dict.fromkeys(by_url[href] for href in hrefs if href in by_url))


def api_rows(client, name: str, params: dict) -> list[str]:
    response = client.get(reverse(f"api:{name}-list"), params)
    assert response.status_code == 200, response.content
    return [row[LABEL[name]] for row in response.json()["results"]]


def csv_rows(client, name: str, params: dict) -> list[str]:
    response = client.get(reverse(f"explore:{name}-export", kwargs={"fmt": "csv"}), params)
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode()
    # An indicator has a line per measurement: its label once, where it first comes.
    return list(dict.fromkeys(row[LABEL[name]] for row in csv.DictReader(io.StringIO(text))))


def list_page(client, name: str, params: dict | None = None):
    return client.get(reverse(f"explore:{name}-list"), params or {})


# --- Orders ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "params", "expected"), SORTED, ids=CASE_IDS)
def test_the_list_page_shows_the_rows_in_the_chosen_order(client, name, params, expected):
    SAMPLES[name]()

    assert page_rows(list_page(client, name, params), name) == expected


@pytest.mark.parametrize(("name", "params", "expected"), SORTED, ids=CASE_IDS)
def test_the_api_lists_the_rows_in_the_chosen_order(client, name, params, expected):
    SAMPLES[name]()

    assert api_rows(client, name, params) == expected


@pytest.mark.parametrize(("name", "params", "expected"), SORTED, ids=CASE_IDS)
def test_the_csv_export_keeps_the_chosen_order(client, name, params, expected):
    SAMPLES[name]()

    assert csv_rows(client, name, params) == expected


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("params", [{}, {"sort": ""}], ids=["no sort", "empty sort"])
def test_without_a_choice_each_list_keeps_its_usual_order(client, name, params):
    SAMPLES[name]()

    assert page_rows(list_page(client, name, params), name) == DEFAULT[name]
    assert api_rows(client, name, params) == DEFAULT[name]


def test_projects_without_an_eu_contribution_and_cities_without_a_population_come_last(client):
    projects()
    ReferenceProjectFactory(acronym="ECHO", total_budget_eur=None, eu_contribution_eur=None)
    cities()
    CityFactory(name="Arles", population=None)

    assert api_rows(client, "project", {"sort": "eu_contribution"})[-2:] == ["BRAVO", "ECHO"]
    assert api_rows(client, "city", {"sort": "population"})[-2:] == ["Arles", "Bilbao"]


def test_a_searched_knowledge_list_is_ranked_when_no_order_is_chosen(client):
    knowledge()

    assert api_rows(client, "knowledge", {"q": "heat"}) == ["Zebra heat", "Mango", "Apple"]


def test_relevance_without_words_lists_the_newest_knowledge_first(client):
    knowledge()

    assert api_rows(client, "knowledge", {"sort": "relevance"}) == DEFAULT["knowledge"]


def event(title: str, *, starts_in_days: int, published_days_ago: int):
    return KnowledgeItemFactory(
        title=title,
        kind=KnowledgeItem.Kind.EVENT,
        event_start=timezone.now() + timedelta(days=starts_in_days),
        event_place="Tartu",
        published_at=days_ago(published_days_ago),
    )


@pytest.fixture
def upcoming_events():
    event("Summit", starts_in_days=40, published_days_ago=0)
    event("Open day", starts_in_days=10, published_days_ago=5)
    event("Bike ride", starts_in_days=20, published_days_ago=2)


@pytest.mark.usefixtures("upcoming_events")
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Open day", "Bike ride", "Summit"]),
        ("newest", ["Summit", "Bike ride", "Open day"]),
        ("title", ["Bike ride", "Open day", "Summit"]),
        # The select's first choice, which the form sends along with the events filter.
        ("relevance", ["Open day", "Bike ride", "Summit"]),
    ],
)
def test_a_chosen_order_wins_over_the_event_date_but_relevance_has_nothing_to_rank(
    client, sort, expected
):
    assert api_rows(client, "knowledge", {"events": "upcoming", "sort": sort}) == expected


# --- The choice on the page ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sort", "label"),
    [
        ("project", "eu_contribution", "Largest EU contribution"),
        ("city", "population", "Largest population"),
        ("indicator", "measurements", "Most measurements"),
        ("knowledge", "title", "Title"),
    ],
)
def test_the_sort_select_has_its_label_and_keeps_the_choice(client, name, sort, label):
    html = list_page(client, name, {"sort": sort}).content.decode()

    assert '<label for="id_sort">Sort by</label>' in html
    assert f'<option value="{sort}" selected>{label}</option>' in html


def test_the_sort_choices_are_translated(client):
    response = client.get(
        reverse("explore:project-list"), {"sort": "eu_contribution"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    html = response.content.decode()
    assert '<label for="id_sort">Trier par</label>' in html
    assert (
        '<option value="eu_contribution" selected>Contribution de l&#x27;UE la plus élevée</option>'
        in html
    )


@pytest.mark.parametrize(("name", "params", "expected"), SORTED, ids=CASE_IDS)
def test_pagination_and_export_links_keep_the_chosen_order(
    client, monkeypatch, name, params, expected
):
    monkeypatch.setattr(catalogue, "PAGE_SIZE", 1)
    SAMPLES[name]()

    second = list_page(client, name, {**params, "page": 2})

    assert page_rows(second, name) == [expected[1]]
    html = second.content.decode()
    query = "&amp;".join(f"{key}={value}" for key, value in params.items())
    assert f'href="?{query}&amp;page=3" rel="next"' in html
    assert f'href="?{query}&amp;page=1" rel="prev"' in html
    export = reverse(f"explore:{name}-export", kwargs={"fmt": "csv"})
    assert f'href="{export}?{query}"' in html


# --- Refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_an_unknown_sort_is_a_400_naming_sort_on_the_page_in_the_api_and_the_export(client, name):
    page = list_page(client, name, {"sort": "random"})
    api = client.get(reverse(f"api:{name}-list"), {"sort": "random"})
    export = client.get(
        reverse(f"explore:{name}-export", kwargs={"fmt": "csv"}), {"sort": "random"}
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert "Some filters could not be used" in html
    assert '<p class="error" id="id_sort_error">' in html
    assert api.status_code == 400
    assert list(api.json()) == ["sort"]
    assert export.status_code == 400
    assert "sort:" in export.content.decode()


# --- Cost -----------------------------------------------------------------------------------


def queries_for(client, name: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert list_page(client, name, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("project", {"country": "BE", "sort": "eu_contribution"}),
        ("city", {"sort": "projects"}),
        ("indicator", {"sort": "measurements"}),
        ("knowledge", {"sort": "title", "q": "heat"}),
    ],
)
def test_sorting_a_list_page_costs_no_query(client, django_assert_max_num_queries, name, params):
    SAMPLES[name]()
    unsorted = queries_for(client, name, {key: v for key, v in params.items() if key != "sort"})

    with django_assert_max_num_queries(7):
        response = list_page(client, name, params)

    assert response.status_code == 200
    assert queries_for(client, name, params) == unsorted


# --- Every order is a full one ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("filter_class", "orders"),
    [
        (ProjectFilter, selectors.PROJECT_ORDERS),
        (CityFilter, selectors.CITY_ORDERS),
        (IndicatorFilter, selectors.INDICATOR_ORDERS),
        (KnowledgeFilter, selectors.CONTENT_ORDERS),
    ],
)
def test_every_sort_choice_has_an_order_that_ends_with_the_primary_key(filter_class, orders):
    choices = [value for value, _label in filter_class.base_filters["sort"].extra["choices"]]

    assert list(orders) == choices
    for order in [*orders.values(), *selectors.KNOWLEDGE_EVENT_ORDERS.values()]:
        assert order[-1] in ("id", "-id")
