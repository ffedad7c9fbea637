"""Tag pages: a solution's tags lead to the other published solutions carrying them."""

from datetime import UTC, datetime, timedelta

import pytest

from explore.models import PublicationStatus, Solution
from tests.explore.factories import SolutionFactory, TagFactory

pytestmark = pytest.mark.django_db

CARD_TITLE = '<h3><a href="/explore/solutions/{slug}/">{title}</a></h3>'


def titles_listed(response, solutions) -> list[str]:
    """The titles of `solutions` in the order the page lists their cards."""
    html = response.content.decode()
    shown = [s for s in solutions if CARD_TITLE.format(slug=s.slug, title=s.title) in html]
    return [
        s.title
        for s in sorted(
            shown, key=lambda s: html.index(CARD_TITLE.format(slug=s.slug, title=s.title))
        )
    ]


def published_days_ago(solution, days: int) -> None:
    moment = datetime(2026, 11, 1, tzinfo=UTC) - timedelta(days=days)
    Solution.objects.filter(pk=solution.pk).update(published_at=moment)


def test_a_tag_page_lists_the_published_solutions_with_that_tag_newest_first(client):
    heat = TagFactory(name="District heating")
    older = SolutionFactory(title="Heat network", tags=[heat])
    newer = SolutionFactory(title="Waste heat recovery", tags=[heat])
    published_days_ago(older, 30)
    published_days_ago(newer, 2)
    other_tag = SolutionFactory(title="Parking sensors", tags=[TagFactory(name="Parking")])
    untagged = SolutionFactory(title="Street lights")
    draft = SolutionFactory(title="Heat pump draft", status=PublicationStatus.DRAFT, tags=[heat])

    response = client.get(heat.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    every = [older, newer, other_tag, untagged, draft]
    assert titles_listed(response, every) == ["Waste heat recovery", "Heat network"]
    html = response.content.decode()
    assert "Solutions tagged “District heating”" in html
    assert "2 published solutions carry this tag." in html


def test_the_solution_page_links_each_tag_to_its_page_in_name_order(client):
    solution = SolutionFactory(
        title="Heat network", tags=[TagFactory(name="Waste heat"), TagFactory(name="Biomass")]
    )

    html = client.get(solution.get_absolute_url()).content.decode()

    biomass = '<a class="tag" href="/explore/tags/biomass/">Biomass</a>'
    waste_heat = '<a class="tag" href="/explore/tags/waste-heat/">Waste heat</a>'
    assert biomass in html
    assert waste_heat in html
    assert html.index(biomass) < html.index(waste_heat)


def test_a_tag_no_published_solution_carries_says_so(client):
    tag = TagFactory(name="Hydrogen")
    SolutionFactory(title="Hydrogen buses", status=PublicationStatus.PENDING, tags=[tag])

    response = client.get(tag.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "No published solution carries this tag yet." in response.content.decode()
    assert "Hydrogen buses" not in response.content.decode()


def test_a_pending_edit_of_a_published_solution_is_not_listed_twice(client):
    tag = TagFactory(name="Smart lighting")
    published = SolutionFactory(title="Adaptive street lights", tags=[tag])
    SolutionFactory(
        title="Adaptive street lights, edited",
        status=PublicationStatus.PENDING,
        revision_of=published,
        tags=[tag],
    )

    response = client.get(tag.get_absolute_url())

    assert "1 published solution carries this tag." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/explore/tags/no-such-tag/",
        "/explore/tags/district-heating/?page=2",
        "/explore/tags/district-heating/?page=abc",
    ],
)
def test_an_unknown_tag_or_a_page_past_the_end_is_not_found(client, url):
    SolutionFactory(tags=[TagFactory(name="District heating")])

    assert client.get(url).status_code == 404


def test_tag_pages_are_paginated_by_twenty(client):
    tag = TagFactory(name="Open data")
    SolutionFactory.create_batch(21, tags=[tag])

    first = client.get(tag.get_absolute_url()).content.decode()
    second = client.get(tag.get_absolute_url(), {"page": 2}).content.decode()

    assert first.count('<li class="card">') == 20
    assert second.count('<li class="card">') == 1
    assert 'rel="next"' in first


@pytest.mark.parametrize("rows", [1, 30])
def test_a_tag_page_needs_the_same_few_queries_however_many_solutions(
    client, django_assert_max_num_queries, rows
):
    tag = TagFactory(name="Mobility as a service")
    SolutionFactory.create_batch(rows, tags=[tag], areas=["sustainable-urban-mobility"])

    with django_assert_max_num_queries(4):
        response = client.get(tag.get_absolute_url())

    assert response.status_code == 200
