"""The map of cities and projects, and the indicator charts (SVG) with their table twins."""

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from explore import charts
from explore.models import (
    ActualValue,
    Area,
    City,
    Indicator,
    Measurement,
    ProjectCity,
    ReferenceProject,
)

pytestmark = pytest.mark.django_db


# --- Data ------------------------------------------------------------------------------
# Local helpers: a shared tests/explore/factories.py may replace them later.


def add_city(name, *, country="BE", lat="51.05430", lng="3.71740", population=None):
    return City.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        country=country,
        latitude=Decimal(lat),
        longitude=Decimal(lng),
        population=population,
    )


def add_project(acronym, *, cities=(), name=None):
    project = ReferenceProject.objects.create(
        acronym=acronym,
        name=name or f"{acronym} lighthouse project",
        slug=acronym.lower(),
        start_year=2016,
        end_year=2021,
    )
    for city in cities:
        ProjectCity.objects.create(project=project, city=city, role=ProjectCity.Role.LIGHTHOUSE)
    return project


def add_indicator(code="ENV-01", *, direction=Indicator.Direction.LOWER):
    area, _created = Area.objects.get_or_create(
        slug="baselines-indicators", defaults={"name": "Baselines, indicators and metrics"}
    )
    return Indicator.objects.create(
        code=code,
        slug=code.lower(),
        name=f"Indicator {code}",
        unit="t CO2e / inhabitant",
        direction=direction,
        area=area,
    )


def add_measurement(indicator, subject, *, baseline, target=None, actuals=()):
    """`baseline` and `target` are (value, year); `actuals` are (year, value) pairs."""
    where = {"city": subject} if isinstance(subject, City) else {"project": subject}
    measurement = Measurement.objects.create(
        indicator=indicator,
        baseline_value=Decimal(baseline[0]),
        baseline_year=baseline[1],
        target_value=Decimal(target[0]) if target else None,
        target_year=target[1] if target else None,
        **where,
    )
    for year, value in actuals:
        ActualValue.objects.create(measurement=measurement, year=year, value=Decimal(value))
    return measurement


@pytest.fixture
def cities_and_projects():
    ghent = add_city("Ghent", population=265_000)
    leuven = add_city("Leuven", lat="50.87980", lng="4.70050")
    lyon = add_city("Lyon", country="FR", lat="45.76400", lng="4.83570", population=522_000)
    return {
        "ghent": ghent,
        "leuven": leuven,
        "lyon": lyon,
        "ruggedised": add_project("RUGGEDISED", cities=[ghent, lyon]),
        "smarter": add_project("SMARTER", cities=[leuven]),
    }


@pytest.fixture
def indicator_results(cities_and_projects):
    indicator = add_indicator()
    ghent = add_measurement(
        indicator,
        cities_and_projects["ghent"],
        baseline=("7.2500", 2015),
        target=("4.0000", 2030),
        actuals=[(2018, "6.8000"), (2021, "6.1000")],
    )
    project = add_measurement(
        indicator, cities_and_projects["ruggedised"], baseline=("12500.0000", 2016)
    )
    return {"indicator": indicator, "ghent": ghent, "project": project}


# --- Reading HTML ----------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects every start tag with its attributes, and the text of each table's cells."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.tables = []  # {"caption": str, "rows": [[cell text, ...]]}
        self._text = None
        self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "option":
            attrs["select"] = self._select
        self.tags.append((tag, attrs))
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td", "caption"):
            self._text = []

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag in ("th", "td", "caption") and self._text is not None:
            text = " ".join("".join(self._text).split())
            self._text = None
            if tag == "caption":
                self.tables[-1]["caption"] = text
            else:
                self.tables[-1]["rows"][-1].append(text)

    def all(self, name, **wanted):
        return [
            attrs
            for tag, attrs in self.tags
            if tag == name
            and all(key in attrs and attrs[key] == value for key, value in wanted.items())
        ]

    def table(self, caption_part):
        return next(table for table in self.tables if caption_part in table["caption"])


def page(response) -> _Page:
    return _Page(response.content.decode())


