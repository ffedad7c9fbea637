"""Explore in Chromium: a visitor searches and follows a solution to a city's map and chart;
a member shares a solution that a curator publishes."""

import re

import pytest
from django.db.models import F
from django.urls import reverse
from playwright.sync_api import expect

from accounts import demo as accounts_demo
from accounts.models import Role
from explore import demo as explore_demo
from explore.models import City, PublicationStatus, Solution
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.usefixtures("reference_areas")


@pytest.fixture
def catalogue(transactional_db):
    accounts_demo.load()
    explore_demo.load()


def solution_in_a_measured_city():
    """A published demo solution deployed in a city that has indicator measurements."""
    city = City.objects.filter(measurements__isnull=False, solutions__isnull=False).distinct()[0]
    solution = city.solutions.filter(status=PublicationStatus.PUBLISHED).first()
    return solution, city


def sign_in(page, live_server, email):
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label(re.compile("^Email")).fill(email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")


@pytest.mark.usefixtures("catalogue")
def test_visitor_searches_narrows_opens_a_solution_and_reaches_a_city_map_and_chart(
    page, live_server, assert_accessible
):
    solution, city = solution_in_a_measured_city()
    first_word = solution.title.split()[0]
    area = solution.areas.first()

    page.goto(live_server.url + reverse("explore:solution-list"))
    assert_accessible(page)
    page.get_by_label("Search solutions").fill(first_word)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"\d+ solutions?"))).to_be_visible()

    page.get_by_role("group", name="Area").get_by_label(re.compile(re.escape(area.name))).check()
    page.get_by_role("group", name="Maturity").get_by_label(
        re.compile(re.escape(solution.get_maturity_display()))
    ).check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name=f"Remove {area.name}")).to_be_visible()
    assert f"area={area.slug}" in page.url
    assert f"maturity={solution.maturity}" in page.url
    assert_accessible(page)

    page.get_by_role("link", name=solution.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(solution.title)
    assert_accessible(page)

    page.get_by_role("link", name=city.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(city.name)
    expect(page.locator(".leaflet-container").first).to_be_visible()
    chart = page.locator("img[src$='chart.svg']").first
    expect(chart).to_be_visible()
    assert chart.get_attribute("alt")
    chart.scroll_into_view_if_needed()  # charts below the fold load lazily
    loaded_width = chart.evaluate(
        "image => image.complete ? image.naturalWidth"
        " : new Promise(done => image.addEventListener('load', () => done(image.naturalWidth)))"
    )
    assert loaded_width > 0, "the chart SVG did not load"
    assert_accessible(page)


@pytest.mark.usefixtures("catalogue")
def test_visitor_sorts_the_cities_by_population_and_follows_a_tag_to_its_solutions(
    page, live_server, assert_accessible
):
    largest = City.objects.order_by(F("population").desc(nulls_last=True), "name").first()
    solution = Solution.objects.filter(
        status=PublicationStatus.PUBLISHED, tags__isnull=False
    ).first()
    tag = solution.tags.order_by("name").first()

    page.goto(live_server.url + reverse("explore:city-list"))
    page.get_by_label("Sort by").select_option(label="Largest population")
    page.get_by_role("button", name="Filter").click()
    assert "sort=population" in page.url
    expect(page.locator("table.data-table tbody tr").first).to_contain_text(largest.name)
    assert_accessible(page)

    page.goto(live_server.url + solution.get_absolute_url())
    page.locator(f'a[href="{tag.get_absolute_url()}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Solutions tagged “{tag.name}”")
    expect(page.get_by_role("link", name=solution.title, exact=True)).to_be_visible()
    assert_accessible(page)


def test_member_shares_a_solution_and_a_curator_publishes_it(page, live_server, assert_accessible):
    UserFactory(email="mira@example.org", roles=[Role.MEMBER])
    UserFactory(email="carla@example.org", roles=[Role.MEMBER, Role.CURATOR])

    sign_in(page, live_server, "mira@example.org")
    page.goto(live_server.url + reverse("explore:item-create", args=["solution"]))
    assert_accessible(page)
    page.get_by_label(re.compile("^Title")).fill("Kerbside parcel lockers")
    page.get_by_label(re.compile("^Summary")).fill("Shared lockers cut delivery van trips.")
    page.get_by_label(re.compile("^Maturity")).select_option(label="Pilot")
    page.get_by_role("group", name="Areas").get_by_label("Sustainable urban mobility").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Sent for review.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "carla@example.org")
    page.goto(live_server.url + reverse("explore:moderation-queue"))
    expect(page.get_by_role("link", name="Kerbside parcel lockers")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish").first.click()
    expect(page.get_by_text("“Kerbside parcel lockers” is published.")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + reverse("explore:solution-list") + "?q=parcel")
    expect(page.get_by_role("link", name="Kerbside parcel lockers")).to_be_visible()
    assert Solution.objects.get(title="Kerbside parcel lockers").status == "published"
    assert_accessible(page)


@pytest.mark.usefixtures("catalogue")
def test_on_a_phone_the_results_come_first_and_the_filters_unfold_on_demand(
    page, live_server, assert_accessible
):
    area = Solution.objects.filter(status=PublicationStatus.PUBLISHED).first().areas.first()
    page.set_viewport_size({"width": 375, "height": 800})

    page.goto(live_server.url + reverse("explore:solution-list"))
    area_group = page.get_by_role("group", name="Area")
    expect(area_group).to_be_hidden()
    expect(
        page.get_by_role("heading", level=2, name=re.compile(r"\d+ solutions"))
    ).to_be_in_viewport()
    assert_accessible(page)

    page.get_by_text("Filters and order").click()
    area_group.get_by_label(re.compile(re.escape(area.name))).check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name=f"Remove {area.name}")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(area_group).to_be_visible()  # a wide screen shows them again
