"""Bulk exports: every list as streamed CSV and JSON, filtered exactly like the list pages."""

import csv
import io
import json

import pytest
from django.urls import reverse

from explore.models import Area, Maturity, PublicationStatus
from explore.views import exports
from tests.explore.factories import (
    CityFactory,
    IndicatorFactory,
    KnowledgeItemFactory,
    MeasurementFactory,
    ReferenceProjectFactory,
    SolutionFactory,
    indicators_measured_three_ways,
    measured_indicators,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

EXPORTS = ["solution", "project", "city", "indicator", "knowledge"]


def download(client, name, fmt, params=None):
    response = client.get(reverse(f"explore:{name}-export", kwargs={"fmt": fmt}), params or {})
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def csv_rows(client, name, params=None) -> list[dict]:
    return list(csv.DictReader(io.StringIO(download(client, name, "csv", params))))


def json_rows(client, name, params=None) -> list[dict]:
    return json.loads(download(client, name, "json", params))


def test_the_solution_csv_has_the_useful_public_columns(client):
    provider = OrganisationFactory(name="Lumen Systems", country="NL")
    solution = SolutionFactory(
        title="Smart street lighting",
        provider=provider,
        maturity=Maturity.AT_SCALE,
        cost_min_eur=80_000,
        cost_max_eur=150_000,
        areas=["sustainable-urban-mobility", "citizen-focus"],
        cities=[CityFactory(name="Ghent"), CityFactory(name="Lyon", country="FR")],
    )

    [row] = csv_rows(client, "solution")

    assert row == {
        "title": "Smart street lighting",
        "url": "http://testserver" + solution.get_absolute_url(),
        "summary": solution.summary,
        "maturity": "at_scale",
        "cost_min_eur": "80000",
        "cost_max_eur": "150000",
        "provider": "Lumen Systems",
        "provider_country": "NL",
        "areas": "Sustainable urban mobility; Citizen focus",
        "cities": "Ghent; Lyon",
        "published_at": solution.published_at.isoformat(),
    }


def test_the_solution_json_is_a_valid_array_with_the_same_records(client):
    SolutionFactory(title="First", cities=[CityFactory(name="Ghent")])
    SolutionFactory(title="Second", provider=None)

    records = json_rows(client, "solution")

    assert [record["title"] for record in records] == ["Second", "First"]
    second, first = records
    assert first["cities"] == ["Ghent"]
    assert first["areas"] == ["Sustainable urban mobility"]
    assert first["cost_min_eur"] == 120_000
    assert (second["provider"], second["provider_country"]) == (None, None)
    assert list(first) == list(csv_rows(client, "solution")[0])


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_empty_export_is_still_well_formed(client, fmt):
    text = download(client, "solution", fmt)

    if fmt == "json":
        assert json.loads(text) == []
    else:
        assert text.splitlines()[0].startswith("title,url,summary")


@pytest.mark.parametrize("status", ["draft", "pending", "archived"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_unpublished_items_never_appear_in_exports(client, status, fmt, promoter):
    SolutionFactory(title="Out there")
    SolutionFactory(title="Not yet", status=status, author=promoter)
    KnowledgeItemFactory(title="Also out there")
    KnowledgeItemFactory(title="Not this one", status=status, author=promoter)
    client.force_login(promoter)  # not even for their author

    rows = csv_rows if fmt == "csv" else json_rows

    assert [row["title"] for row in rows(client, "solution")] == ["Out there"]
    assert [row["title"] for row in rows(client, "knowledge")] == ["Also out there"]


def test_a_pending_edit_is_not_exported_next_to_its_original(client, promoter):
    original = SolutionFactory(title="Bike lanes", author=promoter)
    SolutionFactory(
        title="Bike lanes, edited",
        revision_of=original,
        status=PublicationStatus.PENDING,
        author=promoter,
    )

    assert [row["title"] for row in json_rows(client, "solution")] == ["Bike lanes"]


@pytest.mark.parametrize(
    "params",
    [
        {"maturity": "at_scale", "area": "citizen-focus"},
        {"q": "lighting"},
        {"q": "lightng"},  # misspelt: both give the titles with a similar word
        {"country": "NL"},
        {"sort": "title", "maturity": "at_scale"},
    ],
)
def test_exports_filter_and_order_exactly_like_the_api(client, params):
    dutch = OrganisationFactory(name="Dutch maker", country="NL")
    SolutionFactory(title="Street lighting", maturity=Maturity.AT_SCALE, areas=["citizen-focus"])
    SolutionFactory(title="Adaptive lighting", maturity=Maturity.AT_SCALE, areas=["standards"])
    SolutionFactory(title="Citizen panels", maturity=Maturity.IDEA, areas=["citizen-focus"])
    SolutionFactory(title="Canal boats", provider=dutch, areas=["citizen-focus"])

    api = client.get(reverse("api:solution-list"), params).json()["results"]
    exported = json_rows(client, "solution", params)

    assert [row["title"] for row in exported] == [row["title"] for row in api]
    assert [row["title"] for row in csv_rows(client, "solution", params)] == [
        row["title"] for row in api
    ]
    assert 0 < len(exported) < 4


def test_the_maturity_and_area_filters_combine(client):
    SolutionFactory(title="Wanted", maturity=Maturity.AT_SCALE, areas=["citizen-focus"])
    SolutionFactory(title="Wrong area", maturity=Maturity.AT_SCALE, areas=["standards"])
    SolutionFactory(title="Wrong maturity", maturity=Maturity.IDEA, areas=["citizen-focus"])

    rows = csv_rows(client, "solution", {"maturity": "at_scale", "area": "citizen-focus"})

    assert [row["title"] for row in rows] == ["Wanted"]


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("solution", {"maturity": "nonsense"}, "maturity"),
        ("solution", {"area": "no-such-area"}, "area"),
        ("knowledge", {"kind": "gossip"}, "kind"),
        ("indicator", {"area": "no-such-area"}, "area"),
        ("project", {"country": "XX"}, "country"),
        ("city", {"country": "XX"}, "country"),
    ],
)
def test_a_bad_filter_value_is_a_400_with_a_plain_message(client, name, params, field):
    response = client.get(reverse(f"explore:{name}-export", kwargs={"fmt": "csv"}), params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert f"{field}:" in response.content.decode()


@pytest.mark.parametrize("fmt", ["xml", "xlsx", "CSV", "csv.gz"])
def test_an_unknown_format_is_a_404(client, fmt):
    response = client.get(reverse("explore:solution-export", kwargs={"fmt": fmt}))

    assert response.status_code == 404


def test_exports_are_read_only(client):
    response = client.post(reverse("explore:solution-export", kwargs={"fmt": "csv"}))

    assert response.status_code == 405


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize(
    ("fmt", "content_type"), [("csv", "text/csv; charset=utf-8"), ("json", "application/json")]
)
def test_every_list_downloads_as_an_attachment(client, name, fmt, content_type):
    response = client.get(reverse(f"explore:{name}-export", kwargs={"fmt": fmt}))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == content_type
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="smart-cities-')
    assert disposition.endswith(f'.{fmt}"')


def test_projects_cities_indicators_and_knowledge_export_their_rows(client):
    ghent = CityFactory(name="Ghent")
    project = ReferenceProjectFactory(acronym="REPLICATE", cities=[ghent])
    MeasurementFactory(indicator=IndicatorFactory(code="ENV-1"), city=ghent)
    KnowledgeItemFactory(title="Lessons learnt", kind="story", areas=["knowledge-sharing"])

    [project_row] = json_rows(client, "project")
    [city_row] = csv_rows(client, "city")
    [indicator_row] = json_rows(client, "indicator")
    [knowledge_row] = csv_rows(client, "knowledge")

    assert project_row["acronym"] == "REPLICATE"
    assert project_row["url"] == "http://testserver" + project.get_absolute_url()
    assert (project_row["cities"], project_row["countries"]) == (["Ghent"], ["BE"])
    assert (city_row["name"], city_row["country"], city_row["project_count"]) == (
        "Ghent",
        "BE",
        "1",
    )
    assert city_row["latitude"] == "51.05434"
    assert (indicator_row["code"], indicator_row["measurement_count"]) == ("ENV-1", 1)
    assert (knowledge_row["kind"], knowledge_row["areas"]) == ("story", "Knowledge sharing")


def test_exports_honour_the_filters_of_every_list(client):
    ghent, lyon = CityFactory(name="Ghent"), CityFactory(name="Lyon", country="FR")
    ReferenceProjectFactory(acronym="GHENTLIGHT", cities=[ghent])
    ReferenceProjectFactory(acronym="LYONLIGHT", cities=[lyon])
    KnowledgeItemFactory(title="A guide", kind="guidance")
    KnowledgeItemFactory(title="Some news", kind="news")

    assert [row["acronym"] for row in csv_rows(client, "project", {"country": "FR"})] == [
        "LYONLIGHT"
    ]
    assert [row["name"] for row in json_rows(client, "city", {"q": "ghe"})] == ["Ghent"]
    assert [row["title"] for row in json_rows(client, "knowledge", {"kind": "news"})] == [
        "Some news"
    ]


def test_text_that_would_run_as_a_spreadsheet_formula_stays_text(client):
    SolutionFactory(title='=HYPERLINK("http://evil.example","click")', summary="+1 reason")

    [row] = csv_rows(client, "solution")

    assert row["title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["summary"] == "'+1 reason"
    [record] = json_rows(client, "solution")
    assert record["title"] == '=HYPERLINK("http://evil.example","click")'


def test_negative_coordinates_stay_numbers_in_the_csv(client):
    CityFactory(name="Madrid", country="ES", longitude="-3.70379")

    [row] = csv_rows(client, "city")

    assert row["longitude"] == "-3.70379"


def test_rows_are_read_in_chunks_with_their_relations(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    for number in range(5):
        SolutionFactory(title=f"Solution {number}", cities=[CityFactory(name=f"Town {number}")])

    rows = csv_rows(client, "solution", {"sort": "title"})

    assert [(row["title"], row["cities"]) for row in rows] == [
        (f"Solution {number}", f"Town {number}") for number in range(5)
    ]


@pytest.mark.parametrize("rows", [1, 50])
def test_a_solution_export_takes_as_many_queries_for_fifty_rows_as_for_one(
    client, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        SolutionFactory(cities=[CityFactory()])

    with django_assert_max_num_queries(5):
        assert len(csv_rows(client, "solution")) == rows


# --- Indicators, with their measurements ----------------------------------------------------

MEASUREMENT_COLUMNS = [
    "city",
    "project",
    "country",
    "baseline_value",
    "baseline_year",
    "target_value",
    "target_year",
    "actuals",
    "source",
]


def test_the_indicator_csv_has_a_line_per_measurement_with_its_values(client):
    measured_indicators(project_source="=cmd|' /C calc'!A0")

    rows = csv_rows(client, "indicator")

    assert [row["code"] for row in rows] == ["ENV-1", "ENV-1", "ENV-1", "ENV-2"]
    city, project, country, unmeasured = rows
    assert list(city)[-len(MEASUREMENT_COLUMNS) :] == MEASUREMENT_COLUMNS
    assert {name: city[name] for name in MEASUREMENT_COLUMNS} == {
        "city": "Ghent",
        "project": "",
        "country": "",
        "baseline_value": "100.0000",
        "baseline_year": "2018",
        "target_value": "60.0000",
        "target_year": "2030",
        "actuals": "2020: 90.0000; 2022: 75.5000",
        "source": "City statistics office",
    }
    assert (city["name"], city["measurement_count"]) == ("Emissions", "3")
    assert (project["city"], project["project"], project["target_value"]) == ("", "REPLICATE", "")
    assert (project["actuals"], project["source"]) == ("", "'=cmd|' /C calc'!A0")
    assert (country["city"], country["project"], country["country"]) == ("", "", "FR")
    assert (unmeasured["name"], unmeasured["measurement_count"]) == ("Energy use", "0")
    assert {unmeasured[name] for name in MEASUREMENT_COLUMNS} == {""}


def test_the_indicator_json_nests_each_indicators_measurements(client):
    measured_indicators(project_source="=cmd|' /C calc'!A0")

    emissions, energy = json_rows(client, "indicator")

    assert (emissions["code"], emissions["measurement_count"], energy["measurements"]) == (
        "ENV-1",
        3,
        [],
    )
    city, project, country = emissions["measurements"]
    assert list(city) == MEASUREMENT_COLUMNS
    assert city["actuals"] == [
        {"year": 2020, "value": "90.0000", "note": ""},
        {"year": 2022, "value": "75.5000", "note": ""},
    ]
    assert (city["city"], city["baseline_value"], city["target_year"]) == (
        "Ghent",
        "100.0000",
        2030,
    )
    assert (project["project"], project["target_value"], project["source"]) == (
        "REPLICATE",
        None,
        "=cmd|' /C calc'!A0",
    )
    assert (country["city"], country["project"], country["country"]) == (None, None, "FR")


@pytest.mark.parametrize("params", [{"q": "emissions"}, {"area": "baselines-indicators-metrics"}])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_indicator_export_honours_the_lists_filters(client, params, fmt):
    measured_indicators(project_source="=cmd|' /C calc'!A0")
    MeasurementFactory(
        indicator=IndicatorFactory(code="STD-1", area=Area.objects.get(slug="standards"))
    )
    rows = csv_rows if fmt == "csv" else json_rows

    exported = rows(client, "indicator", params)

    api = client.get(reverse("api:indicator-list"), params).json()["results"]
    assert "STD-1" not in {row["code"] for row in exported}
    assert sorted({row["code"] for row in exported}) == [row["code"] for row in api]


def test_indicators_are_read_in_chunks_with_their_measurements(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    for number in range(5):
        MeasurementFactory(
            indicator=IndicatorFactory(code=f"KPI-{number}"),
            baseline_year=2010 + number,
            actuals={2020: number},
        )

    rows = csv_rows(client, "indicator")

    assert [(row["code"], row["baseline_year"], row["actuals"]) for row in rows] == [
        (f"KPI-{number}", str(2010 + number), f"2020: {number}.0000") for number in range(5)
    ]


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_indicator_export_takes_as_many_queries_for_fifty_rows_as_for_one(
    client, django_assert_max_num_queries, rows, fmt
):
    indicators_measured_three_ways(rows)

    with django_assert_max_num_queries(5):
        text = download(client, "indicator", fmt)

    if fmt == "json":
        assert [len(row["measurements"]) for row in json.loads(text)] == [3] * rows
    else:
        assert len(list(csv.DictReader(io.StringIO(text)))) == 3 * rows