def markers(response) -> list[dict]:
    match = re.search(
        r'<script id="map-markers" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the page carries no marker data block"
    return json.loads(match.group(1))


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


# --- The map page ----------------------------------------------------------------------


def test_the_map_lists_every_city_and_project_with_links_so_it_works_without_javascript(
    client, cities_and_projects
):
    response = client.get(reverse("explore:map"))

    assert response.status_code == 200
    html = page(response)
    cities = html.table("Cities on the map")["rows"][1:]
    assert cities == [
        ["Ghent", "Belgium", "265,000", "RUGGEDISED"],
        ["Leuven", "Belgium", "—", "SMARTER"],
        ["Lyon", "France", "522,000", "RUGGEDISED"],
    ]
    projects = html.table("Reference projects")["rows"][1:]
    assert [row[0] for row in projects] == ["RUGGEDISED", "SMARTER"]
    assert projects[0][3] == "Ghent (BE), Lyon (FR)"
    links = {attrs["href"] for attrs in html.all("a")}
    assert cities_and_projects["ghent"].get_absolute_url() in links
    assert cities_and_projects["smarter"].get_absolute_url() in links


def test_the_map_is_linked_from_the_explore_navigation(client, cities_and_projects):
    response = client.get(reverse("explore:city-list"))

    assert page(response).all("a", href=reverse("explore:map"))


def test_the_marker_data_is_a_json_block_with_coordinates_and_projects(client, cities_and_projects):
    response = client.get(reverse("explore:map"))

    ghent = next(marker for marker in markers(response) if marker["name"] == "Ghent")
    assert ghent["lat"] == pytest.approx(51.0543)
    assert ghent["lng"] == pytest.approx(3.7174)
    assert ghent["url"] == cities_and_projects["ghent"].get_absolute_url()
    assert ghent["projects"] == [
        {
            "acronym": "RUGGEDISED",
            "name": "RUGGEDISED lighthouse project",
            "url": cities_and_projects["ruggedised"].get_absolute_url(),
        }
    ]


def test_the_map_page_runs_no_inline_script_and_keeps_the_site_policy(client, cities_and_projects):
    response = client.get(reverse("explore:map"))

    for script in page(response).all("script"):
        # Either a file from our own static files, or a data block that never runs.
        assert script.get("src", "").startswith("/static/") or (
            script.get("type") == "application/json" and "src" not in script
        ), script
    loaded = [script["src"] for script in page(response).all("script") if "src" in script]
    assert loaded == ["/static/js_lib_leaflet/leaflet.js", "/static/js/map.js"]
    assert all("defer" in script for script in page(response).all("script") if "src" in script)
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]


def test_the_map_has_an_accessible_name_and_a_skip_link_to_the_list(client, cities_and_projects):
    html = page(client.get(reverse("explore:map")))

    (container,) = html.all("div", id="explore-map")
    assert container["role"] == "region"
    assert container["aria-label"]
    assert html.all("a", href="#map-cities")
    assert html.all("h2", id="map-cities")


def test_the_map_filters_by_country_in_the_list_and_the_markers_alike(client, cities_and_projects):
    response = client.get(reverse("explore:map"), {"country": "FR"})

    html = page(response)
    assert [row[0] for row in html.table("Cities on the map")["rows"][1:]] == ["Lyon"]
    assert [row[0] for row in html.table("Reference projects")["rows"][1:]] == ["RUGGEDISED"]
    assert [marker["name"] for marker in markers(response)] == ["Lyon"]


def test_the_map_filters_by_project(client, cities_and_projects):
    response = client.get(reverse("explore:map"), {"project": "ruggedised"})

    html = page(response)
    assert [row[0] for row in html.table("Cities on the map")["rows"][1:]] == ["Ghent", "Lyon"]
    assert [row[0] for row in html.table("Reference projects")["rows"][1:]] == ["RUGGEDISED"]
    assert [marker["name"] for marker in markers(response)] == ["Ghent", "Lyon"]


def test_the_country_and_project_filters_combine(client, cities_and_projects):
    response = client.get(reverse("explore:map"), {"country": "BE", "project": "smarter"})

    assert [marker["name"] for marker in markers(response)] == ["Leuven"]


