"""The platform statistics in Chromium: a curator filters the page, its charts load, and
the page passes axe."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Role
from deal.models import DealRequest, DealRoom
from explore.models import Area
from shape.models import PlanStatus
from tests.deal.factories import DealRequestFactory, DealRoomFactory
from tests.explore.factories import CityFactory, SolutionFactory
from tests.factories import PASSWORD, UserFactory
from tests.services import require_postgres
from tests.shape.factories import PlanFactory

pytestmark = pytest.mark.usefixtures("reference_areas")

CURATOR_EMAIL = "curator@example.org"


@pytest.fixture
def platform(transactional_db):
    # The page asks for its eight charts at once; the live server answers them in parallel
    # threads, which SQLite's shared in-memory test database cannot serve without locking.
    require_postgres()
    UserFactory(email=CURATOR_EMAIL, roles=[Role.MEMBER, Role.CURATOR])
    UserFactory(roles=[Role.MEMBER, Role.PROMOTER])
    mobility = Area.objects.get(slug="sustainable-urban-mobility")
    SolutionFactory(areas=[mobility])
    for country in ("BE", "FR"):
        plan = PlanFactory(
            city=CityFactory(name=f"A city in {country}", country=country),
            status=PlanStatus.BANKABLE,
        )
        plan.areas.set([mobility])
    DealRoomFactory(
        request=DealRequestFactory(plan=plan, status=DealRequest.Status.ACCEPTED),
        outcome=DealRoom.Outcome.CLOSED,
    )


def sign_in(page, live_server, email):
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label(re.compile("^Email")).fill(email)
    page.get_by_label(re.compile("^Password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")


def loaded_width(image):
    image.scroll_into_view_if_needed()  # charts below the fold load lazily
    # A chart that never arrives fails the test after 20 s instead of hanging it.
    return image.evaluate(
        "image => image.complete ? image.naturalWidth : new Promise(done => {"
        " image.addEventListener('load', () => done(image.naturalWidth));"
        " image.addEventListener('error', () => done(0));"
        " setTimeout(() => done(-1), 20000); })"
    )


@pytest.mark.usefixtures("platform")
def test_a_curator_reads_the_statistics_with_charts_and_tables(
    page, live_server, assert_accessible
):
    sign_in(page, live_server, CURATOR_EMAIL)

    page.goto(live_server.url + reverse("clusters:statistics"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform statistics")
    funnel = page.get_by_role("region", name="From plan to deal: the whole platform")
    chart = funnel.locator("img")
    expect(chart).to_have_attribute("alt", re.compile("^Chart of From plan to deal"))
    assert loaded_width(chart) > 0, "the funnel chart did not load"
    assert_accessible(page)

    funnel.get_by_text("The figures of this chart as a table").click()
    expect(funnel.get_by_role("row", name=re.compile("All plans"))).to_contain_text("2")
    assert_accessible(page)

    page.get_by_role("combobox", name="Country").select_option("FR")
    # Wait for the filtered page itself: its URL changes before it has loaded, and a click
    # on the old page's table toggle would be lost with it.
    with page.expect_navigation(url=re.compile("country=FR")):
        page.get_by_role("button", name="Show").click()
    assert "country=FR" in page.url
    by_country = page.get_by_role("region", name=re.compile("by country of the plan"))
    by_country.get_by_text("The figures of this chart as a table").click()
    expect(by_country.get_by_role("row", name=re.compile("France"))).to_be_visible()
    expect(by_country.get_by_role("row", name=re.compile("Belgium"))).to_have_count(0)
    assert loaded_width(by_country.locator("img")) > 0
    assert_accessible(page)
