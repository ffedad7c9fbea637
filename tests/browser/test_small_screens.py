"""Every kind of Explore page fits a phone's width (wide tables scroll in their own box, not
the page) and passes the axe check on a phone and on a desktop, filters unfolded."""

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from explore import demo as explore_demo
from explore.models import City, Indicator, PublicationStatus, ReferenceProject, Solution

pytestmark = pytest.mark.usefixtures("reference_areas")

PHONE = {"width": 375, "height": 800}


@pytest.fixture
def catalogue(transactional_db):
    accounts_demo.load()
    explore_demo.load()


def explore_pages() -> list[str]:
    """Every kind of Explore page, each detail page with the most rows of its kind."""
    solution = Solution.objects.filter(status=PublicationStatus.PUBLISHED).first()
    project = ReferenceProject.objects.order_by("-eu_contribution_eur").first()
    city = City.objects.filter(measurements__isnull=False).first()
    indicator = Indicator.objects.filter(measurements__isnull=False).first()
    lists = ["index", "solution-list", "project-list", "city-list", "indicator-list"]
    return [
        *(reverse(f"explore:{name}") for name in [*lists, "knowledge-list", "map"]),
        reverse("explore:search") + "?q=energy",
        reverse("explore:city-list") + "?country=ES&q=zzzz",  # a choice, nothing found
        solution.get_absolute_url(),
        project.get_absolute_url(),
        city.get_absolute_url(),
        indicator.get_absolute_url(),
    ]


@pytest.mark.usefixtures("catalogue")
def test_no_explore_page_is_wider_than_a_phone(page, live_server):
    page.set_viewport_size(PHONE)
    too_wide = {}
    for path in explore_pages():
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width

    assert too_wide == {}


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_every_kind_of_explore_page_passes_the_axe_check(
    page, live_server, assert_accessible, viewport
):
    page.set_viewport_size(viewport)
    for path in explore_pages():
        page.goto(live_server.url + path)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert_accessible(page)