@pytest.mark.parametrize("params", [{"country": "XX"}, {"project": "no-such-project"}])
def test_an_unknown_filter_value_is_a_bad_request_that_says_why(
    client, cities_and_projects, params
):
    response = client.get(reverse("explore:map"), params)

    assert response.status_code == 400
    assert "Some filters could not be used" in response.content.decode()


def test_the_map_offers_only_countries_that_have_cities(client, cities_and_projects):
    html = page(client.get(reverse("explore:map")))

    assert [option["value"] for option in html.all("option", select="country")] == ["", "BE", "FR"]


def test_the_tile_source_comes_from_the_settings(client, settings, cities_and_projects):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example tiles"

    (container,) = page(client.get(reverse("explore:map"))).all("div", id="explore-map")

    assert container["data-tile-url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert container["data-tile-attribution"] == "© Example tiles"


def test_without_a_tile_source_the_map_says_it_shows_markers_only(client, cities_and_projects):
    (container,) = page(client.get(reverse("explore:map"))).all("div", id="explore-map")

    assert container["data-tile-url"] == ""


@pytest.mark.parametrize("count", [1, 30])
def test_the_map_runs_the_same_few_queries_for_any_number_of_cities(
    client, django_assert_max_num_queries, count
):
    for number in range(count):
        city = add_city(f"City {number}", country="BE" if number % 2 else "NL")
        add_project(f"P{number}", cities=[city])

    for params in ({}, {"country": "NL"}, {"country": "NL", "project": "p0"}):
        with django_assert_max_num_queries(7):
            response = client.get(reverse("explore:map"), params)

        assert response.status_code == 200


def test_a_city_page_shows_a_small_map_of_the_city(client, cities_and_projects):
    ghent = cities_and_projects["ghent"]

    with translation.override("fr"):
        # French writes decimal commas; the coordinates for the script must keep their dot.
        response = client.get(ghent.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")

    assert "51,05430" in response.content.decode()  # the facts list is in French
    (container,) = page(response).all("div", **{"data-map-point": None})
    assert container["data-lat"] == "51.05430"
    assert container["data-lng"] == "3.71740"
    assert container["aria-label"]
    assert page(response).all("a", href=reverse("explore:map") + "?country=BE")


# --- The chart of one measurement ------------------------------------------------------


def test_a_measurement_chart_is_an_svg_with_its_figures(client, indicator_results):
    response = client.get(
        reverse("explore:measurement-chart", args=[indicator_results["ghent"].pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.lstrip().startswith("<?xml")
    assert "Indicator ENV-01 · Ghent (lower is better)" in svg
    for figure in ("7.25", "6.8", "6.1", "4"):
        assert f">{figure}<" in svg or f": {figure}<" in svg, figure
    assert "Target 4 by 2030" in svg
    for year in ("2015", "2018", "2021", "2030"):
        assert f">{year}<" in svg


def test_a_chart_has_no_script_at_all(client, indicator_results):
    for url in (
        reverse("explore:measurement-chart", args=[indicator_results["ghent"].pk]),
        reverse("explore:indicator-comparison-chart", args=["env-01"]),
    ):
        svg = client.get(url).content.decode()

        assert "<script" not in svg
        assert "kozea.github.io" not in svg
        assert "googleapis" not in svg


def test_a_chart_policy_lets_its_style_through_and_nothing_else(client, indicator_results):
    response = client.get(
        reverse("explore:measurement-chart", args=[indicator_results["ghent"].pk])
    )

    directives = policy(response)
    assert "<style" in response.content.decode()
    assert directives["style-src"] == ["'unsafe-inline'"]
    assert directives["default-src"] == ["'none'"]
    assert "script-src" not in directives  # falls back to default-src 'none'
    assert directives["frame-ancestors"] == ["'none'"]


def test_the_chart_policy_does_not_leak_into_the_pages(client, indicator_results):
    response = client.get(indicator_results["ghent"].city.get_absolute_url())

    directives = policy(response)
    assert directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_a_measurement_without_target_or_actuals_still_draws(client, indicator_results):
    response = client.get(
        reverse("explore:measurement-chart", args=[indicator_results["project"].pk])
    )

    assert response.status_code == 200
    assert ">12500<" in response.content.decode()


def test_charts_may_be_cached_briefly_by_the_browser_only(client, indicator_results):
    response = client.get(
        reverse("explore:measurement-chart", args=[indicator_results["ghent"].pk])
    )

    assert "private" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("name", "arg"),
    [("explore:measurement-chart", 999_999), ("explore:indicator-comparison-chart", "nope")],
)
def test_an_unknown_chart_is_not_found(client, indicator_results, name, arg):
    assert client.get(reverse(name, args=[arg])).status_code == 404


def test_a_chart_cannot_be_posted_to(client, indicator_results):
    url = reverse("explore:measurement-chart", args=[indicator_results["ghent"].pk])

    assert client.post(url).status_code == 405


# --- The indicator compared across cities and projects -----------------------------------


def test_the_comparison_chart_shows_baseline_and_latest_value_per_subject(
    client, indicator_results
):
    response = client.get(reverse("explore:indicator-comparison-chart", args=["env-01"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "Indicator ENV-01 (lower is better)" in svg
    for label in ("Ghent", "RUGGEDISED", "Baseline", "Latest actual value"):
        assert f">{label}<" in svg, label
    for figure in ("7.25", "6.1", "12500"):
        assert f">{figure}<" in svg, figure


def test_the_indicator_page_names_each_measurement_by_its_subject_not_the_indicator_again(
    client, indicator_results
):
    indicator = indicator_results["indicator"]

    html = page(client.get(indicator.get_absolute_url()))

    table = html.table("Indicator results")
    assert table["rows"][0][:2] == ["City, project or country", "Baseline"]
    assert [row[0] for row in table["rows"][1:]] == ["Ghent", "RUGGEDISED"]


@pytest.mark.parametrize("city_count", [2, 7])
def test_the_indicator_page_keeps_the_room_the_comparison_chart_will_take(
    client, cities_and_projects, city_count
):
    indicator = add_indicator("ECO-03")
    for number in range(city_count):
        add_measurement(indicator, add_city(f"Town {number}"), baseline=("3", 2019))
    svg = client.get(reverse("explore:indicator-comparison-chart", args=["eco-03"])).content

    (image,) = page(client.get(indicator.get_absolute_url())).all("img", loading="lazy")

    drawn = re.search(rb'<svg [^>]*width="(\d+)" height="(\d+)"', svg)
    assert (image["width"], image["height"]) == (drawn[1].decode(), drawn[2].decode())


def test_the_comparison_title_follows_the_direction_of_the_indicator(client, cities_and_projects):
    indicator = add_indicator("ECO-02", direction=Indicator.Direction.HIGHER)
    add_measurement(indicator, cities_and_projects["lyon"], baseline=("3", 2019))

    svg = client.get(reverse("explore:indicator-comparison-chart", args=["eco-02"])).content

    assert b"Indicator ECO-02 (higher is better)" in svg


def test_the_indicator_page_shows_the_comparison_chart_and_its_table_with_the_same_figures(
    client, indicator_results
):
    indicator = indicator_results["indicator"]
    response = client.get(indicator.get_absolute_url())

    html = page(response)
    (image,) = html.all("img", src=reverse("explore:indicator-comparison-chart", args=["env-01"]))
    assert "Indicator ENV-01" in image["alt"]
    assert "lower is better" in image["alt"]
    table = html.table("baseline and latest actual value")
    assert table["rows"][0] == ["City, project or country", "Baseline", "Latest actual value"]
    assert table["rows"][1:] == [
        ["Ghent", "7.25 (2015)", "6.1 (2021)"],
        ["RUGGEDISED", "12500 (2016)", "—"],
    ]
    # The chart draws the same rows, formatted the same way.
    indicator.refresh_from_db()
    drawn = [
        [row.label, charts.format_value(row.baseline), charts.format_value(row.latest)]
        for row in charts.comparison_rows(indicator)
    ]
    assert drawn == [["Ghent", "7.25", "6.1"], ["RUGGEDISED", "12500", "—"]]


def test_an_indicator_without_measurements_shows_no_empty_chart(client):
    indicator = add_indicator("GOV-09")

    html = page(client.get(indicator.get_absolute_url()))

    assert not html.all("img")


# --- The city and project pages: one chart per measurement ------------------------------


def test_the_city_page_embeds_a_chart_and_a_table_for_each_measurement(client, indicator_results):
    ghent = indicator_results["ghent"]
    other = add_measurement(add_indicator("MOB-03"), ghent.city, baseline=("40", 2017))

    html = page(client.get(ghent.city.get_absolute_url()))

    images = {image["src"]: image for image in html.all("img")}
    for measurement in (ghent, other):
        image = images[reverse("explore:measurement-chart", args=[measurement.pk])]
        assert image["alt"].startswith(f"Line chart of {measurement.indicator.name} for Ghent")
    alt = images[reverse("explore:measurement-chart", args=[ghent.pk])]["alt"]
    assert "baseline 7.25 in 2015" in alt
    assert "latest actual value 6.1 in 2021" in alt
    assert "target 4 by 2030" in alt
    other_alt = images[reverse("explore:measurement-chart", args=[other.pk])]["alt"]
    assert "target" not in other_alt  # nothing carried over from the chart before it
    assert "latest" not in other_alt
    table = html.table("Indicator ENV-01 · Ghent")
    assert table["rows"][1:] == [
        ["2015", "Baseline", "7.25"],
        ["2018", "Actual value", "6.8"],
        ["2021", "Actual value", "6.1"],
        ["2030", "Target", "4"],
    ]
    assert html.table("Indicator MOB-03 · Ghent")["rows"][1:] == [["2017", "Baseline", "40"]]


def test_the_project_page_embeds_a_chart_and_a_table_for_each_of_its_results(
    client, indicator_results
):
    result = indicator_results["project"]
    ActualValue.objects.create(measurement=result, year=2019, value=Decimal("11200"))

    html = page(client.get(result.project.get_absolute_url()))

    images = html.all("img", src=reverse("explore:measurement-chart", args=[result.pk]))
    assert len(images) == 1
    assert images[0]["alt"].startswith(f"Line chart of {result.indicator.name} for RUGGEDISED")
    assert "latest actual value 11200 in 2019" in images[0]["alt"]
    table = html.table(f"Indicator ENV-01 · {result.subject}")
    assert table["rows"][1:] == [["2016", "Baseline", "12500"], ["2019", "Actual value", "11200"]]
    # The city's result is on the city's page, not the project's.
    ghent_chart = reverse("explore:measurement-chart", args=[indicator_results["ghent"].pk])
    assert not html.all("img", src=ghent_chart)


@pytest.mark.parametrize("count", [1, 20])
def test_charts_add_no_queries_to_the_detail_pages(
    client, django_assert_max_num_queries, cities_and_projects, count
):
    ghent, ruggedised = cities_and_projects["ghent"], cities_and_projects["ruggedised"]
    indicator = add_indicator()
    for number in range(count):
        for prefix, subject in [("C", ghent), ("P", ruggedised)]:
            add_measurement(
                add_indicator(f"{prefix}-{number}"),
                subject,
                baseline=("1", 2015),
                actuals=[(2016, "2"), (2017, "3")],
            )
        city = add_city(f"Town {number}")
        add_measurement(indicator, city, baseline=("5", 2015), actuals=[(2020, "4")])

    # The pages' own prefetches feed the charts' tables and alt texts; the images load apart.
    with django_assert_max_num_queries(6):
        client.get(ghent.get_absolute_url())
    with django_assert_max_num_queries(6):
        client.get(ruggedised.get_absolute_url())
    with django_assert_max_num_queries(4):
        client.get(indicator.get_absolute_url())
    with django_assert_max_num_queries(4):
        client.get(reverse("explore:indicator-comparison-chart", args=[indicator.slug]))


def test_the_style_inside_a_chart_loads_nothing_from_elsewhere(client, indicator_results):
    svg = client.get(
        reverse("explore:measurement-chart", args=[indicator_results["ghent"].pk])
    ).content.decode()

    (style,) = re.findall(r"<style[^>]*>(.*?)</style>", svg, re.S)
    assert "font-family" in style
    assert "@import" not in style
    assert "url(" not in style
    assert "<?xml-stylesheet" not in svg
