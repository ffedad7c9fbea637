"""The browser harness itself: styles reach the pages, and the accessibility check bites."""

import pytest
from django.urls import reverse


def test_live_server_serves_the_site_stylesheet(page, live_server):
    # axe judges colour contrast on the rendered page, so an unstyled page would pass it.
    page.goto(live_server.url + reverse("home"))
    stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href")

    response = page.request.get(live_server.url + stylesheet)

    assert response.ok
    assert response.headers["content-type"].startswith("text/css")


def test_accessibility_check_names_each_serious_violation_and_its_element(page, assert_accessible):
    page.set_content('<html lang="en"><title>t</title><main><input id="nameless"></main>')

    with pytest.raises(pytest.fail.Exception, match=r"- label \(critical\): .*\n    #nameless"):
        assert_accessible(page)
